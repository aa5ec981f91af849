"""Live datasets (readings, reports) publish one immutable extract per finished month."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from frictionless import validate
from sqlalchemy import func, insert, select, update

from opengov.catalog import extracts as ex
from opengov.encoders.csv import header
from opengov.loader import load_all
from opengov.store.migrate import upgrade
from tests.conftest import DATASETS, make_app, new_database_url, sample_loaders

LOCAL = timedelta(hours=7)


def _epoch(year: int, month: int) -> int:
    """Local (UTC+7) midnight starting the month, in epoch seconds."""
    return int((datetime(year, month, 1, tzinfo=UTC) - LOCAL).timestamp())


def _readings_in(store, start: int, end: int) -> int:
    t = store.table("monitoring_readings")
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(t)
                            .where(t.c.time >= start, t.c.time < end)).scalar_one()


def test_months_are_local_calendar_months():
    december = ex.period("2025-12")
    assert december.start.isoformat() == "2025-12-01T00:00:00+07:00"
    assert december.end.isoformat() == "2026-01-01T00:00:00+07:00"
    assert ex.period_of(datetime(2025, 11, 30, 17, 30, tzinfo=UTC)).key == "2025-12"
    first, last = datetime(2025, 11, 20, tzinfo=UTC), datetime(2026, 2, 3, tzinfo=UTC)
    now = datetime(2026, 2, 1, 12, tzinfo=UTC)  # January ended 17 h ago (local midnight)
    grace = timedelta(hours=24)
    assert [p.key for p in ex.finished(first, last, now, grace)] == ["2025-12", "2025-11"]
    assert [p.key for p in ex.finished(first, last, now + grace, grace)][0] == "2026-01"
    assert ex.finished(None, None, now, grace) == []
    for bad in ("2025-13", "2025-1", "25-01", "2025-00"):
        with pytest.raises(ValueError):
            ex.period(bad)


def test_readings_list_their_months_instead_of_versions(client, loaded_app):
    body = client.get("/datasets/monitoring-readings/versions").get_json()
    assert body["kind"] == "live" and body["versions"] == []
    # the small sample runs 2025-12-21 → 2026-01-11 (UTC+7)
    assert [e["period"] for e in body["extracts"]] == ["2026-01", "2025-12"]
    assert body["extracts"][0]["url"].endswith("/datasets/monitoring-readings/extracts/2026-01.csv")


def test_a_month_holds_exactly_its_readings_with_checksum(get, client, loaded_app):
    store = loaded_app.extensions["opengov"].store
    response, body = get("/datasets/monitoring-readings/extracts/2025-12.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (response.headers["Content-Disposition"] ==
            "attachment; filename=quang-nam-monitoring-readings-2025-12.csv")
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert list(rows[0]) == ["station", "parameter", "time", "value", "unit", "flag"]
    assert len(rows) == _readings_in(store, _epoch(2025, 12), _epoch(2026, 1)) > 0
    assert all("2025-11-30T17:00:00Z" <= r["time"] < "2025-12-31T17:00:00Z" for r in rows)
    listed = client.get("/datasets/monitoring-readings/versions").get_json()["extracts"]
    december = next(e for e in listed if e["period"] == "2025-12")
    assert december["sha256"] == hashlib.sha256(body).hexdigest()
    assert december["byte_size"] == len(body) == int(response.headers["Content-Length"])
    dataset = client.get("/datasets/monitoring-readings").get_json()
    assert december in dataset["distributions"] and dataset["kind"] == "live"
    assert dataset["synthetic"] is True and "sample" in dataset["title"]["en"]
    part, chunk = get("/datasets/monitoring-readings/extracts/2025-12.csv",
                      headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and chunk == body[:10]


def test_extracts_appear_in_dcat_ckan_and_the_data_package(get, client, tmp_path):
    _, body = get("/datasets/monitoring-readings/extracts/2026-01.csv")
    digest = hashlib.sha256(body).hexdigest()
    assert digest in client.get("/catalog.ttl").get_data(as_text=True)
    resource = client.get("/api/3/action/resource_show",
                          query_string={"id": "monitoring-readings.2026-01.csv"}).get_json()
    assert resource["success"] and resource["result"]["hash"] == f"sha256:{digest}"
    response, descriptor = get("/datasets/monitoring-readings/datapackage.json")
    package = json.loads(descriptor)
    assert [r["path"] for r in package["resources"]] == ["extracts/2025-12.csv",
                                                         "extracts/2026-01.csv"]
    (tmp_path / "extracts").mkdir()
    (tmp_path / "datapackage.json").write_bytes(descriptor)
    for resource in package["resources"]:  # the paths resolve against the descriptor's URL
        _, data = get(f"/datasets/monitoring-readings/{resource['path']}")
        (tmp_path / resource["path"]).write_bytes(data)
    report = validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


@pytest.mark.parametrize("url, status, words", [
    ("/datasets/monitoring-readings/extracts/2025-13.csv", 400, "YYYY-MM"),
    ("/datasets/monitoring-readings/extracts/2024-06.csv", 404, "2025-12 to 2026-01"),
    ("/datasets/monitoring-readings/extracts/2025-12.xlsx", 404, "csv"),
    ("/datasets/monitoring-readings/download.csv", 404, "monthly extracts only"),
    ("/datasets/cameras/extracts/2025-12.csv", 404, "not live"),
    ("/datasets/nope/extracts/2025-12.csv", 404, "No dataset"),
    ("/datasets/reports/download.csv?version=1", 400, "monthly"),
])
def test_bad_extract_requests_are_problems(get, url, status, words):
    response, body = get(url)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    assert words in json.loads(body)["detail"]


def test_the_current_month_is_not_offered_until_it_is_over(get):
    key = ex.period_of(datetime.now(UTC)).key
    response, body = get(f"/datasets/monitoring-readings/extracts/{key}.csv")
    assert response.status_code == 404 and "not over yet" in json.loads(body)["detail"]


def test_a_built_month_never_changes(empty_app):
    store = empty_app.extensions["opengov"].store
    load_all(store, DATASETS, profile="small", generators=sample_loaders(empty_app))
    client = empty_app.test_client()
    with client.get("/datasets/monitoring-readings/extracts/2025-12.csv") as response:
        before = response.get_data()
    with store.engine.begin() as conn:  # a late reading for December arrives
        conn.execute(insert(store.table("monitoring_readings")).values(
            station_id="aq-001", parameter="pm25", time=_epoch(2025, 12) + 3600, value=1.0,
            flag="valid"))
    with client.get("/datasets/monitoring-readings/extracts/2025-12.csv") as response:
        assert response.get_data() == before
    with empty_app.app_context():  # even an explicit rebuild keeps the published file
        from opengov.catalog.live_catalog import extracts, sources

        built = extracts().build(sources()["monitoring-readings"], ex.period("2025-12"))
    assert built.path.read_bytes() == before
    assert built.sha256 == hashlib.sha256(before).hexdigest()


SECRETS = {"name": "Nguyễn Văn Riêng", "email": "rieng@example.org", "phone": "0905123456"}


def test_report_extracts_hold_public_fields_only(backend, postgres, tmp_path):
    app = make_app(new_database_url(backend, postgres, tmp_path), tmp_path,
                   reports_rate_limit="1000/minute")
    store = app.extensions["opengov"].store
    upgrade(store.engine)
    load_all(store, DATASETS, only=["report-categories"])
    client = app.test_client()
    ids, tokens = [], []
    for n in range(3):
        response = client.post("/reports", json={
            "category": "pothole", "description": f"Ổ gà số {n}", "lon": 108.47, "lat": 15.57,
            "contact": SECRETS, "device_id": "device-secret-42"})
        assert response.status_code == 201, response.get_data(as_text=True)
        receipt = response.get_json()
        ids.append(receipt["id"])
        tokens.append(receipt["tracking_token"])
    reports = store.table("c_reports")
    with store.engine.begin() as conn:  # they were filed last October (local time)
        conn.execute(update(reports).values(
            requested_at=datetime(2025, 10, 15, 3, tzinfo=UTC)))
    listed = client.get("/datasets/reports/versions").get_json()
    assert [e["period"] for e in listed["extracts"]] == ["2025-10"] and not listed["versions"]
    with client.get("/datasets/reports/extracts/2025-10.csv") as response:
        assert response.status_code == 200
        text = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    collection = app.extensions["opengov"].registry.get("reports")
    assert rows[0] == header(collection)  # the public CSV columns
    assert sorted(r[0] for r in rows[1:]) == sorted(ids)
    for secret in [*SECRETS.values(), "device-secret-42", *tokens]:
        assert secret not in text
    # the current download's subsets take the API's date range over the same field
    october = {"start_date": "2025-10-01T00:00:00+07:00", "end_date": "2025-11-01T00:00:00+07:00"}
    with client.get("/datasets/reports/download.csv", query_string=october) as response:
        assert response.get_data(as_text=True) == text
    with client.get("/datasets/reports/download.csv", query_string={
            "start_date": "2025-11-01T00:00:00+07:00"}) as response:
        assert len(response.get_data(as_text=True).splitlines()) == 1  # the header only
    backwards = {"start_date": october["end_date"], "end_date": october["start_date"]}
    assert client.get("/datasets/reports/download.csv",
                      query_string=backwards).status_code == 400
    store.engine.dispose()
