"""Hooks: pure edits of the ``event_hooks`` array, how hooks are shown, hook files and plans,
snapshots, and the one safe write path with its locks and read-back."""
