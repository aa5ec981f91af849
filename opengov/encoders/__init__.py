"""Encoders: turn pages of stored rows into response bodies (streamed where large)."""
