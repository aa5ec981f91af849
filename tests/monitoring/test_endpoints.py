"""Read endpoints over the small sample (six stations, three weeks), on both backends."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import datetime

import numpy as np
import pytest

from opengov.monitoring import aqi

FROM, TO = "2025-12-21T00:00:00%2B07:00", "2026-01-11T00:00:00%2B07:00"
PROBLEM = "application/problem+json"


def raw_csv(client, query: str) -> list[dict]:
    response = client.get(f"/monitoring/readings?{query}&f=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_sample_has_thirty_stations_of_every_kind(client):
    body = client.get("/monitoring/stations?limit=1000").get_json()
    assert body["numberMatched"] >= 30
    kinds = {f["properties"]["kind"] for f in body["features"]}
    assert kinds == {"air", "surface-water", "groundwater", "coastal"}


def test_station_filters_and_latest_index(client):
    body = client.get("/monitoring/stations?kind=air&parameter=pm25&limit=1000").get_json()
    assert body["features"] and all(f["properties"]["kind"] == "air" for f in body["features"])
    with_index = [f for f in body["features"] if "latest_aqi" in f["properties"]]
    assert {f["id"] for f in with_index} == {"aq-001", "aq-002", "aq-003", "aq-004"}
    band = with_index[0]["properties"]["latest_aqi"]
    assert band["category"] == aqi.category(band["aqi"])
    salinity = client.get("/monitoring/stations?parameter=salinity&limit=1000").get_json()
    assert {f["properties"]["kind"] for f in salinity["features"]} == {"coastal"}
    lon, lat = body["features"][0]["geometry"]["coordinates"]
    box = f"{lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}"
    near = client.get(f"/monitoring/stations?bbox={box}").get_json()
    assert body["features"][0]["id"] in {f["id"] for f in near["features"]}


def test_station_list_etag_revalidates(client):
    first = client.get("/monitoring/stations?kind=air")
    again = client.get("/monitoring/stations?kind=air",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_station_and_parameter_items(client):
    station = client.get("/monitoring/stations/aq-001")
    assert station.status_code == 200 and station.get_json()["properties"]["kind"] == "air"
    assert client.get("/monitoring/stations/nope").status_code == 404
    pm = client.get("/monitoring/parameters/pm25").get_json()
    assert pm["unit"] == "µg/m³" and pm["medium"] == "air"
    listing = client.get("/monitoring/parameters?medium=water&limit=100").get_json()
    assert listing["items"] and all(p["medium"] == "water" for p in listing["items"])


def test_raw_paging_reaches_every_reading_once(client):
    query = "station=aq-001,sw-001&parameter=pm25,ph"
    everything = raw_csv(client, query)
    seen = []
    url = f"/monitoring/readings?{query}&limit=500"
    while url:
        body = client.get(url.replace("http://localhost", "")).get_json()
        seen += [(r["station"], r["parameter"], r["time"]) for r in body["results"]]
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
    assert len(seen) == len(set(seen)) == len(everything) > 900
    assert seen == [(r["station"], r["parameter"], r["time"]) for r in everything]


def test_accept_header_selects_csv(client):
    response = client.get("/monitoring/readings?station=aq-002&parameter=o3&limit=3",
                          headers={"Accept": "text/csv"})
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).splitlines()[0] == \
        "station,parameter,time,value,unit,flag"


def test_sample_has_gaps_flags_and_a_daily_cycle(client):
    rows = raw_csv(client, f"station=aq-003&parameter=pm25&from={FROM}&to={TO}")
    assert {r["flag"] for r in rows} >= {"valid", "suspect"} or len(rows) < 21 * 24
    assert len(rows) < 21 * 24  # outages and missing hours
    by_hour = defaultdict(list)
    for r in rows:
        if r["flag"] == "valid":
            local = (datetime.fromisoformat(r["time"]).hour + 7) % 24
            by_hour[local].append(float(r["value"]))
    assert np.mean(by_hour[19]) > np.mean(by_hour[3])  # evening rush above the small hours


def test_daily_mean_is_the_mean_of_valid_hours(client):
    query = f"station=aq-002&parameter=pm10&from={FROM}&to={TO}"
    rows = [r for r in raw_csv(client, query) if r["flag"] == "valid"]
    days = client.get(f"/monitoring/readings?{query}&resolution=day").get_json()["results"]
    first = days[0]
    start = datetime.fromisoformat(first["time"]).timestamp()
    mine = [float(r["value"]) for r in rows
            if start <= datetime.fromisoformat(r["time"]).timestamp() < start + 86400]
    assert first["count"] == len(mine)
    assert first["value"] == pytest.approx(np.mean(mine), abs=1e-3)
    months = client.get(f"/monitoring/readings?{query}&resolution=month&agg=count").get_json()
    assert sum(m["value"] for m in months["results"]) == len(rows)
    highest = client.get(f"/monitoring/readings?{query}&resolution=hour&agg=max").get_json()
    assert max(h["value"] for h in highest["results"]) == max(float(r["value"]) for r in rows)


def test_limit_pages_aggregated_readings_with_next_links(client):
    query = f"station=aq-001,aq-002&parameter=pm10,pm25&from={FROM}&to={TO}&resolution=day"
    everything = client.get(f"/monitoring/readings?{query}").get_json()["results"]
    assert len(everything) > 5
    first = client.get(f"/monitoring/readings?{query}&limit=5")
    body = first.get_json()
    assert body["meta"]["returned"] == 5 and body["results"] == everything[:5]
    [next_link] = [link for link in body["links"] if link["rel"] == "next"]
    assert first.headers["Link"] == f'<{next_link["href"]}>; rel="next"'
    pages, url = [], next_link["href"]
    while url:  # following every next link gives each bucket once, in order
        page = client.get(url).get_json()
        assert 1 <= page["meta"]["returned"] <= 5
        pages += page["results"]
        url = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
    assert body["results"] + pages == everything
    in_csv = client.get(f"/monitoring/readings?{query}&limit=5&f=csv").get_data(as_text=True)
    assert len(in_csv.strip().splitlines()) == 1 + 5


def test_latest_is_the_newest_reading(client):
    rows = raw_csv(client, "station=sw-001&parameter=do")
    latest = client.get("/monitoring/latest?station=sw-001&parameter=do").get_json()["results"]
    assert len(latest) == 1 and latest[0]["time"] == rows[-1]["time"]
    assert latest[0]["value"] == float(rows[-1]["value"])


def test_daily_aqi_agrees_with_the_index_module(client):
    body = client.get(f"/monitoring/aqi?station=aq-004&from={FROM}&to={TO}&resolution=day")
    assert body.status_code == 200
    values = body.get_json()["stations"][0]["values"]
    assert 15 <= len(values) <= 21
    day = values[3]
    start = datetime.fromisoformat(day["time"]).timestamp()
    pm = [float(r["value"]) for r in raw_csv(client, "station=aq-004&parameter=pm25")
          if r["flag"] == "valid"
          and start <= datetime.fromisoformat(r["time"]).timestamp() < start + 86400]
    if len(pm) >= 18:
        assert day["subindices"]["pm25"] == aqi.round_index(aqi.sub_index("pm25", np.mean(pm)))
    assert day["aqi"] == max(day["subindices"].values())
    assert day["category"] == aqi.category(day["aqi"])
    assert day["subindices"][day["dominant"]] == day["aqi"]


def test_hourly_aqi_and_latest_map(client):
    body = client.get(f"/monitoring/aqi?from={FROM}&to=2025-12-23T00:00:00%2B07:00").get_json()
    assert body["resolution"] == "hour" and len(body["stations"]) == 16
    hours = body["stations"][0]["values"]
    assert 30 <= len(hours) <= 48 and all(h["aqi"] is not None for h in hours)
    latest = client.get("/monitoring/aqi/latest")
    assert latest.mimetype == "application/geo+json"
    features = latest.get_json()["features"]
    coloured = [f for f in features if f["properties"]["aqi"] is not None]
    assert {f["id"] for f in coloured} == {"aq-001", "aq-002", "aq-003", "aq-004"}
    assert all(f["properties"]["category"]["colour"].startswith("#") for f in coloured)


def test_exceedances_apply_the_pm25_limit_of_each_day(client):
    body = client.get(f"/monitoring/exceedances?parameter=pm25&averaging=24h&from={FROM}"
                      f"&to={TO}").get_json()
    assert body["results"]
    for result in body["results"]:
        assert result["exceeded"] == len(result["items"]) <= result["evaluated"]
        for item in result["items"]:
            local_day = datetime.fromisoformat(item["start"]).timestamp() + 7 * 3600
            limit = 45.0 if local_day >= datetime.fromisoformat(
                "2026-01-01T00:00:00+00:00").timestamp() else 50.0
            assert item["limit"] == limit and item["value"] > limit


@pytest.mark.parametrize("url", [
    "/monitoring/readings?station=aq-001&from=2025-12-21T00:00:00",  # naive time
    "/monitoring/readings?station=aq-001&cursor=not-a-cursor",
    "/monitoring/readings?station=aq-001&resolution=week",
    "/monitoring/readings?parameter=pm25",  # station is required
    f"/monitoring/readings?station=aq-001&from={TO}&to={FROM}",
    "/monitoring/aqi?from=2020-01-01T00:00:00Z&to=2025-01-01T00:00:00Z",  # > 366 days hourly
    "/monitoring/exceedances?parameter=pm25",  # needs from and to
    "/monitoring/readings?station=aq-001&f=xml",
])
def test_bad_queries_are_400_problems(client, url):
    response = client.get(url)
    assert response.status_code == 400 and response.mimetype == PROBLEM


def test_unknown_air_station_is_404(client):
    response = client.get("/monitoring/aqi?station=sw-001")
    assert response.status_code == 404 and response.mimetype == PROBLEM
