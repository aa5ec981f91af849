"""The vectorised MVT encoder against the ``mapbox-vector-tile`` reference encoder."""

from __future__ import annotations

from datetime import UTC, date, datetime

import mapbox_vector_tile
import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from opengov.tiles.mvt import encode_layer
from tests.tiles.helpers import decode

coordinate = st.floats(min_value=-60, max_value=4150, allow_nan=False)


@st.composite
def polygons(draw):
    x, y = draw(coordinate), draw(coordinate)
    w, h = draw(st.floats(10, 800)), draw(st.floats(10, 800))
    outer = shapely.box(x, y, x + w, y + h)
    if draw(st.booleans()):
        outer = outer.difference(shapely.box(x + w / 4, y + h / 4, x + w / 2, y + h / 2))
    if draw(st.booleans()):
        outer = shapely.MultiPolygon([outer, shapely.box(x + w + 5, y, x + w + 9, y + 4)])
    return shapely.orient_polygons(outer, exterior_cw=False)


geometries = st.one_of(
    polygons(),
    st.tuples(coordinate, coordinate).map(shapely.Point),
    st.lists(st.tuples(coordinate, coordinate), min_size=2, max_size=4, unique=True)
    .map(shapely.MultiPoint),
    st.lists(st.tuples(st.integers(-60, 4150), st.integers(-60, 4150)), min_size=2,
             max_size=6, unique=True).map(shapely.LineString),
)
values = st.one_of(st.none(), st.booleans(), st.integers(-2**62, 2**63 - 1),
                   st.floats(allow_nan=False, allow_infinity=False),
                   st.text(max_size=300))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(geometries, values, values), min_size=1, max_size=12))
def test_tiles_decode_like_the_reference_encoder(features):
    geoms = np.array([f[0] for f in features], dtype=object)
    ids = list(range(7, 7 + len(features)))
    columns = ("a", "b")
    data = encode_layer("layer", geoms, ids, np.arange(len(features)), columns,
                        [[f[1] for f in features], [f[2] for f in features]])
    reference = mapbox_vector_tile.encode({"name": "layer", "features": [
        {"geometry": g, "id": i, "properties": {"a": a, "b": b}}
        for (g, a, b), i in zip(features, ids, strict=True)]},
        default_options={"y_coord_down": True, "check_winding_order": False})
    ours, theirs = decode(data)["layer"], decode(reference)["layer"]
    assert ours["extent"] == 4096 and ours["version"] == 2
    assert ours["features"] == theirs["features"]


def test_dates_and_times_become_iso_text_and_nulls_are_left_out():
    geoms = np.array([shapely.Point(1, 2), shapely.Point(3, 4)], dtype=object)
    data = encode_layer("t", geoms, [1, 2], np.array([0, 1]), ("day", "at", "n"),
                        [[date(2025, 7, 1), None],
                         [datetime(2025, 7, 1, 3, tzinfo=UTC), None], [None, 5]])
    features = decode(data)["t"]["features"]
    assert features[0]["properties"] == {"day": "2025-07-01", "at": "2025-07-01T03:00:00Z"}
    assert features[1]["properties"] == {"n": 5}


def test_rings_that_rounding_collapses_are_dropped():
    sliver = shapely.Polygon([(10, 10), (10.2, 10.1), (10.4, 10.3), (10, 10)])
    ok = shapely.box(0, 0, 50, 50)
    data = encode_layer("t", np.array([sliver, ok], dtype=object), [1, 2], np.array([0, 1]),
                        (), [])
    assert [f["id"] for f in decode(data)["t"]["features"]] == [2]
    assert encode_layer("t", np.array([sliver], dtype=object), [1], np.array([0]), (), []) == b""
