"""The base every domain stands on: errors, redaction, validation, plain text, retries, files and stdin.

Standard library only, so the fast paths (``hookctl.entry``, ``hookctl.quick``) may use it."""
