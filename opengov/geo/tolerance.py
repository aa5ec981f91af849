"""Simplification tolerances: metres ↔ degrees and the tolerance a map zoom level calls for."""

from __future__ import annotations

import math

METRES_PER_DEGREE = 111_320.0  # along a meridian; simplification tolerances are approximate
WEB_MERCATOR_M_PER_PX_Z0 = 156_543.034  # ground resolution at zoom 0 on the equator (256 px)


def zoom_tolerance_m(zoom: int, latitude: float = 15.7) -> float:
    """Half a display pixel at ``zoom`` (Web Mercator tiles of 256 px), in metres."""
    return WEB_MERCATOR_M_PER_PX_Z0 * math.cos(math.radians(latitude)) / 2 ** zoom / 2
