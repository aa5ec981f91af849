"""Shared pieces of the synthetic spatial sample generators, and their single entry point.

Regenerate the three spatial sample datasets (byte-identical on every run with the same Python,
GEOS and PROJ versions)::

    python -m opengov.synth.geo_sample datasets/

or call :func:`build_spatial_samples`. It writes ``admin-units/``, ``service-centres/`` and
``cameras/`` (GeoJSON + ``metadata.yaml``) under the given folder; the committed inputs it reads
(``admin-units/units-2025.csv`` and ``unit-seeds.csv``) are read from the bundled sample
(:func:`opengov.sample.sample_datasets`), not from the output folder.

Everything tied to one place lives in a :class:`Region` value (:data:`QUANG_NAM`: the former
Quảng Nam province, part of Thành phố Đà Nẵng since 2025-07-01). The generators take a region as
an argument, so another region is a new :class:`Region` plus its two CSV tables. All geometry here
is invented for testing and demonstration: outlines, roads and rivers are rough hand-drawn sketches
in WGS 84 lon/lat, not survey data. Randomness comes only from seeded ``random.Random`` instances.
"""

from __future__ import annotations

import functools
import json
import math
import random
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
import yaml
from pyproj import Transformer
from shapely.geometry import LinearRing, MultiPolygon, Polygon, mapping
from shapely.geometry.polygon import orient

GRID = 1e-6  # coordinates are rounded to 6 decimals (about 0.1 m)
Coords = tuple[tuple[float, float], ...]


def _pts(text: str) -> Coords:
    """``"lon lat, lon lat, …"`` → a tuple of (lon, lat) pairs (keeps the tables below compact)."""
    return tuple(
        (float(a), float(b)) for a, b in (p.split() for p in text.split(",") if p.strip())
    )


@dataclass(frozen=True)
class Town:
    name_vi: str
    name_en: str
    lon: float
    lat: float
    weight: float  # relative urban density, 1.0 = the largest towns
    radius_km: float


@dataclass(frozen=True)
class Road:
    name_vi: str  # short form used in labels: "QL1A", "ĐT609", "Hùng Vương"
    name_en: str
    kind: str  # expressway | national | provincial | urban
    weight: float  # relative camera density per km
    km0: int  # chainage at the first vertex (labels only)
    coords: Coords
    address_vi: str = ""  # street form used in addresses, e.g. "đường Hùng Vương"


@dataclass(frozen=True)
class River:
    name_vi: str
    name_en: str
    coords: Coords


@dataclass(frozen=True)
class Site:
    name_vi: str
    name_en: str
    lon: float
    lat: float
    road: str


@dataclass(frozen=True)
class Region:
    """Everything the generators need to know about one place."""

    slug: str
    name_vi: str
    name_en: str
    province_code: str
    province_name_vi: str
    province_name_en: str
    effective_from: str
    legacy_province_code: str
    outline: tuple[tuple[Coords, float], ...]  # (ring, roughness in degrees); first = mainland
    towns: tuple[Town, ...]
    roads: tuple[Road, ...]
    rivers: tuple[River, ...]
    sites: tuple[Site, ...]
    unit_table: str  # CSV paths relative to the bundled sample folder
    seed_table: str
    phone_prefix: str
    city_centre_unit: str  # unit code hosting the city-level service centre (sample)
    city_centre_label: tuple[str, str]  # (vi, en) suffix naming that branch


# --- Region definition: the former Quảng Nam province (sample sketch, not survey data) -------
_QN_MAINLAND = _pts("""
    108.272 15.985, 108.300 15.955, 108.335 15.920, 108.365 15.900, 108.395 15.880,
    108.420 15.850, 108.445 15.815, 108.470 15.775, 108.495 15.730, 108.515 15.690,
    108.535 15.650, 108.552 15.610, 108.565 15.575, 108.585 15.540, 108.610 15.510,
    108.640 15.490, 108.680 15.455, 108.710 15.425, 108.735 15.400, 108.755 15.385,
    108.720 15.360, 108.660 15.345, 108.600 15.335, 108.540 15.305, 108.490 15.255,
    108.440 15.200, 108.395 15.140, 108.350 15.080, 108.300 15.030, 108.240 14.990,
    108.170 14.960, 108.100 14.950, 108.030 14.965, 107.960 15.020, 107.910 15.080,
    107.860 15.140, 107.800 15.190, 107.740 15.250, 107.670 15.300, 107.610 15.360,
    107.550 15.420, 107.500 15.480, 107.460 15.520, 107.440 15.590, 107.410 15.660,
    107.360 15.720, 107.300 15.780, 107.250 15.850, 107.235 15.930, 107.260 15.995,
    107.320 16.040, 107.400 16.065, 107.480 16.060, 107.570 16.040, 107.650 16.015,
    107.730 15.995, 107.800 15.985, 107.870 15.975, 107.940 15.960, 108.010 15.950,
    108.080 15.945, 108.140 15.955, 108.200 15.970, 108.240 15.982""")
_QN_CU_LAO_CHAM = _pts("""108.478 15.950, 108.495 15.942, 108.520 15.941, 108.538 15.951,
    108.530 15.963, 108.505 15.970, 108.486 15.965""")

QUANG_NAM = Region(
    slug="quang-nam-2025",
    name_vi="địa bàn tỉnh Quảng Nam cũ",
    name_en="former Quang Nam province",
    province_code="48",
    province_name_vi="Thành phố Đà Nẵng",
    province_name_en="Da Nang City",
    effective_from="2025-07-01",
    legacy_province_code="49",
    outline=((_QN_MAINLAND, 0.004), (_QN_CU_LAO_CHAM, 0.0)),
    towns=(
        Town("Tam Kỳ", "Tam Ky", 108.474, 15.573, 1.0, 4.0),
        Town("Hội An", "Hoi An", 108.335, 15.880, 1.0, 3.0),
        Town("Điện Bàn", "Dien Ban", 108.245, 15.893, 0.7, 3.0),
        Town("Điện Ngọc", "Dien Ngoc", 108.272, 15.955, 0.6, 2.5),
        Town("Nam Phước", "Nam Phuoc", 108.290, 15.835, 0.5, 2.0),
        Town("Hà Lam", "Ha Lam", 108.357, 15.738, 0.5, 2.0),
        Town("Núi Thành", "Nui Thanh", 108.655, 15.432, 0.5, 2.5),
        Town("Ái Nghĩa", "Ai Nghia", 108.100, 15.880, 0.4, 2.0),
        Town("Đông Phú", "Dong Phu", 108.215, 15.690, 0.3, 1.5),
        Town("Phú Thịnh", "Phu Thinh", 108.425, 15.595, 0.3, 1.5),
        Town("Tiên Kỳ", "Tien Ky", 108.300, 15.490, 0.3, 1.5),
        Town("Tân Bình", "Tan Binh", 108.100, 15.590, 0.25, 1.5),
        Town("Trung Phước", "Trung Phuoc", 108.030, 15.700, 0.25, 1.5),
        Town("Trà My", "Tra My", 108.225, 15.345, 0.25, 1.5),
        Town("Trà Mai", "Tra Mai", 108.080, 15.150, 0.15, 1.2),
        Town("Khâm Đức", "Kham Duc", 107.800, 15.445, 0.25, 1.5),
        Town("Thạnh Mỹ", "Thanh My", 107.830, 15.760, 0.25, 1.5),
        Town("Prao", "Prao", 107.650, 15.920, 0.2, 1.2),
        Town("A Tiêng", "A Tieng", 107.460, 15.850, 0.15, 1.0),
    ),
    roads=(
        Road("QL1A", "National Road 1A", "national", 1.0, 947, _pts("""108.236 15.985,
            108.240 15.940, 108.245 15.893, 108.262 15.852, 108.290 15.835, 108.330 15.780,
            108.357 15.738, 108.400 15.680, 108.440 15.625, 108.465 15.590, 108.474 15.573,
            108.500 15.535, 108.560 15.480, 108.610 15.450, 108.655 15.432, 108.700 15.385,
            108.720 15.362"""), "Quốc lộ 1A"),
        Road("Cao tốc Đà Nẵng–Quảng Ngãi", "Da Nang–Quang Ngai Expressway", "expressway",
             0.6, 10, _pts("""108.195 15.985, 108.205 15.900, 108.225 15.820, 108.270 15.740,
             108.330 15.660, 108.395 15.590, 108.430 15.550, 108.470 15.500, 108.530 15.440,
             108.590 15.380, 108.625 15.345"""), "đường cao tốc Đà Nẵng–Quảng Ngãi"),
        Road("Võ Chí Công", "Vo Chi Cong", "provincial", 0.6, 0, _pts("""108.270 15.975,
            108.300 15.940, 108.335 15.905, 108.370 15.875, 108.410 15.830, 108.445 15.780,
            108.475 15.725, 108.505 15.665, 108.525 15.615, 108.540 15.575, 108.570 15.520,
            108.610 15.480, 108.640 15.455"""), "đường Võ Chí Công"),
        Road("QL14B", "National Road 14B", "national", 0.6, 20, _pts("""108.150 15.955,
            108.120 15.905, 108.100 15.880, 108.040 15.850, 107.980 15.830, 107.930 15.815,
            107.880 15.790, 107.830 15.760"""), "Quốc lộ 14B"),
        Road("Đường Hồ Chí Minh", "Ho Chi Minh Road", "national", 0.4, 1250, _pts("""107.680 16.035,
            107.650 15.920, 107.720 15.850, 107.790 15.800, 107.830 15.760, 107.820 15.680,
            107.790 15.600, 107.800 15.520, 107.800 15.445, 107.760 15.350, 107.720 15.260,
            107.690 15.235"""), "đường Hồ Chí Minh"),
        Road("QL14E", "National Road 14E", "national", 0.5, 0, _pts("""108.357 15.738,
            108.300 15.700, 108.230 15.650, 108.170 15.610, 108.100 15.590, 108.000 15.560,
            107.930 15.520, 107.860 15.480, 107.800 15.445"""), "Quốc lộ 14E"),
        Road("QL40B", "National Road 40B", "national", 0.5, 0, _pts("""108.474 15.573,
            108.420 15.550, 108.360 15.520, 108.300 15.490, 108.260 15.420, 108.225 15.345,
            108.190 15.270, 108.120 15.190, 108.080 15.150, 108.030 15.080, 107.990 15.010"""),
             "Quốc lộ 40B"),
        Road("QL14G", "National Road 14G", "national", 0.3, 20, _pts("""107.990 15.965,
            107.900 15.950, 107.800 15.940, 107.720 15.930, 107.650 15.920"""), "Quốc lộ 14G"),
        Road("QL14D", "National Road 14D", "national", 0.25, 0, _pts("""107.820 15.680,
            107.720 15.660, 107.640 15.660, 107.560 15.650, 107.470 15.640, 107.420 15.640"""),
             "Quốc lộ 14D"),
        Road("QL14H", "National Road 14H", "national", 0.4, 0, _pts("""108.395 15.878,
            108.330 15.860, 108.290 15.835, 108.240 15.790, 108.200 15.760, 108.130 15.735,
            108.030 15.700"""), "Quốc lộ 14H"),
        Road("ĐT603", "DT603", "provincial", 0.4, 0,
             _pts("108.245 15.893, 108.270 15.915, 108.295 15.940"), "đường ĐT603"),
        Road("ĐT607", "DT607", "provincial", 0.4, 0,
             _pts("108.322 15.890, 108.305 15.925, 108.285 15.955, 108.265 15.980"),
             "đường ĐT607"),
        Road("ĐT608", "DT608", "provincial", 0.4, 0,
             _pts("108.245 15.893, 108.290 15.882, 108.322 15.890"), "đường ĐT608"),
        Road("ĐT609", "DT609", "provincial", 0.35, 0, _pts("""108.245 15.893, 108.190 15.888,
            108.140 15.884, 108.100 15.880, 108.060 15.845, 108.010 15.825, 107.950 15.800"""),
             "đường ĐT609"),
        Road("ĐT610", "DT610", "provincial", 0.3, 0, _pts("""108.290 15.835, 108.240 15.812,
            108.180 15.790, 108.124 15.764, 108.080 15.740"""), "đường ĐT610"),
        Road("ĐT614", "DT614", "provincial", 0.25, 0,
             _pts("108.357 15.738, 108.330 15.700, 108.310 15.660, 108.290 15.610"),
             "đường ĐT614"),
        Road("ĐT616", "DT616", "provincial", 0.25, 0,
             _pts("108.474 15.573, 108.440 15.540, 108.400 15.505, 108.340 15.470, 108.300 15.430"),
             "đường ĐT616"),
        Road("ĐT617", "DT617", "provincial", 0.25, 0, _pts("""108.655 15.432, 108.600 15.420,
            108.540 15.405, 108.490 15.400, 108.420 15.395, 108.330 15.400"""), "đường ĐT617"),
        Road("Hùng Vương", "Hung Vuong", "urban", 1.0, 0,
             _pts("108.474 15.573, 108.500 15.573, 108.525 15.572, 108.548 15.574"),
             "đường Hùng Vương"),
        Road("Phan Chu Trinh", "Phan Chu Trinh", "urban", 1.0, 0,
             _pts("108.462 15.600, 108.470 15.585, 108.478 15.565, 108.486 15.545"),
             "đường Phan Chu Trinh"),
        Road("Trần Hưng Đạo", "Tran Hung Dao", "urban", 1.0, 0,
             _pts("108.305 15.879, 108.318 15.879, 108.328 15.879, 108.340 15.880"),
             "đường Trần Hưng Đạo"),
        Road("Nguyễn Duy Hiệu", "Nguyen Duy Hieu", "urban", 0.8, 0,
             _pts("108.333 15.879, 108.345 15.882, 108.358 15.884"), "đường Nguyễn Duy Hiệu"),
        Road("Hai Bà Trưng", "Hai Ba Trung", "urban", 0.8, 0,
             _pts("108.326 15.876, 108.329 15.890, 108.333 15.903, 108.336 15.908"),
             "đường Hai Bà Trưng"),
    ),
    rivers=(
        River("Thu Bồn", "Thu Bon", _pts("""108.030 15.700, 108.100 15.750, 108.130 15.800,
            108.200 15.840, 108.262 15.852, 108.300 15.865, 108.330 15.873, 108.395 15.878""")),
        River("Vu Gia", "Vu Gia", _pts("""107.830 15.760, 107.930 15.810, 108.030 15.850,
            108.100 15.872, 108.150 15.900, 108.200 15.960""")),
        River("Trường Giang", "Truong Giang", _pts("""108.400 15.870, 108.440 15.800,
            108.480 15.730, 108.520 15.650, 108.545 15.590, 108.580 15.530, 108.640 15.475""")),
        River("Bàn Thạch", "Ban Thach", _pts("108.430 15.520, 108.470 15.560, 108.490 15.585, "
                                             "108.520 15.600")),
        River("Tranh", "Tranh", _pts("""108.150 15.200, 108.120 15.330, 108.080 15.450,
            108.060 15.560, 108.030 15.680""")),
    ),
    sites=(
        Site("Phố cổ Hội An", "Hoi An Ancient Town", 108.328, 15.877, "Nguyễn Duy Hiệu"),
        Site("Biển An Bàng", "An Bang Beach", 108.336, 15.906, "Hai Bà Trưng"),
        Site("Biển Cửa Đại", "Cua Dai Beach", 108.378, 15.880, "Võ Chí Công"),
        Site("Khu đền tháp Mỹ Sơn", "My Son Sanctuary", 108.124, 15.764, "ĐT610"),
        Site("Biển Tam Thanh", "Tam Thanh Beach", 108.545, 15.574, "Hùng Vương"),
        Site("Biển Bình Minh", "Binh Minh Beach", 108.478, 15.728, "Võ Chí Công"),
        Site("Hồ Phú Ninh", "Phu Ninh Lake", 108.400, 15.505, "ĐT616"),
    ),
    unit_table="admin-units/units-2025.csv",
    seed_table="admin-units/unit-seeds.csv",
    phone_prefix="0235",
    city_centre_unit="20341",
    city_centre_label=("cơ sở Tam Kỳ", "Tam Ky branch"),
)


# --- Text --------------------------------------------------------------------------------------
def ascii_fold(text: str) -> str:
    """"Thăng Bình" → "Thang Binh" (drops diacritics, đ → d, keeps case)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def slugify(text: str) -> str:
    folded = ascii_fold(text).lower()
    return "-".join("".join(c if c.isalnum() else " " for c in folded).split())


def rng_for(seed: int, *salt: object) -> random.Random:
    """An independent, reproducible stream per (seed, purpose); str seeds hash with SHA-512."""
    return random.Random(":".join(str(s) for s in (seed, *salt)))


# --- Geometry ----------------------------------------------------------------------------------
def snap(value: float) -> float:
    return round(value, 6)


def _roughen(ring: Coords, amplitude: float, rnd: random.Random) -> Coords:
    """Densify a ring to ~0.01° steps and push vertices sideways by smoothed noise."""
    dense = shapely.segmentize(LinearRing(ring), 0.01).coords[:-1]
    if amplitude <= 0:
        return tuple(dense)
    n = len(dense)
    raw = [rnd.uniform(-1.0, 1.0) for _ in range(n)]
    noise = [sum(raw[(i + k) % n] for k in range(-2, 3)) / 2.2 for i in range(n)]
    out = []
    for i, (x, y) in enumerate(dense):
        (x0, y0), (x1, y1) = dense[i - 1], dense[(i + 1) % n]
        length = math.hypot(x1 - x0, y1 - y0) or 1.0
        nx, ny = (y1 - y0) / length, -(x1 - x0) / length
        out.append((x + nx * noise[i] * amplitude, y + ny * noise[i] * amplitude))
    return tuple(out)


@functools.lru_cache(maxsize=8)
def outline(region: Region) -> MultiPolygon:
    """The region outline: roughened, snapped to the 1e-6° grid, valid, parts in input order."""
    rnd = rng_for(0, region.slug, "outline")
    parts = []
    for ring, amplitude in region.outline:
        poly = Polygon([(snap(x), snap(y)) for x, y in _roughen(ring, amplitude, rnd)])
        if not poly.is_valid:
            raise ValueError(f"outline ring of {region.slug} became invalid")
        parts.append(orient(poly, 1.0))
    return MultiPolygon(parts)


@functools.lru_cache(maxsize=8)
def _equal_area(region: Region) -> Transformer:
    c = outline(region).centroid
    proj = f"+proj=laea +lat_0={c.y:.2f} +lon_0={c.x:.2f} +datum=WGS84 +units=m +no_defs"
    return Transformer.from_crs("EPSG:4326", proj, always_xy=True)


def area_km2(geom, region: Region) -> float:
    """Area in km² in a Lambert azimuthal equal-area projection centred on the region."""
    tr = _equal_area(region)
    projected = shapely.transform(geom, tr.transform, interleaved=False)
    return round(projected.area / 1e6, 3)


def geojson_geometry(geom) -> dict:
    """RFC 7946 geometry: rings counter-clockwise (holes clockwise), 6-decimal lon/lat."""
    if isinstance(geom, MultiPolygon):
        geom = MultiPolygon([orient(p, 1.0) for p in geom.geoms])
    elif isinstance(geom, Polygon):
        geom = orient(geom, 1.0)
    return dict(mapping(shapely.transform(geom, lambda c: np.round(c, 6))))


# --- Output ------------------------------------------------------------------------------------
def feature(fid: str, properties: dict, geometry: dict) -> dict:
    return {"type": "Feature", "id": fid, "properties": properties, "geometry": geometry}


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def write_feature_collection(path: Path, name: str, features: Iterable[dict]) -> int:
    """One feature per line (readable diffs), UTF-8, LF, trailing newline. Returns the count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [dumps(f) for f in features]
    head = f'{{"type":"FeatureCollection","name":{dumps(name)},"features":[\n'
    path.write_text(head + ",\n".join(lines) + "\n]}\n", encoding="utf-8", newline="\n")
    return len(lines)


def bbox(features: Sequence[dict]) -> list[float]:
    geoms = [shapely.geometry.shape(f["geometry"]) for f in features]
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    return [snap(float(v)) for v in (minx, miny, maxx, maxy)]


def write_metadata(path: Path, meta: dict) -> None:
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(text, encoding="utf-8", newline="\n")


def common_metadata() -> dict:
    """Publisher, contact point and licence shared by every sample dataset."""
    return {
        "publisher": {"name": "opengov sample data"},
        "contact_point": {"name": "opengov sample data", "email": "sample-data@opengov.invalid"},
        "license": {"id": "CC-BY-4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    }


def build_spatial_samples(out_dir: str | Path, region: Region = QUANG_NAM) -> dict[str, int]:
    """Regenerate admin units, service centres and cameras under ``out_dir``; returns counts."""
    from . import adminunits, cameras, servicecentres

    out = Path(out_dir)
    counts = {"admin-units": adminunits.write_dataset(out / "admin-units", region)}
    counts["service-centres"] = servicecentres.write_dataset(out / "service-centres", region)
    counts["cameras"] = cameras.write_dataset(out / "cameras", region)
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m opengov.synth.geo_sample OUT_DIR", file=sys.stderr)
        return 2
    for slug, count in build_spatial_samples(args[0]).items():
        print(f"{slug}: {count} features")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
