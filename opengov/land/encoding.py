"""GeoJSON pages of land collections in CRS84 or in their native CRS (EPSG:5899).

The native Feature is stored beside the CRS84 one (:mod:`opengov.land.native`), so a page in
EPSG:5899 is joined from stored text like the default page, and returns exactly the loaded
coordinates. ``properties`` and ``simplify``/``zoom`` go through the OGC
:class:`~opengov.ogcapi.encoding.Reshape` of each page.
"""

from __future__ import annotations

import math

from opengov.collections import Collection
from opengov.encoders import ENCODERS
from opengov.geo.crs import CRS84, SUPPORTED, Crs
from opengov.ogcapi.encoding import METRES_PER_DEGREE, NATIVE_FEATURE, Reshape, native
from opengov.ogcapi.encoding import geojson_encoder as page_encoder

__all__ = ["NATIVE_FEATURE", "encoders", "reshape_for", "zoom_tolerance_m"]

WEB_MERCATOR_M_PER_PX_Z0 = 156_543.034  # ground resolution at zoom 0 on the equator (256 px)


def zoom_tolerance_m(zoom: int, latitude: float = 15.7) -> float:
    """Half a display pixel at ``zoom`` (Web Mercator tiles of 256 px), in metres."""
    return WEB_MERCATOR_M_PER_PX_Z0 * math.cos(math.radians(latitude)) / 2 ** zoom / 2


def reshape_for(collection: Collection, crs: Crs, properties: tuple[str, ...] | None,
                simplify_m: float | None) -> tuple[bool, Reshape]:
    """(read the native column?, what to change in each stored feature) for a request."""
    if native(collection, crs):
        return True, Reshape(SUPPORTED[CRS84], properties, simplify_m)  # already in metres
    degrees = simplify_m / METRES_PER_DEGREE if simplify_m else None
    return False, Reshape(crs, properties, degrees)


def geojson_encoder(collection: Collection, crs: Crs, properties: tuple[str, ...] | None,
                    simplify_m: float | None):
    """The GeoJSON encoder for a request: stored bytes whenever nothing needs reshaping (the
    same path as OGC API items; ``simplify_m`` in metres)."""
    degrees = simplify_m / METRES_PER_DEGREE if simplify_m else None
    return page_encoder(collection, Reshape(crs, properties, degrees))


def encoders(collection: Collection, crs: Crs, properties, simplify_m) -> dict:
    """Formats of a land list endpoint, GeoJSON first (the default)."""
    return {"geojson": geojson_encoder(collection, crs, properties, simplify_m),
            "csv": ENCODERS["csv"]}
