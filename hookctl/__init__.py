"""hookctl: safe command-line management of Stream event hooks."""

__version__ = "0.1.0"
