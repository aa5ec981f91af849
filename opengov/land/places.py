"""Where the land sample lies: towns, street names and the commune polygons it is clipped to.

Commune polygons are read from the committed admin-units sample (``datasets/admin-units``) and
re-projected to VN-2000 / TM-3 107-45 (EPSG:5899), the CRS all land geometry is generated in.
Legacy (pre-2025) communes have no published geometry; each 2025 unit is split among the legacy
communes it absorbed by a seeded Voronoi partition (sample geometry, not a real boundary).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import shapely
from shapely.geometry import shape

from opengov.geo.crs import SUPPORTED, VN2000_TM3_10745, from_crs, to_crs
from opengov.sample import sample_datasets

VN2000 = SUPPORTED[VN2000_TM3_10745]


@dataclass(frozen=True)
class Town:
    """A sample window: a rotated street grid around a town centre."""

    name: str
    lon: float
    lat: float
    angle_deg: float  # rotation of the street grid
    cols: int  # blocks east–west
    rows: int  # block rows south–north
    urban_m: float  # radius of the dense core
    village_m: float  # radius of the village belt
    streets: tuple[str, ...]


TOWNS = (
    Town("Tam Kỳ", 108.474, 15.573, 14.0, 22, 44, 560, 1000,
         ("Phan Châu Trinh", "Hùng Vương", "Trần Phú", "Lê Lợi", "Nguyễn Huệ", "Bạch Đằng",
          "Hai Bà Trưng", "Quang Trung", "Lý Thường Kiệt", "Nguyễn Du", "Trần Cao Vân",
          "Huỳnh Thúc Kháng", "Phan Bội Châu", "Tiểu La", "Nguyễn Hoàng", "Duy Tân")),
    Town("Hội An", 108.333, 15.879, -9.0, 22, 44, 540, 980,
         ("Trần Phú", "Nguyễn Thái Học", "Bạch Đằng", "Lê Lợi", "Phan Châu Trinh",
          "Trần Hưng Đạo", "Hai Bà Trưng", "Cửa Đại", "Lý Thường Kiệt", "Nguyễn Duy Hiệu",
          "Phan Đình Phùng", "Huỳnh Thúc Kháng", "Nguyễn Tất Thành", "Lạc Long Quân")),
)


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    geometry: shapely.Geometry  # EPSG:5899
    legacy_codes: tuple[str, ...]


def to_native(geom):
    """CRS84 geometries (one or an array) in EPSG:5899 metres (the pinned transformation)."""
    return to_crs(geom, VN2000)


def to_crs84(geom):
    """EPSG:5899 geometries (one or an array) in CRS84 (the pinned transformation)."""
    return from_crs(geom, VN2000)


def town_origin(town: Town) -> tuple[float, float]:
    """The town centre in EPSG:5899 metres."""
    point = to_native(shapely.Point(town.lon, town.lat))
    return point.x, point.y


@cache
def communes(root: Path | None = None) -> tuple[Commune, ...]:
    """The 2025 commune-level units of the admin-units sample, in EPSG:5899."""
    root = root or sample_datasets()
    doc = json.loads((root / "admin-units" / "admin-units.geojson").read_text(encoding="utf-8"))
    out = []
    for f in doc["features"]:
        p = f["properties"]
        legacy = tuple(c.split("/")[-1] for c in p.get("legacy_codes") or ()) or (p["code"],)
        out.append(Commune(p["code"], p["name_vi"], to_native(shape(f["geometry"])), legacy))
    return tuple(out)


def legacy_cells(commune: Commune, seed: int) -> list[tuple[str, shapely.Geometry]]:
    """The commune split among its legacy communes (seeded Voronoi; sample geometry)."""
    codes = commune.legacy_codes
    if len(codes) == 1:
        return [(codes[0], commune.geometry)]
    rnd = random.Random(f"{seed}:{commune.code}")
    minx, miny, maxx, maxy = commune.geometry.bounds
    sites: list[shapely.Point] = []
    while len(sites) < len(codes):
        p = shapely.Point(rnd.uniform(minx, maxx), rnd.uniform(miny, maxy))
        if commune.geometry.contains(p):
            sites.append(p)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(sites), extend_to=commune.geometry)
    out = []
    for code, site in zip(codes, sites, strict=True):
        cell = next(c for c in cells.geoms if c.contains(site))
        out.append((code, shapely.intersection(cell, commune.geometry)))
    return out
