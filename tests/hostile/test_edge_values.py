"""Extreme values in query arguments are a 400 naming the reason, never a 500 (issue 14, point 7).

Datetimes must lie in [1000-01-01, 9000-01-01) UTC, integers in 64 bits, text without NUL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import marshmallow as ma
import pytest
from hypothesis import given
from hypothesis import strategies as st

from opengov import bounds
from opengov.errors import ApiError
from opengov.ogcapi.args import parse_datetime
from opengov.params import AwareDateTime, Int64
from tests.reports import conftest as reports_fixtures
from tests.reports.conftest import bearer, submit

api, tokens = reports_fixtures.api, reports_fixtures.tokens
reports_app = reports_fixtures.reports_app

EXTREME_TIMES = ["0001-01-01T00:00:00%2B14:00", "9999-12-31T23:59:59-14:00",
                 "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"]
RANGE_REASON = "between years 1000 and 8999"


def _paths_with(client, name: str) -> list[str]:
    """Every GET path without path parameters that documents query parameter ``name``."""
    doc = client.get("/openapi.json").get_json()
    return [path for path, ops in doc["paths"].items()
            if "get" in ops and "{" not in path
            and any(p.get("name") == name for p in ops["get"].get("parameters", []))]


@pytest.mark.parametrize("value", EXTREME_TIMES)
def test_updated_since_out_of_range_is_400_on_every_endpoint(client, value):
    paths = _paths_with(client, "updated_since")
    assert len(paths) >= 20
    for path in paths:
        response = client.get(f"{path}?updated_since={value}")
        assert response.status_code == 400, (path, response.get_data(as_text=True))
        assert RANGE_REASON in response.get_data(as_text=True), path


def test_updated_since_inside_the_range_still_filters(client):
    early = client.get("/cameras?updated_since=1000-01-01T00:00:00Z&limit=1")
    late = client.get("/cameras?updated_since=8999-12-31T00:00:00%2B07:00&limit=1")
    assert early.status_code == late.status_code == 200
    assert early.get_json()["numberReturned"] == 1 and late.get_json()["numberReturned"] == 0


@pytest.mark.parametrize("query", [
    "end_date=0001-01-05T00:00:00Z",
    "start_date=0001-01-01T00:00:00%2B14:00",
    "start_date=9999-12-31T23:59:59-14:00",
])
def test_open311_dates_out_of_range_are_400_in_open311_format(client, query):
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body[0]["code"] == 400 and RANGE_REASON in body[0]["description"]


@pytest.mark.parametrize("value", [
    "9999-12-31", "0001-01-01", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00%2B14:00/..",
    "../9999-12-31T23:59:59.999999Z",
])
def test_ogc_datetime_out_of_range_is_400(client, value):
    response = client.get(f"/ogc/collections/reports/items?datetime={value}")
    assert response.status_code == 400
    assert "datetime" in response.get_json()["detail"]
    assert RANGE_REASON in response.get_json()["detail"]


@pytest.mark.parametrize("query", ["from=0001-01-01T00:00:00%2B14:00",
                                   "to=9999-12-31T23:59:59-14:00"])
def test_monitoring_from_to_out_of_range_are_400(client, query):
    stations = client.get("/monitoring/stations?limit=1").get_json()["features"]
    response = client.get(f"/monitoring/readings?station={stations[0]['id']}&{query}")
    assert response.status_code == 400
    assert RANGE_REASON in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["99999999999999999999999", "-9223372036854775809"])
def test_integer_filter_beyond_64_bits_is_400(client, value):
    response = client.get(f"/land/prices?year={value}")
    assert response.status_code == 400
    assert "64-bit" in response.get_data(as_text=True)


def test_integer_filter_at_the_64_bit_edge_is_answered(client):
    response = client.get("/land/prices?year=9223372036854775807")
    assert response.status_code == 200 and response.get_json()["features"] == []


@pytest.mark.parametrize("path", ["/procedures?q=a%00b", "/reports?q=%00", "/cameras?road=%00",
                                  "/ogc/collections/cameras/items?filter=name%3D%27%00%27"])
def test_nul_in_a_query_argument_is_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


@pytest.mark.parametrize("number", ["9223372036854775808", "99999999999999999999"])
def test_path_integer_beyond_64_bits_is_404(api, tokens, number):
    report = submit(api)
    path = f"/reports/{report['id']}/photos/{number}"
    assert api.get(path).status_code == 404
    assert api.get(path, headers=bearer(tokens["admin"])).status_code == 404


# Properties of the parsers themselves (no database): any input is a value or a clean error.

aware = st.datetimes(timezones=st.builds(
    timezone, st.integers(-14 * 60, 14 * 60).map(lambda m: timedelta(minutes=m))))


@given(aware)
def test_aware_datetime_argument_is_in_range_or_a_validation_error(moment):
    field = AwareDateTime()
    try:
        value = field.deserialize(moment.isoformat())
    except ma.ValidationError:
        assert bounds.datetime_problem(moment) is not None
        return
    assert bounds.EARLIEST <= value.astimezone(UTC) < bounds.LATEST


@given(st.integers())
def test_int64_argument_is_64_bit_or_a_validation_error(number):
    try:
        value = Int64().deserialize(str(number))
    except ma.ValidationError:
        assert not -(2**63) <= number < 2**63
        return
    assert value == number


@given(st.one_of(aware.map(datetime.isoformat), st.dates().map(str), st.text(max_size=40)),
       st.one_of(aware.map(datetime.isoformat), st.dates().map(str), st.just("..")))
def test_ogc_datetime_parses_or_is_a_400(start, end):
    for text in (start, f"{start}/{end}", f"../{end}"):
        try:
            interval = parse_datetime(text)
        except ApiError as exc:
            assert exc.code == 400
            continue
        for moment in (interval.start, interval.end):
            assert moment is None or moment.astimezone(UTC) <= bounds.LATEST + timedelta(days=1)
