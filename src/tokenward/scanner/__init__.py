"""The scanner: file discovery, decoding, the engine, suppressions, fingerprints, redaction."""
