// The Encoding module; see README.md (Architecture).
