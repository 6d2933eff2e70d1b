"""hookctl's test suite (a package, so plain `pytest` and `python -m pytest` import helpers alike)."""
