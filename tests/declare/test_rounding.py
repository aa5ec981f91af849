"""Points are rounded to the stored 6-decimal grid as arrays; the result must be the very
geometry GEOS makes (same WKB: the served Feature text and its hash depend on it)."""

from __future__ import annotations

import numpy as np
import shapely

from opengov.declare.geometries import round_geometries


def test_points_round_exactly_as_geos_does_ties_and_signed_zeros_included():
    rng = np.random.default_rng(11)
    n = 50_000
    ties = (rng.integers(-180_000_000, 180_000_000, n) + 0.5) / 1e6  # exactly half-way
    x = np.concatenate([rng.uniform(-180, 180, n), ties, rng.uniform(-1e-5, 1e-5, n)])
    y = np.concatenate([rng.uniform(-90, 90, n), ties / 2, rng.uniform(-1e-5, 1e-5, n)])
    points = shapely.points(x, y)
    expected = shapely.set_precision(points, 1e-6, mode="pointwise")
    assert shapely.to_wkb(round_geometries(points)).tolist() == shapely.to_wkb(expected).tolist()


def test_other_geometries_are_rounded_and_oriented_by_geos():
    square = shapely.Polygon([(0, 0), (0, 1.0000004), (1, 1), (1, 0)])  # clockwise
    rounded = round_geometries(np.array([square, shapely.Point(1, 2)], dtype=object))
    assert shapely.equals_exact(rounded[0], shapely.Polygon([(0, 0), (1, 0), (1, 1), (0, 1)]))
    assert rounded[0].exterior.is_ccw
