"""The OGC ``datetime`` parameter: closed intervals onto our half-open Query intervals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from opengov.errors import ApiError
from opengov.ogcapi.args import parse_datetime

T = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
US = timedelta(microseconds=1)


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2026-01-02T03:04:05Z", T, T + US),
    ("2026-01-02T03:04:05Z/..", T, None),
    ("../2026-01-02T03:04:05+00:00", None, T + US),
    ("2026-01-02T03:04:05Z/2026-01-03T03:04:05Z", T, T + timedelta(days=1) + US),
    ("2026-01-02", datetime(2026, 1, 2, tzinfo=UTC), datetime(2026, 1, 3, tzinfo=UTC)),
    ("/2026-01-02", None, datetime(2026, 1, 3, tzinfo=UTC)),
])
def test_parse(text, start, end):
    interval = parse_datetime(text)
    assert (interval.start, interval.end) == (start, end)


@pytest.mark.parametrize("text", ["2026-01-02T03:04:05", "yesterday", "a/b/c", "..",
                                  "2026-01-03/2026-01-01"])
def test_refused(text):
    with pytest.raises(ApiError) as info:
        parse_datetime(text)
    assert info.value.code == 400


def timed(app):
    return [c for c in app.extensions["opengov"].registry if c.spatial and c.time_field]


def test_datetime_filters_the_time_field(client, loaded_app):
    checked = 0
    for c in timed(loaded_app):
        url = f"/ogc/collections/{c.id}/items?limit=1000"
        features = client.get(url).get_json()["features"]
        if len(features) < 2:
            continue
        checked += 1
        times = sorted(f["properties"][c.time_field] for f in features)
        middle = times[len(times) // 2]
        got = client.get(url + "&datetime=" + quote(f"{middle}/..")).get_json()["features"]
        assert {f["id"] for f in got} == {
            f["id"] for f in features if f["properties"][c.time_field] >= middle}
    # The sample's only timed spatial collection (reports) starts empty; the test below
    # submits reports and checks the interval on them.


def test_datetime_interval_on_submitted_reports(empty_app):
    """Reports carry their submission time; a half-open interval selects by it."""
    from opengov.loader import load_all
    from tests.conftest import DATASETS

    load_all(empty_app.extensions["opengov"].store, DATASETS, only=["report-categories"])
    client = empty_app.test_client()
    ids = []
    for n in range(3):
        answer = client.post("/reports", json={"category": "pothole", "lon": 108.47 + n / 100,
                                               "lat": 15.57, "description": f"Ổ gà số {n}"})
        assert answer.status_code == 201, answer.get_data(as_text=True)
        ids.append(answer.get_json()["id"])
    url = "/ogc/collections/reports/items?limit=100"
    features = client.get(url).get_json()["features"]
    assert sorted(f["id"] for f in features) == sorted(ids)
    times = sorted(f["properties"]["requested_at"] for f in features)
    after = client.get(url + "&datetime=" + quote(f"{times[1]}/..")).get_json()["features"]
    assert {f["id"] for f in after} == {
        f["id"] for f in features if f["properties"]["requested_at"] >= times[1]}
    before = client.get(url + "&datetime=" + quote(f"../{times[0]}")).get_json()["features"]
    assert {f["id"] for f in before} == {  # OGC intervals are closed: the end is included
        f["id"] for f in features if f["properties"]["requested_at"] <= times[0]}
    future = client.get(url + "&datetime=2100-01-01T00:00:00Z/..").get_json()["features"]
    assert future == []
