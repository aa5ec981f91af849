"""Parsing of ``bbox=minLon,minLat,maxLon,maxLat`` (optionally with min/max heights)."""

from __future__ import annotations

import math

from opengov.query import BBox


class BBoxError(ValueError):
    """The bbox text is not four (or six) finite numbers describing a valid box."""


def parse_bbox(text: str, *, geographic: bool = True) -> BBox:
    """Parse a bbox; 6 values (with heights) are accepted and the heights ignored."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) not in (4, 6):
        raise BBoxError("bbox needs 4 numbers: minLon,minLat,maxLon,maxLat")
    try:
        values = [float(p) for p in parts]
    except ValueError as exc:
        raise BBoxError("bbox values must be numbers") from exc
    if not all(math.isfinite(v) for v in values):
        raise BBoxError("bbox values must be finite numbers")
    if len(values) == 6:
        values = [values[0], values[1], values[3], values[4]]
    minx, miny, maxx, maxy = values
    if minx > maxx:
        raise BBoxError("minLon is greater than maxLon (boxes across the antimeridian are not "
                        "supported)")
    if miny > maxy:
        raise BBoxError("minLat is greater than maxLat")
    if geographic and not (-180 <= minx <= 180 and -180 <= maxx <= 180):
        raise BBoxError("longitudes must lie within [-180, 180]")
    if geographic and not (-90 <= miny <= 90 and -90 <= maxy <= 90):
        raise BBoxError("latitudes must lie within [-90, 90]")
    return BBox(minx, miny, maxx, maxy)
