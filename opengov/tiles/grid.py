"""The WebMercator XYZ tile grid (EPSG:3857, "slippy map" numbering).

Tile ``(z, x, y)`` covers ``1/2**z`` of the world in each direction, ``x`` eastwards from 180° W
and ``y`` southwards from 85.0511° N. Formulas: OpenStreetMap wiki, "Slippy map tilenames"
(https://wiki.openstreetmap.org/wiki/Slippy_map_tilenames); the projection is spherical Mercator
as in EPSG:3857.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Deepest zoom served. At z22 a tile is ~10 m wide, so 4096 units are ~2.4 mm.
MAX_ZOOM = 22
#: Tile coordinates per tile side (MVT ``extent``).
EXTENT = 4096
#: Features are clipped this many units outside the tile so that strokes and symbols on the
#: edge render seamlessly (1/64 of a tile).
BUFFER = 64
#: Latitude limit of WebMercator: atan(sinh(π)).
MAX_LAT = 85.0511287798066


class TileError(ValueError):
    """Tile numbers outside the grid."""


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int

    @classmethod
    def parse(cls, z: str, x: str, y: str) -> Tile:
        """Validate tile numbers from a URL: ``0 ≤ z ≤ MAX_ZOOM``, ``0 ≤ x, y < 2**z``."""
        try:
            zi, xi, yi = int(z), int(x), int(y)
        except ValueError as exc:
            raise TileError("z, x and y must be whole numbers") from exc
        if not 0 <= zi <= MAX_ZOOM:
            raise TileError(f"zoom {zi} is outside 0–{MAX_ZOOM}")
        n = 1 << zi
        if not (0 <= xi < n and 0 <= yi < n):
            raise TileError(f"at zoom {zi}, x and y must be between 0 and {n - 1}")
        return cls(zi, xi, yi)

    def lonlat_bounds(self, buffer: float = 0.0) -> tuple[float, float, float, float]:
        """``(west, south, east, north)`` in degrees, widened by ``buffer`` tile units."""
        n = 1 << self.z
        pad = buffer / EXTENT
        west = (self.x - pad) / n * 360.0 - 180.0
        east = (self.x + 1 + pad) / n * 360.0 - 180.0
        return (west, _lat(self.y + 1 + pad, n), east, _lat(self.y - pad, n))


def _lat(ty: float, n: int) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * ty / n))))


def tile_transform(tile: Tile):
    """A vectorised ``(N, 2) lon/lat → (N, 2) tile units`` function (y down, origin top-left)."""
    n = float(1 << tile.z)
    offset = np.array([tile.x, tile.y], dtype=float)

    def to_tile(coords: np.ndarray) -> np.ndarray:
        lon = coords[:, 0]
        lat = np.radians(np.clip(coords[:, 1], -MAX_LAT, MAX_LAT))
        u = (lon + 180.0) / 360.0
        v = (1.0 - np.log(np.tan(lat) + 1.0 / np.cos(lat)) / math.pi) / 2.0
        return (np.column_stack((u, v)) * n - offset) * EXTENT

    return to_tile


def lonlat_to_tile(lon: float, lat: float, z: int) -> Tile:
    """The tile containing a point (clamped to the grid)."""
    n = 1 << z
    lat_r = math.radians(max(-MAX_LAT, min(MAX_LAT, lat)))
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(lat_r)) / math.pi) / 2.0 * n)
    return Tile(z, min(max(x, 0), n - 1), min(max(y, 0), n - 1))
