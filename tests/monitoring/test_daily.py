"""The daily aggregates kept by ingestion equal a recomputation from the stored readings, after
every batch: fresh, overlapping, resent, backfilled, sub-hourly and mixed batches."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from opengov.monitoring.readings_table import DAILY, READINGS

DAY0 = int(datetime(2026, 1, 10, 17, tzinfo=UTC).timestamp())  # 2026-01-11 00:00 local
HOUR = 3600


def reading(t: int, value: float, station="aq-001", parameter="pm25", flag="valid") -> dict:
    return {"station": station, "parameter": parameter, "value": value, "flag": flag,
            "time": datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}


def hours(first: int, last: int, value, **kw) -> list[dict]:
    """One reading per hour ``first`` … ``last`` (hour numbers from DAY0)."""
    return [reading(DAY0 + h * HOUR, value(h), **kw) for h in range(first, last + 1)]


def recomputed(store) -> dict[tuple, tuple]:
    """Daily rows computed the slow, obvious way from every stored valid reading."""
    r = store.table(READINGS)
    with store.engine.connect() as conn:
        stored = conn.execute(select(r.c.station_id, r.c.parameter, r.c.time, r.c.value)
                              .where(r.c.flag == "valid")).all()
    per_hour: dict[tuple, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for station, parameter, t, value in stored:
        per_hour[(station, parameter)][t // HOUR * HOUR].append(value)
    out = {}
    for key, by_hour in per_hour.items():
        means = {h: sum(v) / len(v) for h, v in by_hour.items()}
        days = {(h + 7 * HOUR) // 86400 * 86400 - 7 * HOUR for h in means}
        for day in days:
            own = [h for h in range(day, day + 86400, HOUR) if h in means]
            eights = []
            for end in range(day, day + 86400, HOUR):
                window = [means[h] for h in range(end - 7 * HOUR, end + HOUR, HOUR)
                          if h in means]
                if len(window) >= 6:
                    eights.append(sum(window) / len(window))
            values = [v for h in own for v in by_hour[h]]
            out[(*key, day)] = (len(own), sum(means[h] for h in own) / len(own), min(values),
                                max(values), max(means[h] for h in own),
                                max(eights) if eights else None)
    return out


def kept(store) -> dict[tuple, tuple]:
    d = store.table(DAILY)
    with store.engine.connect() as conn:
        rows = conn.execute(select(d)).all()
    return {(r.station_id, r.parameter, r.day): (r.hours, r.mean, r.low, r.high, r.peak,
                                                 r.peak8) for r in rows}


def assert_in_step(store) -> None:
    want, have = recomputed(store), kept(store)
    assert set(have) == set(want)
    for key, row in want.items():
        assert have[key][-1] is None if row[-1] is None else have[key][-1] == pytest.approx(
            row[-1], rel=1e-12), key
        assert have[key][:-1] == pytest.approx(row[:-1], rel=1e-12), key


def test_daily_rows_equal_a_recomputation_after_every_kind_of_batch(station_app, keys):
    client = station_app.test_client()
    store = station_app.extensions["opengov"].store

    def post(readings: list[dict], status: int = 201) -> dict:
        response = client.post("/monitoring/readings", json={"readings": readings},
                               headers=keys["ingest"])
        assert response.status_code == status, response.get_json()
        assert_in_step(store)
        return response.get_json()

    pm = lambda h: 10 + h % 24  # noqa: E731
    first = hours(0, 19, pm) + hours(23, 47, pm) + hours(0, 47, lambda h: 40 - h % 7,
                                                         parameter="no2")
    first[5]["flag"] = "suspect"  # flagged readings never count
    first[6] = {**first[6], "value": 900.0, "flag": "invalid"}
    post(first)
    # Overlaps the first batch (18 stored hours are skipped: first write wins) and runs on.
    overlap = post(hours(30, 70, lambda h: 99.0) + hours(60, 64, lambda h: 5.0,
                                                         station="aq-002", parameter="pm10"))
    assert overlap["duplicates"] == 18 and overlap["inserted"] == 41 - 18 + 5
    assert post(first, 200)["resend"] is True
    # The evening before: a new day, and the 8-hour means of the first day's early hours.
    post(hours(-10, -1, lambda h: 80.0 + h))
    # Half-past readings inside stored hours change those hours' means.
    post([reading(DAY0 + h * HOUR + 1800, 60.0) for h in (3, 4, 5, 6, 23)])
    # One batch, three kinds of series: a fresh one, a gap filled, sub-hourly into stored hours.
    mixed = (hours(100, 130, lambda h: 7.0, parameter="o3")
             + hours(20, 22, lambda h: 120.0)
             + [reading(DAY0 + h * HOUR + 900, 3.0, parameter="no2") for h in range(20, 30)])
    post(mixed)
    assert len(kept(store)) == 9  # pm25 4 days, no2 2, o3 2, aq-002 pm10 1


def test_hour_day_and_month_buckets_in_json_and_csv(station_app, keys):
    client = station_app.test_client()
    readings = [reading(DAY0, 10.0), reading(DAY0 + 1200, 20.0), reading(DAY0 + 2400, 33.3333333),
                reading(DAY0 + HOUR, 5.0), reading(DAY0 + 2 * HOUR, 99.0, flag="suspect"),
                reading(DAY0, 7.0, parameter="no2")]
    assert client.post("/monitoring/readings", json={"readings": readings},
                       headers=keys["ingest"]).status_code == 201
    query = ("/monitoring/readings?station=aq-001&from=2026-01-11T00:00:00%2B07:00"
             "&to=2026-01-12T00:00:00%2B07:00")
    body = client.get(query + "&parameter=pm25,no2&resolution=hour").get_json()
    assert body["meta"] == {"resolution": "hour", "agg": "avg", "returned": 3}
    unit = "µg/m³"
    assert body["results"] == [  # key order: station, parameter, time; valid readings only
        {"station": "aq-001", "parameter": "no2", "time": "2026-01-10T17:00:00Z", "value": 7.0,
         "unit": unit, "count": 1},
        {"station": "aq-001", "parameter": "pm25", "time": "2026-01-10T17:00:00Z",
         "value": 21.1111, "unit": unit, "count": 3},
        {"station": "aq-001", "parameter": "pm25", "time": "2026-01-10T18:00:00Z", "value": 5.0,
         "unit": unit, "count": 1}]
    csv = client.get(query + "&parameter=pm25,no2&resolution=hour&agg=max&f=csv")
    assert csv.mimetype == "text/csv" and csv.headers["Content-Length"] == str(len(csv.data))
    assert csv.data.decode().split("\r\n") == [
        "station,parameter,time,value,unit,count",
        f"aq-001,no2,2026-01-10T17:00:00Z,7.0,{unit},1",
        f"aq-001,pm25,2026-01-10T17:00:00Z,33.3333,{unit},3",
        f"aq-001,pm25,2026-01-10T18:00:00Z,5.0,{unit},1", ""]
    day = client.get(query + "&resolution=day&parameter=pm25").get_json()["results"]
    month = client.get(query + "&resolution=month&parameter=pm25&agg=min").get_json()["results"]
    assert [(d["time"], d["value"], d["count"]) for d in day] == [
        ("2026-01-10T17:00:00Z", round(((10 + 20 + 33.3333333) / 3 + 5.0) / 2, 4), 2)]
    assert [(m["time"], m["value"], m["count"]) for m in month] == [
        ("2025-12-31T17:00:00Z", 5.0, 2)]
