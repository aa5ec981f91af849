"""Upstream HTTP for every capability: one cached requests session with retries and
wall-clock deadlines (the gateway harvests, cameras fetch snapshots, ``opengov add`` fetches
URLs)."""
