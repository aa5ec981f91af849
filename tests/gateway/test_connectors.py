"""Each connector against the upstream stand-in playing that kind of server (no database)."""

from __future__ import annotations

import json
import tomllib

import pytest

from opengov.gateway.config import parse_sources
from opengov.gateway.connectors import CONNECTORS
from opengov.gateway.errors import HarvestError
from opengov.gateway.fetch import Fetcher
from opengov.gateway.validate import check
from opengov.modules import all_capabilities
from opengov.settings import load_settings
from opengov.upstream.session import cached_session
from tests.gateway.conftest import fixture_text

REGISTRY = all_capabilities().registry


@pytest.fixture
def read(tmp_path, upstream):
    """``read(toml) -> (records, fetcher)`` for the one source declared in ``toml``."""
    settings = load_settings({"instance_path": tmp_path, "http_backoff_ms": 10}, environ={})

    def run(text: str):
        source = next(iter(parse_sources(
            tomllib.loads(text.replace("{upstream}", upstream.url)), REGISTRY).values()))
        fetcher = Fetcher(cached_session(settings, namespace=source.id, retries=0), source)
        return list(CONNECTORS[source.connector](fetcher, source)), fetcher, source

    return run


CAMERA_FIELDS = 'id = "cam"\nname_vi = "name"\nkind = "kind"\nstatus = "status"'


def _source(connector: str, url: str, extra: str = "", fields: str = CAMERA_FIELDS) -> str:
    return (f'[[sources]]\nid = "s"\ncollection = "cameras"\nconnector = "{connector}"\n'
            f'url = "{{upstream}}{url}"\n{extra}\n[sources.fields]\n{fields}\n')


def _feature(i: int) -> dict:
    return {"type": "Feature", "id": f"f{i}",
            "geometry": {"type": "Point", "coordinates": [108.0 + i / 100, 16.0]},
            "properties": {"cam": f"c{i}", "name": f"Cam {i}", "kind": "traffic",
                           "status": "online"}}


def test_ogcapi_follows_next_links_until_the_last_page(read, upstream):
    def items(req):
        offset = int(req.query.get("offset", 0))
        body = {"type": "FeatureCollection",
                "features": [_feature(i) for i in range(offset, min(offset + 2, 5))],
                "links": [{"rel": "self", "type": "application/geo+json", "href": req.raw_path}]}
        if offset + 2 < 5:
            body["links"] += [
                {"rel": "next", "type": "text/html", "href": "/html-elsewhere"},
                {"rel": "next", "type": "application/geo+json",
                 "href": f"items?offset={offset + 2}&limit=2"}]
        return json.dumps(body)

    upstream.route("/ogc/collections/cams/items", items)
    records, fetcher, source = read(_source("ogcapi", "/ogc/collections/cams/items",
                                            "page_size = 2"))
    assert [r.properties["cam"] for r in records] == ["c0", "c1", "c2", "c3", "c4"]
    assert records[0].properties["$id"] == "f0" and records[0].geometry["type"] == "Point"
    assert [r.query.get("offset") for r in upstream.seen("/ogc/collections/cams/items")] == \
        [None, "2", "4"]
    assert upstream.seen("/ogc/collections/cams/items")[0].query["limit"] == "2"
    assert len(check(source, REGISTRY.get("cameras"), records).rows) == 5


def test_ogcapi_refuses_a_next_link_to_another_host(read, upstream):
    upstream.route("/items", json.dumps({"type": "FeatureCollection", "features": [],
                                         "links": [{"rel": "next",
                                                    "href": "http://169.254.169.254/latest"}]}))
    with pytest.raises(HarvestError, match="leaves 127.0.0.1"):
        read(_source("ogcapi", "/items"))


def test_ogcapi_paging_loop_is_stopped(read, upstream):
    upstream.route("/items", lambda req: json.dumps({
        "type": "FeatureCollection", "features": [_feature(1)],
        "links": [{"rel": "next", "href": "/items?p=2"}]}))
    with pytest.raises(HarvestError, match="loops"):
        read(_source("ogcapi", "/items"))


def test_ckan_datastore_pages_with_limit_and_offset(read, upstream):
    rows = [{"_id": i, "cam": f"k{i}", "name": f"Cam {i}", "kind": "flood", "status": "online",
             "lon": 108.1, "lat": 16.0 + i / 1000} for i in range(7)]

    def search(req):
        offset, limit = int(req.query["offset"]), int(req.query["limit"])
        assert req.query["resource_id"] == "res-1"
        return json.dumps({"success": True, "result": {"records": rows[offset:offset + limit],
                                                       "total": len(rows)}})

    upstream.route("/api/3/action/datastore_search", search)
    records, fetcher, source = read(_source(
        "ckan", "/api/3/action/datastore_search",
        'resource_id = "res-1"\npage_size = 3\n[sources.geometry]\nlon = "lon"\nlat = "lat"'))
    assert [r.properties["cam"] for r in records] == [f"k{i}" for i in range(7)]
    assert [r.query["offset"] for r in upstream.seen("/api/3/action/datastore_search")] == \
        ["0", "3", "6"]
    assert len(check(source, REGISTRY.get("cameras"), records).rows) == 7


def test_ckan_error_envelope_fails(read, upstream):
    upstream.route("/api/3/action/datastore_search", json.dumps(
        {"success": False, "error": {"__type": "Not Found Error", "message": "Not found"}}))
    with pytest.raises(HarvestError, match="CKAN error"):
        read(_source("ckan", "/api/3/action/datastore_search",
                     'resource_id = "x"\n[sources.geometry]\nlon = "lon"\nlat = "lat"'))


def test_open311_requests_with_page_extension(read, upstream):
    requests_ = [{"service_request_id": f"r{i}", "status": "open", "service_name": "Pothole",
                  "lat": 16.05, "long": 108.2 + i / 100} for i in range(5)]

    def page(req):
        n = int(req.query["page"])
        return json.dumps(requests_[(n - 1) * 2:n * 2])

    upstream.route("/open311/v2/requests.json", page)
    records, _, source = read(_source(
        "open311", "/open311/v2/requests.json", 'page_param = "page"\npage_size = 2',
        'id = "service_request_id"\nname_vi = "service_name"\nkind = { value = "traffic" }\n'
        'status = { from = "status", codes = { open = "online", closed = "offline" } }'))
    assert [r.properties["service_request_id"] for r in records] == [f"r{i}" for i in range(5)]
    assert [r.query["page"] for r in upstream.seen("/open311/v2/requests.json")] == \
        ["1", "2", "3"]
    rows = check(source, REGISTRY.get("cameras"), records).rows
    assert len(rows) == 5 and rows[0]["_minx"] == pytest.approx(108.2)  # lat/long by default


def test_open311_error_array_fails(read, upstream):
    upstream.route("/requests.json", json.dumps([{"code": 403, "description": "api_key"}]),
                   status=403)
    with pytest.raises(HarvestError, match="403"):
        read(_source("open311", "/requests.json"))


def test_csv_with_delimiter_and_lon_lat(read, upstream):
    upstream.route("/cams.csv", fixture_text("cameras.csv"), content_type="text/csv")
    records, _, source = read(_source(
        "csv", "/cams.csv", 'delimiter = ";"\n[sources.geometry]\nlon = "kinh_do"\nlat = "vi_do"',
        'id = "ma"\nname_vi = "ten"\nkind = { from = "loai", codes = { "1" = "traffic", '
        '"3" = "tourism" } }\nstatus = { from = "trang_thai", codes = { HD = "online", '
        'NG = "offline" } }\nrefresh_interval_s = { from = "chu_ky_phut", unit = "min" }'))
    checked = check(source, REGISTRY.get("cameras"), records)
    assert not checked.rejects
    assert [(r["id"], r["kind"], r["refresh_interval_s"]) for r in checked.rows] == [
        ("dn-101", "traffic", 60), ("dn-102", "tourism", 120), ("dn-103", "traffic", 60)]


def test_csv_row_with_extra_values_is_rejected_with_its_reason(read, upstream):
    upstream.route("/cams.csv", "ma,ten\nx1,A\nx2,B,extra\n", content_type="text/csv")
    records, _, source = read(_source(
        "csv", "/cams.csv", '[sources.geometry]\nwkt = "wkt"',
        'id = "ma"\nname_vi = "ten"\nkind = { value = "traffic" }\nstatus = { value = "online" }'
    ))
    checked = check(source, REGISTRY.get("cameras"), records)
    reasons = [r["reason"] for r in checked.rejects]
    assert "3 values for 2 columns" in reasons[1] and "geometry: missing" in reasons[0]


def test_json_records_at_a_path(read, upstream):
    upstream.route("/api/cams", json.dumps({"data": {"items": [
        {"cam": "j1", "name": "A", "kind": "traffic", "status": "online",
         "geom": {"type": "Point", "coordinates": [108.1, 16.1]}}]}}))
    records, _, source = read(_source("json", "/api/cams",
                                      'records_path = "data.items"\n'
                                      '[sources.geometry]\ngeojson = "geom"'))
    assert len(check(source, REGISTRY.get("cameras"), records).rows) == 1
    upstream.route("/api/cams", json.dumps({"data": {}}))
    with pytest.raises(HarvestError, match="no list of records at 'data.items'"):
        read(_source("json", "/api/cams", 'records_path = "data.items"\n'
                                          '[sources.geometry]\ngeojson = "geom"'))


def test_arcgis_query_url_and_parameters(read, upstream):
    upstream.route("/fs/0/query", json.dumps({"type": "FeatureCollection",
                                              "features": [_feature(1)]}))
    records, fetcher, _ = read(_source("arcgis", "/fs/0/", 'params = { where = "STATUS=1" }'))
    query = upstream.seen("/fs/0/query")[0].query
    assert (query["where"], query["outSR"], query["f"]) == ("STATUS=1", "4326", "geojson")
    assert len(records) == 1 and fetcher.responses[0].url.startswith(upstream.url + "/fs/0/query")
