"""CQL2 filters are bounded (issue 14, points 6 and 7): nesting, predicates and literals.

Too deep or too long a filter is a 400 naming the limit (it was a SQLite parser stack overflow
or a ``RecursionError``, answered 500 with a 50 KB trace), and a failing filter writes nothing
to stdout (the parser used before printed an 11 KB state dump per failure).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opengov import query as q
from opengov.geo.crs import parse_crs
from opengov.modules import all_capabilities
from opengov.ogcapi.cql2 import MAX_DEPTH, MAX_NESTING, MAX_TERMS, Cql2Error, parse_filter

ITEMS = "/ogc/collections/cameras/items?limit=5&filter="


def nested(levels: int) -> str:
    """``(p0 OR (p1 AND (p2 OR …)))``: ``levels`` alternating AND/OR levels."""
    text = "refresh_interval_s > 0"
    for i in range(levels - 1):
        text = f"(refresh_interval_s > {i} {'AND' if i % 2 else 'OR'} {text})"
    return text


def chain(terms: int) -> str:
    return " OR ".join(f"id='{i}'" for i in range(terms))


def get(client, cql: str):
    return client.get(ITEMS + quote(cql))


def test_integer_beyond_64_bits_is_400(client):
    response = get(client, "refresh_interval_s > 99999999999999999999999")
    assert response.status_code == 400
    assert "64-bit" in response.get_json()["detail"]


@pytest.mark.parametrize("cql", ["last_seen > TIMESTAMP('0001-01-01T00:00:00Z')",
                                 "last_seen > '0001-01-01T00:00:00+14:00'",
                                 "last_seen < '9999-12-31T23:59:59-14:00'"])
def test_times_out_of_range_are_400(client, cql):
    response = get(client, cql)
    assert response.status_code == 400
    assert "between years 1000 and 8999" in response.get_json()["detail"]


def test_forty_nested_levels_are_400_naming_the_limit(client):
    response = get(client, nested(40))
    assert response.status_code == 400
    assert f"nested more than {MAX_DEPTH} levels" in response.get_json()["detail"]


def test_the_deepest_allowed_filter_runs_on_the_database(client):
    response = get(client, nested(MAX_DEPTH))
    assert response.status_code == 200
    assert response.get_json()["numberReturned"] == 5


def test_a_300_term_or_chain_is_400_naming_the_limit(client):
    response = get(client, chain(300))
    assert response.status_code == 400
    assert f"more than {MAX_TERMS} predicates" in response.get_json()["detail"]


def test_a_chain_of_the_allowed_length_is_one_flat_or(client):
    ids = [f["id"] for f in client.get("/ogc/collections/cameras/items?limit=3").get_json()[
        "features"]]
    cql = " OR ".join([f"id='{i}'" for i in ids] + [f"id='none-{i}'" for i in range(97)])
    response = get(client, cql)
    assert response.status_code == 200
    assert sorted(f["id"] for f in response.get_json()["features"]) == sorted(ids)


@pytest.mark.parametrize("cql", [
    "last_seen < TIMESTAMP('9999-12-31T23:59:59-14:00')",
    "S_INTERSECTS(geometry, BBOX('a', 1, 2, 3))",
    "S_INTERSECTS(geometry, BBOX(1, 1, 1e400, 3))",
    "refresh_interval_s >>> 1",
    "NOT NOT refresh_interval_s >",
])
def test_bad_filters_are_400_and_print_nothing(client, capfd, cql):
    capfd.readouterr()
    response = get(client, cql)
    assert response.status_code == 400
    out, err = capfd.readouterr()
    assert out == "" and "STATE STACK DUMP" not in err


def test_redundant_parentheses_do_not_count_as_levels(client):
    response = get(client, "(" * MAX_NESTING + "refresh_interval_s > 1" + ")" * MAX_NESTING)
    assert response.status_code == 200


def test_thousands_of_parentheses_are_400_not_a_crash(client):
    """The CQL2 parser recurses per bracket; about 2,000 of them overflowed a worker's stack
    (SIGSEGV, the whole worker gone), so they are refused before parsing."""
    response = get(client, "(" * 1900 + "refresh_interval_s > 1" + ")" * 1900)
    assert response.status_code == 400
    assert "nested too deeply" in response.get_json()["detail"]


CAMERAS = all_capabilities().registry.get("cameras")
CRS84 = parse_crs(None)
WORDS = st.sampled_from(["id", "name", "refresh_interval_s", "last_seen", "geometry", "AND",
                         "OR", "NOT", "(", ")", "=", "<", ">=", "'x'", "1", "99999999999999999999",
                         "IN", "LIKE", "BETWEEN", "IS", "NULL", ",", "TIMESTAMP('0001-01-01Z')",
                         "S_INTERSECTS", "BBOX(1,2,3,4)", "POINT(1 2)"])


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=30).map(" ".join))
def test_any_filter_text_is_a_filter_or_a_cql2_error(text):
    try:
        tree = parse_filter(text, CAMERAS, CRS84)
    except Cql2Error:
        return
    assert isinstance(tree, q.And | q.Or | q.Not | q.Compare | q.In | q.Between | q.Like
                      | q.IsNull | q.Intersects)
