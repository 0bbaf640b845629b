// The Sampling module; see README.md (Architecture).
