"""Key ranges clipped to an ``S_INTERSECTS`` geometry: each grid row reads only the columns
where a feature touching the geometry can have its centre, and never loses one."""

from __future__ import annotations

import math

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from opengov.store.spatial_order import (
    COLUMNS,
    KeyRanges,
    SpatialStats,
    band_extents,
    cell_keys,
)

coordinates = st.tuples(st.floats(108.0, 108.2), st.floats(15.0, 15.2))
polygons = st.lists(coordinates, min_size=3, max_size=8).map(
    lambda pts: shapely.Polygon(pts).convex_hull).filter(lambda g: g.area > 1e-6)
lines = st.lists(coordinates, min_size=2, max_size=5).map(shapely.LineString)
points = coordinates.map(lambda xy: shapely.Point(*xy))
geometries = st.one_of(
    polygons, lines, points,
    st.tuples(polygons, polygons).map(lambda pair: shapely.MultiPolygon(list(pair))
                                      if not pair[0].intersects(pair[1])
                                      else pair[0]),
    polygons.map(lambda g: g.difference(g.centroid.buffer(0.01))),  # holes and notches
).filter(lambda g: g.is_valid and not g.is_empty)  # what CQL2 accepts


@settings(max_examples=80, deadline=None)
@given(geometry=geometries)
def test_band_extents_are_the_geometry_within_each_band(geometry):
    low = np.arange(14.99, 15.21, 0.003)
    high = low + 0.003
    found = band_extents(geometry, low, high)
    expected = shapely.bounds(shapely.intersection(geometry, shapely.box(-180, low, 180, high)))
    for (fmin, fmax), (emin, _, emax, _) in zip(found.tolist(), expected.tolist(), strict=True):
        if math.isnan(emin):  # no point of the geometry in the band
            assert math.isnan(fmin)
            continue
        assert math.isclose(fmin, emin, abs_tol=1e-9) and math.isclose(fmax, emax, abs_tol=1e-9)


def _features(seed: int, n: int = 3000):
    """Small boxes (a feature's bounds) scattered over and around the geometries' area."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(107.97, 108.23, n)
    y = rng.uniform(14.97, 15.23, n)
    w, h = rng.uniform(0, 0.004, n), rng.uniform(0, 0.004, n)
    return x - w, y - h, x + w, y + h


@settings(max_examples=60, deadline=None)
@given(geometry=geometries, seed=st.integers(0, 2**16))
def test_every_feature_touching_the_geometry_lies_in_its_row_range(geometry, seed):
    minx, miny, maxx, maxy = _features(seed)
    stats = SpatialStats(float(minx.min()), float(miny.min()), float(maxx.max()),
                         float(maxy.max()), 0.004, 0.004)
    whole = KeyRanges.of(geometry.bounds, stats)
    assert whole is not None
    clipped = whole.clipped(geometry, stats)
    keys = cell_keys(minx, miny, maxx, maxy)
    boxes = shapely.box(minx, miny, maxx, maxy)
    touching = shapely.intersects(boxes, geometry)
    ranges = list(clipped.row_ranges())
    for key in keys[touching].tolist():
        assert any(lo <= key <= hi for lo, hi in ranges), key
    # and it reads no more than the bounding box's rows do
    assert sum(hi - lo + 1 for lo, hi in ranges) <= sum(
        hi - lo + 1 for lo, hi in whole.row_ranges())
    assert all(lo // COLUMNS == hi // COLUMNS for lo, hi in ranges)


def test_a_diamond_reads_about_half_of_its_bounding_box():
    diamond = shapely.Polygon([(108.1, 15.0), (108.2, 15.1), (108.1, 15.2), (108.0, 15.1)])
    stats = SpatialStats(107.9, 14.9, 108.3, 15.3, 0.0001, 0.0001)
    whole = KeyRanges.of(diamond.bounds, stats)
    clipped = whole.clipped(diamond, stats)
    area = sum(hi - lo + 1 for lo, hi in clipped.row_ranges())
    box_area = sum(hi - lo + 1 for lo, hi in whole.row_ranges())
    assert 0.45 < area / box_area < 0.56
