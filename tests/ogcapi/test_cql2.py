"""CQL2-text → filter tree: what each construct becomes, and that any text either translates
or is refused with a Cql2Error (never another exception)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from opengov import query as q
from opengov.cameras.collection import CAMERAS
from opengov.geo.crs import parse_crs
from opengov.ogcapi.cql2 import Cql2Error, parse_filter

CRS84 = parse_crs(None)


def tree(text: str) -> q.Filter:
    return parse_filter(text, CAMERAS, CRS84)


def test_comparisons_and_logic():
    assert tree("kind = 'flood'") == q.Compare("kind", "=", "flood")
    assert tree("refresh_interval_s >= 10") == q.Compare("refresh_interval_s", ">=", 10)
    assert tree("kind = 'a' AND NOT (status <> 'online')") == q.And((
        q.Compare("kind", "=", "a"), q.Not(q.Compare("status", "<>", "online"))))
    assert tree("kind = 'a' OR kind = 'b'") == q.Or((q.Compare("kind", "=", "a"),
                                                      q.Compare("kind", "=", "b")))


def test_advanced_comparisons():
    assert tree("kind IN ('a', 'b')") == q.In("kind", ("a", "b"))
    assert tree("kind NOT IN ('a')") == q.Not(q.In("kind", ("a",)))
    assert tree("refresh_interval_s BETWEEN 1 AND 5") == q.Between("refresh_interval_s", 1, 5)
    assert tree("road LIKE 'QL%'") == q.Like("road", "QL%")
    assert tree("stream_url IS NULL") == q.IsNull("stream_url")
    assert tree("stream_url IS NOT NULL") == q.Not(q.IsNull("stream_url"))


def test_s_intersects_bbox_and_wkt_in_crs84():
    node = tree("S_INTERSECTS(geometry, BBOX(108, 15, 109, 16))")
    assert shapely.from_wkb(node.wkb).bounds == (108, 15, 109, 16)
    node = tree("S_INTERSECTS(geometry, POINT(108.5 15.5))")
    assert shapely.from_wkb(node.wkb).equals(shapely.Point(108.5, 15.5))


def test_s_intersects_in_epsg_4326_swaps_axes():
    node = parse_filter("S_INTERSECTS(geometry, POINT(15.5 108.5))", CAMERAS,
                        parse_crs("EPSG:4326"))
    point = shapely.from_wkb(node.wkb)
    assert (round(point.x, 9), round(point.y, 9)) == (108.5, 15.5)


@pytest.mark.parametrize("text", [
    "", "kind =", "nope = 1", "geometry = 1", "S_CROSSES(geometry, POINT(1 2))",
    "S_INTERSECTS(kind, POINT(1 2))", "S_INTERSECTS(geometry, BBOX(3, 0, 1, 1))",
    "kind = 'a' AND", "kind = name", "x" * 5000,
])
def test_refused_with_a_reason(text):
    with pytest.raises(Cql2Error):
        tree(text)


TOKENS = st.sampled_from([
    "kind", "status", "road", "nope", "=", "<>", "<", ">=", "AND", "OR", "NOT", "(", ")",
    "'flood'", "'a''b'", "1", "2.5", "LIKE", "IN", "BETWEEN", "IS", "NULL", ",", "geometry",
    "S_INTERSECTS", "BBOX", "POINT", "TRUE", "DATE('2020-01-01')", "'%'", ";", "--", "\\",
])


TEXTS = st.lists(TOKENS, max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_any_text_translates_or_is_refused(text):
    try:
        result = tree(text)
    except Cql2Error:
        return
    assert isinstance(result, q.Compare | q.In | q.Between | q.Like | q.IsNull | q.Intersects
                      | q.And | q.Or | q.Not)


def test_any_filter_is_answered_with_200_or_400_on_the_backend(loaded_app):
    """Whatever the translator accepts compiles and runs on SQLite and PostgreSQL."""
    client = loaded_app.test_client()

    @settings(max_examples=150, deadline=None)
    @given(TEXTS)
    def check(text):
        response = client.get("/ogc/collections/cameras/items?limit=2&filter=" + quote(text))
        assert response.status_code in (200, 400), (text, response.status_code)

    check()
