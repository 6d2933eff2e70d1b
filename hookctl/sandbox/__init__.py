"""A local, Stream-compatible app-settings API for demos, tests and CI."""
