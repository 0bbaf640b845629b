// The Solver module; see README.md (Architecture).
