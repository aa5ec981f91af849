"""``POST /monitoring/readings``: keys, all-or-nothing validation, idempotence, CSV, limits."""

from __future__ import annotations

import pytest

from opengov.monitoring import ingest

PROBLEM = "application/problem+json"


def reading(hour: int, value: float = 20.0, station: str = "aq-001", parameter: str = "pm25",
            day: str = "2026-01-15", **extra) -> dict:
    return {"station": station, "parameter": parameter,
            "time": f"{day}T{hour:02d}:00:00+07:00", "value": value, **extra}


def stored(client, station="aq-001", parameter="pm25") -> list[dict]:
    body = client.get(f"/monitoring/readings?station={station}&parameter={parameter}"
                      "&limit=10000").get_json()
    return body["results"]


def test_keys_are_required_and_checked(station_app, keys):
    client = station_app.test_client()
    batch = {"readings": [reading(1)]}
    assert client.post("/monitoring/readings", json=batch).status_code == 401
    bad = {"Authorization": "Bearer og_not-a-real-token"}
    assert client.post("/monitoring/readings", json=batch, headers=bad).status_code == 401
    wrong = client.post("/monitoring/readings", json=batch, headers=keys["other-role"])
    assert wrong.status_code == 403 and wrong.mimetype == PROBLEM
    assert stored(client) == []


def test_store_then_resend_is_idempotent(station_app, keys):
    client = station_app.test_client()
    batch = {"readings": [reading(h, 10.0 + h) for h in range(24)]}
    first = client.post("/monitoring/readings", json=batch, headers=keys["ingest"])
    assert first.status_code == 201
    assert first.get_json() == {"received": 24, "inserted": 24, "duplicates": 0,
                                "resend": False}
    again = client.post("/monitoring/readings", json=batch, headers=keys["ingest"])
    assert again.status_code == 200
    assert again.get_json() == {"received": 24, "inserted": 0, "duplicates": 24, "resend": True}
    rows = stored(client)
    assert len(rows) == 24 and rows[0]["time"] == "2026-01-14T17:00:00Z"
    assert rows[0]["value"] == 10.0 and rows[0]["flag"] == "valid"


def test_one_bad_row_refuses_the_whole_batch_and_lists_every_bad_row(station_app, keys):
    client = station_app.test_client()
    rows = [reading(h) for h in range(10)]
    rows[2]["station"] = "aq-999"
    rows[3]["parameter"] = "radon"
    rows[4]["unit"] = "mg/L"
    rows[5]["value"] = 1e9
    rows[6]["time"] = "2026-01-15T06:00:00"  # naive
    rows[7]["time"] = "3026-01-15T07:00:00Z"  # future
    rows[8]["value"] = "12"
    rows[9]["parameter"] = "salinity"  # not measured at an air station
    response = client.post("/monitoring/readings", json={"readings": rows},
                           headers=keys["ingest"])
    assert response.status_code == 422 and response.mimetype == PROBLEM
    errors = {e["field"]: e["messages"] for e in response.get_json()["errors"]}
    assert set(errors) == {f"row {i}" for i in range(3, 11)}
    assert errors["row 3"] == ["unknown station"]
    assert errors["row 4"] == ["unknown parameter"]
    assert errors["row 5"] == ["wrong unit"]
    assert errors["row 6"] == ["value outside the parameter's valid range"]
    assert errors["row 7"] == ["time is not ISO 8601 with a UTC offset"]
    assert errors["row 8"] == ["time is in the future or before 1990"]
    assert errors["row 9"] == ["value is not a finite number"]
    assert errors["row 10"] == ["station does not measure parameter"]
    assert stored(client) == []


def test_non_finite_values_and_in_batch_duplicates(station_app, keys):
    client = station_app.test_client()
    body = (b'{"readings":[{"station":"aq-001","parameter":"pm25",'
            b'"time":"2026-01-15T01:00:00Z","value":NaN}]}')
    response = client.post("/monitoring/readings", data=body, headers=keys["ingest"],
                           content_type="application/json")
    assert response.status_code == 400 and response.mimetype == PROBLEM  # not JSON at all
    twice = {"readings": [reading(1), reading(1, 25.0)]}
    response = client.post("/monitoring/readings", json=twice, headers=keys["ingest"])
    assert response.status_code == 422
    assert len(response.get_json()["errors"]) == 2 and stored(client) == []


def test_csv_batches(station_app, keys):
    client = station_app.test_client()
    text = "station,parameter,time,value,unit,flag\r\n" + "".join(
        f"sw-001,do,2026-01-15T{h:02d}:00:00Z,{6 + h / 10},mg/L,valid\r\n" for h in range(12))
    response = client.post("/monitoring/readings", data=text.encode(),
                           headers={**keys["ingest"], "Content-Type": "text/csv"})
    assert response.status_code == 201 and response.get_json()["inserted"] == 12
    assert len(stored(client, "sw-001", "do")) == 12
    bad = "station,parameter,value\r\nsw-001,do,1\r\n"
    response = client.post("/monitoring/readings", data=bad.encode(),
                           headers={**keys["ingest"], "Content-Type": "text/csv"})
    assert response.status_code == 422 and "time" in response.get_json()["detail"]


def test_scoped_key_writes_only_its_operators_stations(station_app, keys):
    client = station_app.test_client()
    own = client.post("/monitoring/readings", json={"readings": [reading(1)]},
                      headers=keys["so-nnmt"])
    assert own.status_code == 201
    foreign = {"readings": [reading(2, station="gw-001", parameter="ph", value=7.1)]}
    response = client.post("/monitoring/readings", json=foreign, headers=keys["so-nnmt"])
    assert response.status_code == 403 and response.mimetype == PROBLEM
    assert stored(client, "gw-001", "ph") == []


def test_size_and_media_type_limits(station_app, keys, monkeypatch):
    client = station_app.test_client()
    monkeypatch.setattr(ingest, "MAX_BATCH", 5)
    response = client.post("/monitoring/readings", json={"readings": [reading(h)
                                                                      for h in range(6)]},
                           headers=keys["ingest"])
    assert response.status_code == 413 and response.mimetype == PROBLEM
    response = client.post("/monitoring/readings", data=b"<readings/>",
                           headers={**keys["ingest"], "Content-Type": "application/xml"})
    assert response.status_code == 415
    assert client.post("/monitoring/readings", json={"readings": []},
                       headers=keys["ingest"]).status_code == 422
    assert stored(client) == []


@pytest.mark.parametrize(("day", "limit"), [("2025-12-31", 50.0), ("2026-01-01", 45.0)])
def test_ingested_day_is_judged_by_the_limit_of_its_date(station_app, keys, day, limit):
    client = station_app.test_client()
    batch = {"readings": [reading(h, 48.0, day=day) for h in range(24)]}
    assert client.post("/monitoring/readings", json=batch, headers=keys["ingest"]).status_code \
        == 201
    url = (f"/monitoring/exceedances?station=aq-001&parameter=pm25&averaging=24h"
           f"&from={day}T00:00:00%2B07:00&to={day}T23:00:00%2B07:00")
    result = client.get(url).get_json()["results"][0]
    assert result["evaluated"] == 1 and result["limits"] == [limit]
    assert result["exceeded"] == (1 if limit == 45.0 else 0)


def test_wrong_json_types_are_listed_not_crashes(station_app, keys):
    client = station_app.test_client()
    rows = [reading(1), 42, reading(2, station=["aq-001"]), reading(3, value=True),
            {**reading(4), "time": 1768435200}, reading(5, value=10 ** 18), reading(6, flag=5),
            reading(7, unit=["µg/m³"])]
    response = client.post("/monitoring/readings", json={"readings": rows},
                           headers=keys["ingest"])
    assert response.status_code == 422 and response.mimetype == PROBLEM
    errors = {e["field"]: e["messages"] for e in response.get_json()["errors"]}
    assert errors["row 2"][0] == "not a JSON object"
    assert errors["row 3"] == ["unknown station"]
    assert errors["row 4"] == ["value is not a finite number"]
    assert errors["row 5"] == ["time is not ISO 8601 with a UTC offset"]
    assert errors["row 6"] == ["value outside the parameter's valid range"]
    assert set(errors) == {f"row {i}" for i in range(2, 7)}  # flag 5, unit list: not given
    assert stored(client) == []
