"""Geometry helpers: bbox parsing, RFC 7946 GeoJSON serialisation."""
