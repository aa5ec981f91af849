"""Invariants of the synthetic spatial sample generators (admin units, service centres, cameras)."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import shapely
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from opengov.synth import adminunits, cameras, geo_sample, servicecentres

REGION = geo_sample.QUANG_NAM
REPO = Path(__file__).resolve().parents[2]
FILES = ("admin-units/admin-units.geojson", "service-centres/service-centres.geojson",
         "cameras/cameras.geojson")
UNIT_PROPS = ["id", "code", "name_vi", "name_en", "unit_type", "province_code",
              "province_name_vi", "province_name_en", "effective_from", "legacy_codes",
              "area_km2", "authoritative_geometry"]
CENTRE_PROPS = ["id", "name_vi", "name_en", "level", "commune", "address", "phone", "email",
                "opening_hours", "website"]
CAMERA_PROPS = ["id", "name_vi", "name_en", "kind", "road", "direction", "commune", "status",
                "snapshot_url", "stream_url", "stream_type", "refresh_interval_s", "last_seen",
                "owner"]


def _clear_caches() -> None:
    for fn in (geo_sample.outline, adminunits.load_units, adminunits.unit_geometries,
               cameras._model):
        fn.cache_clear()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("spatial")
    geo_sample.build_spatial_samples(out)
    return out


def _features(root: Path, name: str) -> list[dict]:
    return json.loads((root / name).read_text(encoding="utf-8"))["features"]


@cache
def _unit_shapes() -> dict[str, object]:
    return dict(adminunits.unit_geometries())


def _coords(geometry: dict) -> np.ndarray:
    return shapely.get_coordinates(shape(geometry))


def test_same_seed_gives_identical_bytes(built, tmp_path):
    _clear_caches()  # rebuild everything from scratch in this process …
    geo_sample.build_spatial_samples(tmp_path / "again")
    for name in FILES + ("admin-units/metadata.yaml", "cameras/metadata.yaml"):
        assert (built / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    fresh = tmp_path / "subprocess"  # … and in a new interpreter (other hash seed)
    subprocess.run([sys.executable, "-m", "opengov.synth.geo_sample", str(fresh)], check=True,
                   cwd=REPO, capture_output=True, env={"PYTHONHASHSEED": "7"})
    for name in FILES:
        assert (built / name).read_bytes() == (fresh / name).read_bytes(), name


def test_committed_datasets_match_the_generator(built):
    for name in FILES:
        committed = [f["id"] for f in _features(REPO / "datasets", name)]
        assert committed == [f["id"] for f in _features(built, name)], name


def test_admin_units_are_the_extracted_table(built):
    units = _features(built, FILES[0])
    with (REPO / "datasets" / REGION.unit_table).open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    assert [f["properties"]["code"] for f in units] == sorted(r["code"] for r in rows)
    assert len(units) == 78
    legacy = [c for f in units for c in f["properties"]["legacy_codes"]]
    assert len(legacy) == len(set(legacy)) == 233  # every old commune lands in one new unit
    for f in units:
        p = f["properties"]
        assert list(p) == UNIT_PROPS
        assert f["id"] == p["id"] == f"{p['code']}-20250701"
        assert p["unit_type"] in {"phuong", "xa", "dac_khu"}
        assert all(re.fullmatch(r"\d{3}/\d{5}", c) for c in p["legacy_codes"])
        assert p["name_en"].isascii() and p["authoritative_geometry"] is False
        assert p["area_km2"] > 0 and round(p["area_km2"], 3) == p["area_km2"]


def test_admin_polygons_form_a_valid_coverage_of_the_outline(built):
    geoms = [shape(f["geometry"]) for f in _features(built, FILES[0])]
    assert all(g.is_valid and g.geom_type in {"Polygon", "MultiPolygon"} for g in geoms)
    assert shapely.coverage_is_valid(geoms)  # edges match exactly: no overlaps
    union = shapely.union_all(geoms)
    assert abs(sum(g.area for g in geoms) - union.area) / union.area < 1e-9  # no overlap area
    area = geo_sample.outline(REGION).area
    assert abs(union.area - area) / area < 1e-6  # no gaps
    km2 = sum(f["properties"]["area_km2"] for f in _features(built, FILES[0]))
    assert km2 == pytest.approx(geo_sample.area_km2(geo_sample.outline(REGION), REGION), rel=1e-4)


def test_rings_are_counter_clockwise_and_coordinates_have_six_decimals(built):
    for name in FILES:
        for f in _features(built, name):
            g = shape(f["geometry"])
            for poly in shapely.get_parts(g) if g.geom_type != "Point" else []:
                assert poly.exterior.is_ccw
                assert not any(ring.is_ccw for ring in poly.interiors)
            xy = _coords(f["geometry"])
            assert np.array_equal(np.round(xy, 6), xy), f["id"]


def test_points_lie_in_their_commune(built):
    units = _unit_shapes()
    centres = _features(built, FILES[1])
    assert [f["properties"]["level"] for f in centres].count("city") == 1
    assert len(centres) == len(units) + 1
    served = {f["properties"]["commune"] for f in centres} - {None}
    assert served == set(units)
    for name, props in ((FILES[1], CENTRE_PROPS), (FILES[2], CAMERA_PROPS)):
        features = _features(built, name)
        assert len({f["id"] for f in features}) == len(features)
        for f in features:
            p = f["properties"]
            assert list(p) == props and f["id"] == p["id"]
            point = shape(f["geometry"])
            if p["commune"] is None:
                assert shapely.covers(geo_sample.outline(REGION), point)
            else:
                assert units[p["commune"]].covers(point), f["id"]


def test_service_centre_contacts_are_synthetic(built):
    for f in _features(built, FILES[1]):
        p = f["properties"]
        assert p["email"].endswith("@sample.invalid")
        assert p["website"] is None or p["website"].startswith("https://example.invalid/")
        assert re.fullmatch(r"0235 3\d{3} \d{3}", p["phone"])
        assert p["opening_hours"].startswith("Mo-Fr ")


def test_committed_cameras(built):
    features = _features(built, FILES[2])
    assert len(features) >= 160
    kinds = Counter(f["properties"]["kind"] for f in features)
    assert set(kinds) == set(cameras.KINDS) and kinds["traffic"] > len(features) / 2
    for f in features:
        p = f["properties"]
        assert re.fullmatch(r"cam-\d{5}", p["id"])
        assert p["snapshot_url"] == f"https://cameras.sample.invalid/{p['id']}/snapshot.jpg"
        assert (p["stream_url"] is None) == (p["stream_type"] == "jpeg")
        assert p["direction"] in cameras.COMPASS and p["refresh_interval_s"] in cameras.REFRESH
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", p["last_seen"])
        assert p["last_seen"] <= "2025-10-01T00:00:00Z"
        assert p["road"] in {r.name_vi for r in REGION.roads}


def test_metadata_files(built):
    for name in FILES:
        folder = name.split("/")[0]
        meta = yaml.safe_load((built / folder / "metadata.yaml").read_text(encoding="utf-8"))
        assert meta["id"] == folder and meta["synthetic"] is True and "fields" not in meta
        assert "mẫu" in meta["title"]["vi"] and "sample" in meta["title"]["en"]
        assert meta["publisher"] == {"name": "opengov sample data"}
        assert meta["contact_point"]["email"].endswith(".invalid")
        assert meta["license"]["id"] == "CC-BY-4.0"
        bounds = shapely.total_bounds([shape(f["geometry"]) for f in _features(built, name)])
        assert meta["spatial"]["bbox"] == pytest.approx(list(bounds), abs=1e-6)
        assert "vietnam-provinces" in meta["sources"][0]["title"]


def test_many_cameras_unique_and_inside():
    # Their speed (goal: ≥ 50,000 cameras/s) is measured by benchmarks/bench_synth.py.
    features = list(cameras.generate_cameras(100_000, 2025))
    ids = [f["id"] for f in features]
    assert len(set(ids)) == 100_000 and ids[0] == "cam-000001" and ids[-1] == "cam-100000"
    xy = np.array([f["geometry"]["coordinates"] for f in features])
    assert shapely.contains_xy(geo_sample.outline(REGION), xy[:, 0], xy[:, 1]).all()
    status = Counter(f["properties"]["status"] for f in features)
    assert 0.83 < status["online"] / 1e5 < 0.87
    assert 0.08 < status["offline"] / 1e5 < 0.12 and 0.035 < status["maintenance"] / 1e5 < 0.065
    kinds = Counter(f["properties"]["kind"] for f in features)
    assert 0.75 < kinds["traffic"] / 1e5 < 0.81
    communes = Counter(f["properties"]["commune"] for f in features)
    wards = {u.code for u in adminunits.load_units() if u.unit_type == "phuong"}
    ward_share = sum(n for c, n in communes.items() if c in wards) / 1e5
    ward_area = sum(_unit_shapes()[c].area for c in wards) / geo_sample.outline(REGION).area
    assert ward_share > 5 * ward_area  # denser in towns


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), count=st.integers(1, 400))
def test_any_seed_places_cameras_in_their_commune(seed, count):
    units = _unit_shapes()
    features = list(cameras.generate_cameras(count, seed))
    assert len(features) == count == len({f["id"] for f in features})
    assert features == list(cameras.generate_cameras(count, seed))
    for f in features:
        assert units[f["properties"]["commune"]].covers(shape(f["geometry"]))


def test_service_centres_follow_the_seed():
    a = servicecentres.centre_features(seed=1)
    assert a == servicecentres.centre_features(seed=1)
    assert a != servicecentres.centre_features(seed=2)
