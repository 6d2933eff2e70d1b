"""Configuration: the profile file, settings precedence, environment variables and the clients they build."""
