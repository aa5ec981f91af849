"""Harvesting a source end to end, on both backends, against the upstream stand-in."""

from __future__ import annotations

import json

from opengov.store.types import utcnow
from tests.gateway.conftest import fixture_text

GEOJSON = "/cameras.geojson"


def _features(gateway):
    body = gateway.client.get("/cameras?limit=100").get_json()
    return {f["id"]: f for f in body["features"]}


def test_first_harvest_publishes_mapped_records_with_provenance(cameras):
    report = cameras.harvest_one()
    assert (report.status, report.fetched, report.new, report.rejected) == ("ok", 4, 4, 0)
    features = _features(cameras)
    one = features["dn-001"]["properties"]
    assert one["name"] == {"vi": "Cầu Rồng – đầu Đông", "en": "Dragon Bridge east"}
    assert (one["kind"], one["status"], one["refresh_interval_s"]) == ("traffic", "online", 60)
    assert features["dn-004"]["properties"]["refresh_interval_s"] == 30  # 0.5 min
    assert one["last_seen"].startswith("2025-11-26T23:33:20")  # epoch ms → UTC
    assert "NGUOI_LAP" not in json.dumps(features, ensure_ascii=False)  # unmapped: not published
    assert "Nguyễn Văn A" not in json.dumps(features, ensure_ascii=False)
    table = cameras.store.table("c_cameras")
    with cameras.store.engine.connect() as conn:
        rows = conn.execute(table.select().with_only_columns(
            table.c._source, table.c._fetched_at)).all()
    assert {r[0] for r in rows} == {"dn-cameras"} and all(r[1] for r in rows)
    detail = cameras.client.get("/sources/dn-cameras").get_json()
    assert detail["status"] == "ok" and detail["records"] == 4 and not detail["stale"]
    assert detail["provenance"]["url"] == cameras.upstream.url + GEOJSON
    assert detail["provenance"]["etag"].startswith('"')
    assert len(detail["provenance"]["checksum"]) == 64 and detail["provenance"]["version"] == 1
    dataset = cameras.client.get("/datasets/cameras").get_json()
    entry = next(s for s in dataset["sources"] if s.get("harvested_by") == "dn-cameras")
    assert entry["url"] == cameras.upstream.url + GEOJSON and entry["stale"] is False


def test_second_harvest_within_expiry_makes_no_upstream_request(cameras):
    cameras.write_sources(fixture_text("sources.toml"), expire="10m")
    first = cameras.harvest_one()
    second = cameras.harvest_one()
    assert cameras.upstream.count(GEOJSON) == 1
    assert (second.requests, second.from_cache) == (1, 1)
    assert (second.new, second.changed, second.removed) == (0, 0, 0)
    assert second.version == first.version == 1


def test_unchanged_upstream_is_revalidated_and_keeps_the_version(cameras):
    cameras.harvest_one()
    again = cameras.harvest_one()  # expire_after 0: a conditional request, answered 304
    assert cameras.upstream.count(GEOJSON) == 2
    assert cameras.upstream.seen(GEOJSON)[1].header("If-None-Match")
    assert again.from_cache == 1 and again.version == 1
    assert cameras.client.get("/sources/dn-cameras").get_json()["provenance"]["version"] == 1


def test_changed_upstream_is_picked_up(cameras):
    cameras.harvest_one()
    collection = json.loads(fixture_text("cameras.geojson"))
    collection["features"][1]["properties"]["TRANG_THAI"] = "NG"  # dn-002 goes offline
    del collection["features"][3]  # dn-004 removed upstream
    collection["features"].append({
        "type": "Feature", "id": 9, "geometry": {"type": "Point", "coordinates": [108.2, 16.1]},
        "properties": {"MA_CAM": "dn-009", "TEN": "Mới", "LOAI": 2, "TRANG_THAI": "HD"}})
    cameras.upstream.route(GEOJSON, json.dumps(collection))
    report = cameras.harvest_one()
    assert (report.new, report.changed, report.removed, report.version) == (1, 1, 1, 2)
    features = _features(cameras)
    assert set(features) == {"dn-001", "dn-002", "dn-003", "dn-009"}
    assert features["dn-002"]["properties"]["status"] == "offline"


def test_outage_keeps_old_data_served_and_marked_stale(cameras):
    cameras.harvest_one()
    cameras.upstream.fail(GEOJSON, 503)
    report = cameras.harvest_one()
    assert report.status == "failed" and "503" in report.error
    response = cameras.client.get("/cameras")
    assert response.status_code == 200 and len(response.get_json()["features"]) == 4
    assert response.headers["X-Data-Stale"] == "true"
    assert response.headers["X-Data-Last-Success"].endswith("Z")
    assert "X-Data-Stale" not in cameras.client.get("/procedures").headers
    health = cameras.client.get("/health")
    assert health.status_code == 200
    assert [s["id"] for s in health.get_json()["stale_sources"]] == ["dn-cameras"]
    detail = cameras.client.get("/sources/dn-cameras").get_json()
    assert detail["stale"] and detail["status"] == "failed" and detail["records"] == 4
    assert "503" in detail["last_error"]["message"] and detail["last_success"]
    dataset = cameras.client.get("/datasets/cameras").get_json()
    entry = next(s for s in dataset["sources"] if s.get("harvested_by") == "dn-cameras")
    assert entry["stale"] is True
    cameras.upstream.recover()
    assert cameras.harvest_one().status == "ok"
    assert "X-Data-Stale" not in cameras.client.get("/cameras").headers
    assert cameras.client.get("/health").get_json()["stale_sources"] == []


def test_old_success_is_stale_without_any_failure(cameras):
    cameras.write_sources(fixture_text("sources.toml").replace('stale_after = "1h"',
                                                               "stale_after = 0"))
    cameras.harvest_one()
    assert cameras.client.get("/sources/dn-cameras").get_json()["stale"] is True


def test_garbage_from_upstream_fails_and_keeps_previous_data(cameras):
    cameras.harvest_one()
    cameras.upstream.garbage(GEOJSON)
    report = cameras.harvest_one()
    assert report.status == "failed" and "malformed JSON" in report.error
    assert len(_features(cameras)) == 4
    assert cameras.store.repo("cameras").state().version == 1


def test_malformed_records_are_rejected_with_reasons(cameras):
    collection = json.loads(fixture_text("cameras.geojson"))
    collection["features"][0]["properties"]["LOAI"] = 7  # no such code
    collection["features"][2]["geometry"] = None
    collection["features"][3]["properties"]["TEN"] = ""  # name is required
    cameras.upstream.route(GEOJSON, json.dumps(collection))
    report = cameras.harvest_one()
    assert (report.status, report.fetched, report.new, report.rejected) == ("ok", 4, 1, 3)
    reasons = {r["id"]: r["reason"] for r in report.rejects}
    assert "upstream code 7" in reasons["dn-001"]
    assert "geometry" in reasons["dn-003"]
    assert "name" in reasons["dn-004"]
    assert set(_features(cameras)) == {"dn-002"}
    last_run = cameras.client.get("/sources/dn-cameras").get_json()["last_run"]
    assert last_run["rejected"] == 3 and last_run["rejects"][0]["reason"]


def test_a_rejected_record_keeps_its_last_good_version(cameras):
    cameras.harvest_one()
    collection = json.loads(fixture_text("cameras.geojson"))
    collection["features"][0]["properties"]["TRANG_THAI"] = "??"
    cameras.upstream.route(GEOJSON, json.dumps(collection))
    report = cameras.harvest_one()
    assert (report.rejected, report.removed, report.changed, report.version) == (1, 0, 0, 1)
    assert _features(cameras)["dn-001"]["properties"]["status"] == "online"


def test_every_record_rejected_is_a_failure_not_an_empty_dataset(cameras):
    cameras.harvest_one()
    cameras.upstream.route(GEOJSON, json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": None, "properties": {"MA_CAM": "x"}}]}))
    report = cameras.harvest_one()
    assert report.status == "failed" and "rejected" in report.error
    assert len(_features(cameras)) == 4


def test_failure_midway_through_paging_keeps_previous_data(gateway):
    pages = {0: _arcgis_page(0, 2, more=True), 2: _arcgis_page(2, 2, more=True),
             4: _arcgis_page(4, 1, more=False)}
    gateway.upstream.route("/arcgis/rest/services/Cam/FeatureServer/0/query",
                           lambda req: json.dumps(pages[int(req.query["resultOffset"])]))
    gateway.write_sources(ARCGIS_SOURCES)
    first = gateway.harvest_one("arcgis-cameras")
    assert (first.status, first.new, first.requests) == ("ok", 5, 3)
    requests = gateway.upstream.seen("/arcgis/rest/services/Cam/FeatureServer/0/query")
    assert [r.query["resultOffset"] for r in requests] == ["0", "2", "4"]
    assert requests[0].query["f"] == "geojson" and requests[0].query["resultRecordCount"] == "2"
    pages[2] = {"error": {"code": 500, "message": "Unable to complete operation."}}
    failed = gateway.harvest_one("arcgis-cameras")
    assert failed.status == "failed" and "ArcGIS error 500" in failed.error
    assert len(_features(gateway)) == 5
    assert gateway.store.repo("cameras").state().version == 1


def test_a_source_that_never_succeeded_is_not_stale(cameras):
    cameras.upstream.fail(GEOJSON, 500)
    assert cameras.harvest_one().status == "failed"
    record = cameras.client.get("/sources").get_json()["sources"][0]
    assert record["status"] == "failed" and record["stale"] is False
    assert record["last_success"] is None and record["last_error"]["at"]


def test_sources_list_describes_declared_sources(cameras):
    body = cameras.client.get("/sources").get_json()
    assert [s["id"] for s in body["sources"]] == ["dn-cameras"]
    assert body["sources"][0]["status"] == "never"
    assert cameras.client.get("/sources/nope").status_code == 404
    assert cameras.client.get("/sources/nope").mimetype == "application/problem+json"


def test_invalid_sources_file_is_a_503_problem_and_health_stays_up(cameras):
    cameras.sources_file.write_text("[[sources]]\nid = 'x'\nconnector = 'ftp'\n")
    response = cameras.client.get("/sources")
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert cameras.client.get("/health").status_code == 200


def test_provenance_timestamps_are_recent(cameras):
    before = utcnow()
    cameras.harvest_one()
    detail = cameras.client.get("/sources/dn-cameras").get_json()
    assert detail["last_success"] >= before.isoformat()[:19]


def _arcgis_page(start: int, count: int, *, more: bool) -> dict:
    features = [{"type": "Feature", "id": i,
                 "geometry": {"type": "Point", "coordinates": [108.2 + i / 100, 16.0]},
                 "properties": {"OBJECTID": i, "CAM_ID": f"ag-{i}", "NAME": f"Camera {i}",
                                "TYPE": "traffic", "STATE": "online"}}
                for i in range(start, start + count)]
    return {"type": "FeatureCollection", "features": features,
            **({"exceededTransferLimit": True} if more else {})}


ARCGIS_SOURCES = """
[[sources]]
id = "arcgis-cameras"
collection = "cameras"
connector = "arcgis"
url = "{upstream}/arcgis/rest/services/Cam/FeatureServer/0"
page_size = 2
retries = 0

[sources.fields]
id = "CAM_ID"
name_vi = "NAME"
kind = "TYPE"
status = "STATE"
"""


def test_identical_run_reports_the_same_rejects_and_a_new_mapping_applies(cameras):
    collection = json.loads(fixture_text("cameras.geojson"))
    collection["features"][0]["properties"]["LOAI"] = 7
    cameras.upstream.route(GEOJSON, json.dumps(collection))
    cameras.write_sources(fixture_text("sources.toml"), expire="10m")
    first = cameras.harvest_one()
    again = cameras.harvest_one()  # same bytes, same declaration: same outcome
    assert (again.rejected, again.rejects, again.version) == (1, first.rejects, 1)
    cameras.write_sources(fixture_text("sources.toml").replace("(test)", "(test, renamed)"),
                          expire="10m")
    remapped = cameras.harvest_one()  # same cached bytes, new mapping: every record changes
    assert (remapped.from_cache, remapped.changed, remapped.version) == (1, 3, 2)
    assert _features(cameras)["dn-002"]["properties"]["owner"].endswith("renamed)")
