"""``/monitoring/exceedances?averaging=8h``: each 8-hour mean belongs to exactly one day."""

from __future__ import annotations

from tests.monitoring.test_ingest import reading

DAY_BEFORE, DAY = "2026-01-14", "2026-01-15"


def eight_hour(client, parameter: str, start: str, end: str) -> dict:
    url = (f"/monitoring/exceedances?station=aq-001&parameter={parameter}&averaging=8h"
           f"&from={start}T00:00:00%2B07:00&to={end}T00:00:00%2B07:00")
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    [result] = response.get_json()["results"]
    return result


def test_a_day_without_readings_evaluates_nothing(station_app, keys):
    client = station_app.test_client()
    batch = {"readings": [reading(h, 200.0, parameter="o3", day=DAY_BEFORE) for h in range(24)]
             + [reading(h, 20_000.0, parameter="co", day=DAY_BEFORE) for h in range(24)]}
    assert client.post("/monitoring/readings", json=batch,
                       headers=keys["ingest"]).status_code == 201
    for parameter in ("o3", "co"):
        empty = eight_hour(client, parameter, DAY, "2026-01-16")
        assert (empty["evaluated"], empty["exceeded"], empty["items"]) == (0, 0, [])
        both = eight_hour(client, parameter, DAY_BEFORE, "2026-01-16")
        assert (both["evaluated"], both["exceeded"]) == (1, 1)  # the evening counts once
        assert both["items"][0]["start"] == "2026-01-13T17:00:00Z"  # local 14 January


def test_the_means_of_a_day_end_in_it_and_reach_back_into_the_evening_before(station_app, keys):
    client = station_app.test_client()
    evening = [reading(h, 300.0, parameter="o3", day=DAY_BEFORE) for h in range(17, 24)]
    clean = [reading(h, 40.0, parameter="o3", day=DAY) for h in range(24)]
    assert client.post("/monitoring/readings", json={"readings": evening + clean},
                       headers=keys["ingest"]).status_code == 201
    day = eight_hour(client, "o3", DAY, "2026-01-16")
    # The mean ending at 01:00 covers 17:00 … 00:59: (7·300 + 40)/8 = 267.5 > 120.
    assert (day["evaluated"], day["exceeded"]) == (1, 1)
    assert day["worst"]["value"] == 267.5
    before = eight_hour(client, "o3", DAY_BEFORE, DAY)
    assert before["evaluated"] == 0  # only 2 of its 24 means have 6 of their 8 hours
