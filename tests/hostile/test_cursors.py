"""Forged cursors are a 400, never a 500 (issue 14, point 7).

Cursors are not signed; each decoded value is checked against the type of the sort key it
stands for and against the 64-bit / time / text bounds before it reaches SQL.
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opengov import bounds
from opengov.cursor import Cursor, CursorError


def forged(keys: list, direction: str = "n") -> str:
    body = json.dumps({"d": direction, "k": keys}, allow_nan=True).encode()
    return base64.urlsafe_b64encode(body).decode().rstrip("=")


HUGE = 10**30
ANCIENT = {"$t": "0001-01-01T00:00:00+14:00"}
FAR = {"$t": "9999-12-31T23:59:59-14:00"}


@pytest.mark.parametrize("path, keys", [
    ("/cameras", [HUGE]),                                        # id is text
    ("/cameras", [12]),
    ("/cameras", ["a\u0000b"]),
    ("/cameras?sort=last_seen", [ANCIENT, "x"]),                # out of the time range
    ("/cameras?sort=last_seen", [FAR, "x"]),
    ("/cameras?sort=last_seen", [123, "x"]),                    # a number for a time
    ("/cameras?sort=last_seen", [{"$t": "2026-01-01"}, "x"]),   # a date for a time
    ("/cameras?sort=last_seen", [{"$t": 5}, "x"]),
    ("/admin-units?sort=area_km2", ["big", "x"]),               # text for a number
    ("/admin-units?sort=area_km2", [float("nan"), "x"]),
    ("/admin-units?sort=area_km2", [True, "x"]),
    ("/land/zones?sort=approved_on", [{"$t": "0001-01-01"}, "x"]),
    ("/procedures?q=dat+dai", ["rank", "x"]),                 # text for a relevance
    ("/ogc/collections/cameras/items?sortby=-last_seen", [HUGE, "x"]),
])
def test_forged_cursor_is_400(client, path, keys):
    sep = "&" if "?" in path else "?"
    response = client.get(f"{path}{sep}cursor={forged(keys)}")
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "cursor" in response.get_json()["detail"]


@pytest.mark.parametrize("token", ["", "%00", "x" * 5000, forged({"a": 1}), forged("ab"),
                                   forged([[[[[[1]]]]]])])
def test_malformed_cursor_is_400(client, token):
    response = client.get(f"/cameras?cursor={token}")
    assert response.status_code in (200, 400)  # "" means no cursor
    if token:
        assert response.status_code == 400


def test_forged_monitoring_cursor_is_400(client):
    station = client.get("/monitoring/stations?limit=1").get_json()["features"][0]["id"]
    for keys in ([station, "pm25", HUGE], [station, "pm25", None], [station, 1, 2]):
        response = client.get(f"/monitoring/readings?station={station}&cursor={forged(keys)}")
        assert response.status_code == 400, response.get_data(as_text=True)


def _records(page: dict) -> list[dict]:
    """Features, or the items of a record list (whose id field is ``code``)."""
    if "features" in page:
        return page["features"]
    return [{"id": item["code"]} for item in page["items"]]


@pytest.mark.parametrize("path", ["/cameras?sort=last_seen&limit=7",
                                  "/admin-units?sort=-area_km2&limit=7",
                                  "/land/zones?sort=approved_on&limit=7",
                                  "/procedures?q=dat+dai&limit=7"])
def test_issued_cursors_still_walk_every_page(client, path):
    first = client.get(path).get_json()
    total = first.get("numberMatched")
    seen = [f["id"] for f in _records(first)]
    assert seen
    page = first
    while True:
        nxt = next((lk["href"] for lk in page["links"] if lk["rel"] == "next"), None)
        if nxt is None:
            break
        response = client.get(nxt)
        assert response.status_code == 200
        page = response.get_json()
        seen += [f["id"] for f in _records(page)]
    assert len(seen) == len(set(seen))
    if total is not None:
        assert len(seen) == total


TYPES = ("string", "integer", "number", "boolean", "date", "datetime")
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10),
              st.builds(lambda t: {"$t": t}, st.one_of(
                  st.text(max_size=30), st.integers(),
                  st.datetimes(timezones=st.timezones()).map(datetime.isoformat),
                  st.dates().map(date.isoformat)))),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                max_size=2),
    max_leaves=6)


@settings(max_examples=300, deadline=None)
@given(st.lists(JSON_VALUES, max_size=4), st.lists(st.sampled_from(TYPES), min_size=1,
                                                    max_size=4), st.sampled_from("npx"))
def test_any_decoded_cursor_is_typed_and_bounded_or_refused(keys, types, direction):
    try:
        cursor = Cursor.decode(forged(keys, direction), tuple(types))
    except CursorError:
        return
    assert len(cursor.key) == len(types)
    for value, kind in zip(cursor.key, types, strict=True):
        if value is None:
            continue
        assert bounds.value_problem(value) is None
        expected = {"string": str, "integer": int, "number": (int, float), "boolean": bool,
                    "date": date, "datetime": datetime}[kind]
        assert isinstance(value, expected)
        if kind == "integer":
            assert not isinstance(value, bool)
        if kind == "date":
            assert not isinstance(value, datetime)
