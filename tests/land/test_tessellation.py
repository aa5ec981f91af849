"""The land sample is a real tessellation: gap-free, non-overlapping, numbered per commune."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.strtree import STRtree

from opengov.land import lots as L
from opengov.land.places import TOWNS, communes
from opengov.land.sample import SMALL_TOWNS
from opengov.land.tessellation import SEED, generate

# Zones and prices are not noded: where a cell corner lies on a neighbour's edge (a T-junction)
# millimetre rounding moves it by at most 0.5 mm, a sliver under 0.1 m². Parcels are noded and
# must be an exact coverage.
OVERLAP_M2 = 0.1


@pytest.fixture(scope="module")
def sample():
    return generate(SEED)


def geometries(records) -> np.ndarray:
    return np.array([r["geometry"] for r in records])


def pairwise_overlaps(geoms: np.ndarray) -> np.ndarray:
    a, b = STRtree(geoms).query(geoms, predicate="intersects")
    keep = a < b
    return shapely.area(shapely.intersection(geoms[a[keep]], geoms[b[keep]]))


def test_full_sample_has_at_least_20000_parcels_in_both_towns(sample):
    assert len(sample.parcels) >= 20_000
    assert {"20341", "20410"} <= {p["commune"] for p in sample.parcels}  # Tam Kỳ, Hội An


def test_parcels_do_not_overlap(sample):
    overlaps = pairwise_overlaps(geometries(sample.parcels))
    assert overlaps.max() == 0


def test_parcels_are_a_valid_coverage_in_native_and_crs84(sample):
    """Neighbours share every vertex of their common edges (no T-junctions), so GIS tools see
    no gaps or slivers, also after the transformation to CRS84 and its 6-decimal grid."""
    from opengov.land.native import crs84_polygons

    native = geometries(sample.parcels)
    assert shapely.coverage_is_valid(native)
    lonlat = crs84_polygons(native, "EPSG:5899", coverage=True)
    assert shapely.coverage_is_valid(lonlat)
    assert set(shapely.get_type_id(lonlat)) == {3}  # every parcel one Polygon
    assert shapely.is_valid(lonlat).all()


def test_parcels_leave_no_gaps(sample):
    geoms = geometries(sample.parcels)
    union = shapely.union_all(geoms, grid_size=0.001)
    assert union.area == pytest.approx(shapely.area(geoms).sum(), rel=1e-6)
    # Each town window is covered: the zones tile the window ∩ communes, and the parcels cover
    # the zones up to the dropped clipping slivers (narrower than half a metre).
    zones = shapely.union_all(geometries(sample.zones), grid_size=0.001)
    assert union.area == pytest.approx(zones.area, rel=1e-5)
    assert shapely.difference(zones, union).area < 1e-5 * zones.area


@pytest.mark.parametrize("kind", ["zones", "prices"])
def test_zones_and_prices_tile_the_same_area(sample, kind):
    geoms = geometries(getattr(sample, kind))
    assert pairwise_overlaps(geoms).max() < OVERLAP_M2
    union = shapely.union_all(geoms, grid_size=0.001)
    parcels = shapely.union_all(geometries(sample.parcels), grid_size=0.001)
    assert union.area == pytest.approx(shapely.area(geoms).sum(), rel=1e-6)
    assert shapely.difference(parcels, union).area < 1e-6 * parcels.area  # mm rounding only


def test_every_parcel_lies_in_its_current_commune(sample):
    by_code = {c.code: c.geometry for c in communes()}
    points = shapely.point_on_surface(geometries(sample.parcels))
    inside = [by_code[p["commune"]].buffer(0.01).contains(pt)
              for p, pt in zip(sample.parcels, points, strict=True)]
    assert all(inside)


def test_ids_are_legacy_commune_sheet_parcel_and_restart_per_commune(sample):
    ids = [p["id"] for p in sample.parcels]
    assert len(set(ids)) == len(ids)
    for p in sample.parcels[:500]:
        assert p["id"] == f"{p['legacy_commune']}-{p['sheet']}-{p['parcel']}"
        assert re.fullmatch(r"\d{5}-\d+-\d+", p["id"])
    firsts = {p["legacy_commune"] for p in sample.parcels if p["sheet"] == 1 and p["parcel"] == 1}
    assert len(firsts) == len({p["legacy_commune"] for p in sample.parcels})


def test_urban_lots_are_narrow_and_deep_and_fields_are_large(sample):
    urban = [p for p in sample.parcels if p["landuse"] == "ODT"]
    fields = [p for p in sample.parcels if p["landuse"] == "LUC"]
    assert np.median([p["area_m2"] for p in urban]) < 200
    assert np.median([p["area_m2"] for p in fields]) > 800
    rect = shapely.oriented_envelope(geometries(urban[:300]))
    ratios = []
    for r in rect:
        xy = np.asarray(r.exterior.coords)
        sides = sorted(np.hypot(*np.diff(xy[:3], axis=0).T))
        ratios.append(sides[1] / sides[0])
    assert np.median(ratios) > 3  # deep: ~25 m deep, 4–8 m wide


def test_mixed_and_retired_codes_are_present_and_schemed(sample):
    uses = {p["landuse"] for p in sample.parcels}
    assert {"ODT+CLN", "ONT+CLN", "BHK"} <= uses
    for p in sample.parcels:
        if "BHK" in p["landuse"]:
            assert p["landuse_scheme"] == "27/2018/TT-BTNMT"


def test_generation_is_deterministic():
    a, b = generate(SEED, SMALL_TOWNS), generate(SEED, SMALL_TOWNS)
    assert [(p["id"], p["area_m2"]) for p in a.parcels] == \
        [(p["id"], p["area_m2"]) for p in b.parcels]
    other = generate(SEED + 1, SMALL_TOWNS)
    assert [p["area_m2"] for p in other.parcels] != [p["area_m2"] for p in a.parcels]


def test_a_town_can_be_resized():
    small = generate(SEED, (replace(TOWNS[0], cols=4, rows=6),))
    assert 0 < len(small.parcels) < 2000  # 24 blocks of up to ~60 lots plus streets


@settings(max_examples=40, deadline=None)
@given(kinds=st.lists(st.sampled_from([L.URBAN, L.VILLAGE, L.FIELDS, L.PUBLIC]), min_size=1,
                      max_size=12), seed=st.integers(0, 2**32 - 1))
def test_lots_tile_their_blocks_exactly(kinds, seed):
    kind = np.array(kinds)
    bx = np.arange(len(kind)) * L.PITCH_X
    by = np.zeros(len(kind))
    lots = L.subdivide(bx, by, kind, np.random.default_rng(seed))
    area = (lots.x1 - lots.x0) * (lots.y1 - lots.y0)
    assert (area > 0).all()
    assert np.bincount(lots.block, weights=area, minlength=len(kind)) == pytest.approx(
        L.BLOCK_W * L.BLOCK_D)
    geoms = shapely.box(lots.x0, lots.y0, lots.x1, lots.y1)
    assert pairwise_overlaps(geoms).max(initial=0) < 1e-9
    widths = lots.x1 - lots.x0
    assert widths[kind[lots.block] == L.URBAN].max(initial=0) < 8 + 4 * 0.6 + 1e-9
