"""Event types: the catalog shipped with hookctl, Stream's live list, and sample events."""
