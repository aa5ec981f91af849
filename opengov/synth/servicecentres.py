"""Sample public administration service centres (Trung tâm Phục vụ hành chính công).

One city-level centre (placed, as a sample, in the unit named by ``Region.city_centre_unit``) and
one centre per commune-level unit, each a Point inside its unit's sample polygon. Names follow the
official pattern; addresses, phone numbers, e-mail addresses and websites are invented (e-mail and
web addresses use the reserved ``.invalid`` top-level domain).
"""

from __future__ import annotations

from pathlib import Path

import shapely
from shapely.geometry import Point

from . import adminunits
from .geo_sample import (
    QUANG_NAM,
    Region,
    bbox,
    common_metadata,
    feature,
    geojson_geometry,
    rng_for,
    slugify,
    snap,
    write_feature_collection,
    write_metadata,
)

SEED = 4902
HOURS = (
    "Mo-Fr 07:00-11:30,13:30-17:00",
    "Mo-Fr 07:00-11:30,13:30-17:00; Sa 07:30-11:30",
    "Mo-Fr 07:30-11:30,13:30-17:00",
    "Mo-Fr 07:00-11:00,13:30-17:00; Sa 07:00-11:00",
)
CENTRE_VI = "Trung tâm Phục vụ hành chính công"
CENTRE_EN = "Public Administration Service Centre"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _place(geom, lon: float, lat: float, rnd) -> Point:
    """A point within ~300 m of (lon, lat), inside ``geom`` and on the 1e-6° grid."""
    for _ in range(100):
        p = Point(snap(lon + rnd.uniform(-0.003, 0.003)), snap(lat + rnd.uniform(-0.003, 0.003)))
        if geom.contains(p):
            return p
    p = geom.representative_point()
    return Point(snap(p.x), snap(p.y))


def _address(point: Point, unit, region: Region, rnd) -> str:
    lines = [shapely.LineString(r.coords) for r in region.roads]
    dist = [point.distance(line) for line in lines]
    nearest = min(range(len(lines)), key=lambda i: (dist[i], i))
    place = f"{_lower_first(unit.name_vi)}, {_lower_first(region.province_name_vi)}"
    if dist[nearest] < 0.02:  # about 2 km: give a street address on that road
        road = region.roads[nearest]
        return f"Số {rnd.randint(1, 399)} {road.address_vi or road.name_vi}, {place}"
    hamlet = "Khối phố" if unit.unit_type == "phuong" else "Thôn"  # urban vs rural
    return f"{hamlet} {rnd.randint(1, 9)}, {place}"


def _phone(region: Region, rnd, used: set[str]) -> str:
    while True:
        phone = f"{region.phone_prefix} 3{rnd.randint(0, 999):03d} {rnd.randint(0, 999):03d}"
        if phone not in used:
            used.add(phone)
            return phone


def centre_features(region: Region = QUANG_NAM, seed: int = SEED) -> list[dict]:
    rnd = rng_for(seed, region.slug, "service-centres")
    geoms = adminunits.unit_geometries(region)
    units = {u.code: u for u in adminunits.load_units(region)}
    host = units[region.city_centre_unit]
    phones: set[str] = set()
    point = _place(geoms[host.code], host.lon, host.lat, rnd)
    label_vi, label_en = region.city_centre_label
    out = [feature("sc-city", {
        "id": "sc-city",
        "name_vi": f"{CENTRE_VI} {_lower_first(region.province_name_vi)} – {label_vi}",
        "name_en": f"{region.province_name_en} {CENTRE_EN} – {label_en}",
        "level": "city",
        "commune": None,
        "address": _address(point, host, region, rnd),
        "phone": _phone(region, rnd, phones),
        "email": "tthcc@sample.invalid",
        "opening_hours": HOURS[1],
        "website": f"https://example.invalid/{slugify(region.province_name_en)}/hcc",
    }, geojson_geometry(point))]
    for code, unit in sorted(units.items()):
        point = _place(geoms[code], unit.lon, unit.lat, rnd)
        slug = slugify(unit.short_name)
        out.append(feature(f"sc-{code}", {
            "id": f"sc-{code}",
            "name_vi": f"{CENTRE_VI} {_lower_first(unit.name_vi)}",
            "name_en": f"{CENTRE_EN} of {unit.name_en}",
            "level": "commune",
            "commune": code,
            "address": _address(point, unit, region, rnd),
            "phone": _phone(region, rnd, phones),
            "email": f"tthcc.{slug}@sample.invalid",
            "opening_hours": rnd.choice(HOURS),
            "website": f"https://example.invalid/hcc/{slug}" if rnd.random() < 0.4 else None,
        }, geojson_geometry(point)))
    return out


def metadata(region: Region, features: list[dict], seed: int) -> dict:
    return {
        "id": "service-centres",
        "title": {"vi": f"Trung tâm phục vụ hành chính công (dữ liệu mẫu) – {region.name_vi}",
                  "en": f"Public administration service centres (sample) – {region.name_en}"},
        "description": {
            "vi": "Một trung tâm cấp thành phố và một trung tâm cho mỗi phường, xã. Tên đơn vị là "
                  "thật; vị trí, địa chỉ, số điện thoại, thư điện tử và giờ làm việc là dữ liệu "
                  "tổng hợp, không dùng để liên hệ. Vị trí không có giá trị pháp lý.",
            "en": "One city-level centre and one centre per ward or commune. Unit names are real; "
                  "locations, addresses, phone numbers, e-mail addresses and opening hours are "
                  "synthetic and not for contact. Geometry is not authoritative.",
        },
        **common_metadata(),
        "keywords": {"vi": ["hành chính công", "một cửa", "dịch vụ công", "dữ liệu mẫu"],
                     "en": ["public administration", "one-stop shop", "public services",
                            "sample"]},
        "themes": ["GOVE"],
        "update_frequency": "irregular",
        "spatial": {"bbox": bbox(features)},
        "temporal": {"start": region.effective_from, "end": None},
        "synthetic": True,
        "sources": [{**adminunits.SOURCE, "used_for": "unit codes and names"}],
        "generator": {"module": "opengov.synth.servicecentres", "seed": seed,
                      "command": "python -m opengov.synth.geo_sample datasets/"},
    }


def write_dataset(out_dir: Path, region: Region = QUANG_NAM, seed: int = SEED) -> int:
    features = centre_features(region, seed)
    count = write_feature_collection(out_dir / "service-centres.geojson", "service-centres",
                                     features)
    write_metadata(out_dir / "metadata.yaml", metadata(region, features, seed))
    return count
