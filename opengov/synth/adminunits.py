"""Sample commune-level administrative units (phường, xã, đặc khu) with invented polygons.

Codes, names, unit types and the legacy (pre-2025) communes each unit absorbed are real: they come
from ``datasets/admin-units/units-2025.csv``, a table extracted once from the PyPI package
``vietnam-provinces`` 2026.9.0 (GSO codes; conversion table built upstream from
``BangChuyendoiĐVHCmoi_cu_khong_merge.csv``) by::

    python -m opengov.synth.adminunits extract UNPACKED_WHEEL_DIR datasets/admin-units

(the package is not a dependency; the wheel needs Python ≥ 3.12 to install but its modules import
on 3.11). Polygons are NOT authoritative: a seeded Voronoi tessellation of hand-placed points
(``unit-seeds.csv``) plus jittered satellite points, clipped to the region outline, noded on the
1e-6° grid so the units are gap-free and non-overlapping.

Codes were reused with new meanings in 2025 (20341 was Phường An Mỹ, now Phường Tam Kỳ), so every
feature id carries the effective date: ``f"{code}-20250701"``.
"""

from __future__ import annotations

import csv
import functools
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely import STRtree
from shapely.geometry import MultiPoint, Point

from opengov.sample import sample_datasets

from .geo_sample import (
    GRID,
    QUANG_NAM,
    Region,
    area_km2,
    ascii_fold,
    bbox,
    common_metadata,
    feature,
    geojson_geometry,
    outline,
    rng_for,
    write_feature_collection,
    write_metadata,
)

SEED = 49
SATELLITES = 8  # extra Voronoi sites per unit: they make borders irregular
UNIT_TYPES = {"phường": "phuong", "xã": "xa", "đặc khu": "dac_khu"}
LABELS = {
    "phuong": ("Phường", "Ward"),
    "xa": ("Xã", "Commune"),
    "dac_khu": ("Đặc khu", "Special Zone"),
}
SOURCE = {
    "title": "vietnam-provinces 2026.9.0 (PyPI)",
    "url": "https://pypi.org/project/vietnam-provinces/2026.9.0/",
    "upstream": "https://github.com/sunshine-tech/VietnamProvinces",
    "license": "GPL-3.0-or-later (package); codes and names are the official GSO list",
    "used_for": "unit codes, names and types; old→new conversion table "
    "(vietnam_provinces/_ward_conversion_2025.py, generated from "
    "BangChuyendoiĐVHCmoi_cu_khong_merge.csv); legacy districts and communes",
}


@dataclass(frozen=True)
class Unit:
    code: str
    name_vi: str
    unit_type: str
    legacy_codes: tuple[str, ...]
    lon: float
    lat: float

    @property
    def id(self) -> str:
        return f"{self.code}-20250701"

    @property
    def short_name(self) -> str:
        return self.name_vi.removeprefix(LABELS[self.unit_type][0]).strip()

    @property
    def name_en(self) -> str:
        return f"{ascii_fold(self.short_name)} {LABELS[self.unit_type][1]}"


def read_table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


@functools.lru_cache(maxsize=8)
def load_units(region: Region = QUANG_NAM) -> tuple[Unit, ...]:
    seeds = {r["code"]: r for r in read_table(sample_datasets() / region.seed_table)}
    units = []
    for row in read_table(sample_datasets() / region.unit_table):
        seed = seeds[row["code"]]
        legacy = tuple(row["legacy_codes"].split())
        units.append(Unit(row["code"], row["name_vi"], row["unit_type"], legacy,
                          float(seed["lon"]), float(seed["lat"])))
    return tuple(sorted(units, key=lambda u: u.code))


def _sites(units, members, rnd):
    """Voronoi sites for the units in ``members``: each seed plus satellites near it."""
    pts, owner = [], []
    for i in members:
        u = units[i]
        d = min(math.hypot(u.lon - v.lon, u.lat - v.lat) for j, v in enumerate(units) if j != i)
        pts.append((u.lon, u.lat))
        owner.append(i)
        for _ in range(SATELLITES):  # within 0.45·d the site stays nearer its own seed
            r, a = 0.45 * d * math.sqrt(rnd.random()), 2 * math.pi * rnd.random()
            pts.append((u.lon + r * math.cos(a), u.lat + r * math.sin(a)))
            owner.append(i)
    return pts, owner


def _raw_cells(region: Region, units, seed: int) -> dict[int, object]:
    rnd = rng_for(seed, region.slug, "units")
    shape = outline(region)
    seed_pts = shapely.points([(u.lon, u.lat) for u in units])
    raw: dict[int, list] = {}
    for part in shape.geoms:
        members = [i for i, p in enumerate(seed_pts) if part.contains(p)]
        if not members:  # a part without a seed goes whole to the nearest unit
            members = [min(range(len(units)), key=lambda i: part.distance(seed_pts[i]))]
        if len(members) == 1:
            raw.setdefault(members[0], []).append(part)
            continue
        pts, owner = _sites(units, members, rnd)
        cells = shapely.voronoi_polygons(MultiPoint(pts), extend_to=part.envelope.buffer(1.0),
                                         ordered=True)
        for i, cell in zip(owner, shapely.intersection(shapely.get_parts(cells), part),
                           strict=True):
            raw.setdefault(i, []).append(cell)
    missing = set(range(len(units))) - set(raw)
    if missing:
        raise ValueError(f"seeds outside the outline: {[units[i].code for i in missing]}")
    return {i: shapely.union_all(parts) for i, parts in raw.items()}


def _node_on_grid(raw: dict[int, object]) -> dict[int, object]:
    """Re-node all borders on the 1e-6° grid and rebuild units from the faces (a clean coverage)."""
    keys = sorted(raw)
    lines = shapely.union_all([raw[k].boundary for k in keys], grid_size=GRID)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    tree = STRtree([raw[k] for k in keys])
    owned: dict[int, list] = {}
    for face in faces:
        cand = tree.query(face)
        best = max(cand, key=lambda c: shapely.intersection(face, tree.geometries[c]).area)
        owned.setdefault(keys[best], []).append(face)
    return {k: shapely.union_all(v, grid_size=GRID) for k, v in owned.items()}


def _reassign_fragments(geoms: dict[int, object], units) -> dict[int, object]:
    """Give stray pieces (not holding the unit's seed) to the neighbour sharing most border."""
    for _ in range(10):
        changed = False
        for k in sorted(geoms):
            parts = shapely.get_parts(geoms[k])
            if len(parts) < 2:
                continue
            home = Point(units[k].lon, units[k].lat)
            for part in parts:
                if part.contains(home):
                    continue
                shared = {j: part.boundary.intersection(g.boundary).length
                          for j, g in geoms.items() if j != k}
                j = max(shared, key=lambda n: (shared[n], -n))
                if shared[j] <= 0:
                    continue  # an island of its own: keep it
                geoms[j] = shapely.union(geoms[j], part, grid_size=GRID)
                geoms[k] = shapely.difference(geoms[k], part, grid_size=GRID)
                changed = True
        if not changed:
            return geoms
    raise RuntimeError("fragment reassignment did not converge")


@functools.lru_cache(maxsize=8)
def unit_geometries(region: Region = QUANG_NAM, seed: int = SEED) -> dict[str, object]:
    """code → shapely Polygon/MultiPolygon on the 1e-6° grid, covering the region outline."""
    units = load_units(region)
    geoms = _reassign_fragments(_node_on_grid(_raw_cells(region, units, seed)), units)
    return {units[k].code: geoms[k] for k in sorted(geoms)}


def unit_features(region: Region = QUANG_NAM, seed: int = SEED) -> list[dict]:
    geoms = unit_geometries(region, seed)
    out = []
    for u in load_units(region):
        props = {
            "id": u.id,
            "code": u.code,
            "name_vi": u.name_vi,
            "name_en": u.name_en,
            "unit_type": u.unit_type,
            "province_code": region.province_code,
            "province_name_vi": region.province_name_vi,
            "province_name_en": region.province_name_en,
            "effective_from": region.effective_from,
            "legacy_codes": list(u.legacy_codes),
            "area_km2": area_km2(geoms[u.code], region),
            "authoritative_geometry": False,
        }
        out.append(feature(u.id, props, geojson_geometry(geoms[u.code])))
    return out


def metadata(region: Region, features: list[dict], seed: int) -> dict:
    where_vi, where_en = region.name_vi, region.name_en
    return {
        "id": "admin-units",
        "title": {"vi": f"Đơn vị hành chính cấp xã (dữ liệu mẫu) – {where_vi}",
                  "en": f"Commune-level administrative units (sample) – {where_en}"},
        "description": {
            "vi": f"Phường, xã, đặc khu của {region.province_name_vi} trên {where_vi}, hiệu lực từ "
                  f"{region.effective_from}, với mã và tên chính thức (GSO) và danh sách đơn vị cũ "
                  "đã sáp nhập. Ranh giới là dữ liệu tổng hợp (Voronoi), KHÔNG có giá trị pháp lý.",
            "en": f"Wards, communes and special zones of {region.province_name_en} covering the "
                  f"{where_en}, effective {region.effective_from}, with official GSO codes and "
                  "names and the legacy units each absorbed. Boundaries are synthetic (Voronoi) "
                  "and NOT authoritative.",
        },
        **common_metadata(),
        "keywords": {"vi": ["đơn vị hành chính", "phường", "xã", "sáp nhập 2025", "dữ liệu mẫu"],
                     "en": ["administrative units", "wards", "communes", "2025 merger", "sample"]},
        "themes": ["GOVE", "REGI"],
        "update_frequency": "irregular",
        "spatial": {"bbox": bbox(features)},
        "temporal": {"start": region.effective_from, "end": None},
        "synthetic": True,
        "sources": [SOURCE],
        "generator": {"module": "opengov.synth.adminunits", "seed": seed,
                      "command": "python -m opengov.synth.geo_sample datasets/"},
    }


def write_dataset(out_dir: Path, region: Region = QUANG_NAM, seed: int = SEED) -> int:
    features = unit_features(region, seed)
    count = write_feature_collection(out_dir / "admin-units.geojson", "admin-units", features)
    write_metadata(out_dir / "metadata.yaml", metadata(region, features, seed))
    return count


# --- One-off extraction from the vietnam-provinces wheel ---------------------------------------
def _write_csv(path: Path, header: list[str], rows: list, comment: str = "") -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(comment)
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def extract(pkg_dir: str, out_dir: str, old_province: int = 49, new_province: int = 48) -> None:
    """Write units-2025.csv, legacy-districts-2024.csv, legacy-communes-2024.csv from the wheel."""
    sys.path.insert(0, pkg_dir)
    from vietnam_provinces import _lookup as new  # type: ignore[import-not-found]
    from vietnam_provinces import _ward_conversion_2025 as conv  # type: ignore[import-not-found]
    from vietnam_provinces.legacy import _lookup as old  # type: ignore[import-not-found]

    info = next(Path(pkg_dir).glob("vietnam_provinces-*.dist-info"))
    version = info.name.removesuffix(".dist-info").split("-")[1]
    out = Path(out_dir)
    units = []
    for code, entry in sorted(conv.NEW_TO_OLD.items()):
        olds = [o for o in entry.old_wards if o.province_code == old_province]
        if entry.new_ward.province_code != new_province or not olds:
            continue
        ward = new.WARD_MAPPING[code]
        legacy = " ".join(f"{o.district_code:03d}/{o.code:05d}"
                          for o in sorted(olds, key=lambda o: (o.district_code, o.code)))
        units.append([str(code), ward.name, UNIT_TYPES[ward.division_type.value], legacy])
    comment = (f"# Extracted from PyPI vietnam-provinces {version} (GSO codes): "
               f"units of province {new_province} (effective {conv.EFFECTIVE_DATE}) that absorbed "
               f"communes of legacy province {old_province}.\n# Conversion source upstream: "
               f"{conv.SOURCE}. legacy_codes = legacy district/commune codes (pre-2025).\n")
    _write_csv(out / "units-2025.csv", ["code", "name_vi", "unit_type", "legacy_codes"],
               units, comment)
    districts = sorted((int(c), d.name) for c, d in old.DISTRICT_MAPPING.items()
                       if int(d.province_code) == old_province)
    _write_csv(out / "legacy-districts-2024.csv", ["code", "name", "province_code"],
               [[f"{c:03d}", n, str(old_province)] for c, n in districts])
    targets = {o: " ".join(str(n.code) for n in e.new_wards) for o, e in conv.OLD_TO_NEW.items()}
    flags = {o: e.old_ward.is_partly_merged for o, e in conv.OLD_TO_NEW.items()}
    codes = {c for c, _ in districts}
    communes = sorted((int(w.district_code), int(c), w.name) for c, w in old.WARD_MAPPING.items()
                      if int(w.district_code) in codes)
    _write_csv(out / "legacy-communes-2024.csv",
               ["code", "name", "district_code", "new_codes", "is_partly_merged"],
               [[f"{c:05d}", n, f"{d:03d}", targets.get(c, ""), str(flags.get(c, "")).lower()]
                for d, c, n in communes])


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "extract":
        extract(sys.argv[2], sys.argv[3])
    else:
        print("usage: python -m opengov.synth.adminunits extract WHEEL_DIR OUT_DIR",
              file=sys.stderr)
        raise SystemExit(2)
