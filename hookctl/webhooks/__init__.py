"""Webhooks on the wire: signing and verification, compression, the delivery engine,
pings and triggers, and the local receiver behind ``hookctl listen``."""
