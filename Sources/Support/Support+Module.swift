// The Support module; see README.md (Architecture).
