"""Stream's server API, as hookctl uses it."""
