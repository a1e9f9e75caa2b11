"""The benchmark: see bench/README.md (not a test suite; nothing here is imported by the app)."""
