"""CKAN's datastore_search, tag/organization/group lists and unsupported actions: through the
real ``ckanapi`` client over HTTP, and on both backends through the test client."""

from __future__ import annotations

import csv
import io
import json
import tomllib

import ckanapi
import pytest
import requests

from opengov.gateway.config import parse_sources
from opengov.gateway.connectors import CONNECTORS
from opengov.gateway.fetch import Fetcher
from opengov.gateway.validate import check
from opengov.modules import all_capabilities
from opengov.settings import load_settings
from opengov.upstream.session import cached_session

PREFIXES = ["/api/3/action", "/api/action"]


def _result(client, action: str, **args):
    """POST ``args`` as JSON (as ckanapi does) and return the envelope's result."""
    response = client.post(f"/api/action/{action}", json=args)
    body = response.get_json()
    assert response.status_code == 200 and body["success"] is True, body
    return body["result"]


def test_ckanapi_reads_the_datastore_and_the_lists(live_server):
    ckan = ckanapi.RemoteCKAN(live_server, user_agent="opengov-tests")
    page = ckan.action.datastore_search(resource_id="procedures.csv", limit=5,
                                        filters={"level": "commune"}, sort="id desc")
    assert len(page["records"]) == 5 and page["total"] > 5
    # the keys of CKAN 2.10's datastore_search result
    assert {"resource_id", "fields", "records", "records_format", "limit", "_links", "total",
            "total_was_estimated", "include_total", "filters", "sort"} <= set(page)
    assert all(r["level"] == "commune" for r in page["records"])
    ids = [r["id"] for r in page["records"]]
    assert ids == sorted(ids, reverse=True) and all(isinstance(i, str) for i in ids)
    assert [(f["id"], f["type"]) for f in page["fields"]][:1] == [("id", "text")]
    assert all(f["info"]["notes"] for f in page["fields"])  # CKAN's data dictionary
    following = ckan.action.datastore_search(resource_id="procedures.csv", limit=5, offset=5,
                                             filters={"level": "commune"}, sort="id desc")
    assert not set(ids) & {r["id"] for r in following["records"]}
    assert "offset=5" in page["_links"]["next"]
    tags = ckan.action.tag_list()
    assert "traffic" in tags and tags == sorted(tags)
    assert ckan.action.organization_list() == ["opengov-sample-data"]
    groups = ckan.action.group_list(all_fields=True)
    transport = next(g for g in groups if g["name"] == "TRAN")
    assert transport["title"] == "Transport" and transport["package_count"] >= 1
    with pytest.raises(ckanapi.NotFound):
        ckan.action.datastore_search(resource_id="no-such-dataset.csv")
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.datastore_search(resource_id="cameras.csv", filters={"secret": 1})
    with pytest.raises(ckanapi.CKANAPIError) as raised:
        ckan.action.package_create(name="x")
    assert "Action name not known: package_create" in str(raised.value)


def test_filters_q_fields_and_records_formats_agree(client):
    everything = _result(client, "datastore_search", resource_id="cameras", limit=1000)
    assert everything["total"] == len(everything["records"]) > 0
    columns = [f["id"] for f in everything["fields"]]
    assert columns[:1] == ["id"] and {"lon", "lat"} <= set(columns)
    first = everything["records"][0]
    lists = _result(client, "datastore_search", resource_id="cameras.csv", limit=1,
                    records_format="lists")
    assert lists["records"] == [[first[c] for c in columns]]
    text = _result(client, "datastore_search", resource_id="cameras.csv", limit=2,
                   records_format="csv", fields=["id", "lat"])
    rows = list(csv.reader(io.StringIO(text["records"])))
    assert [r[0] for r in rows] == [r["id"] for r in everything["records"][:2]]
    tsv = _result(client, "datastore_search", resource_id="cameras.csv", limit=2,
                  records_format="tsv", fields=["id", "lat"])
    assert tsv["records"].splitlines()[0].split("\t")[0] == rows[0][0]
    assert [f["id"] for f in text["fields"]] == ["id", "lat"]
    kinds = sorted({r["kind"] for r in everything["records"] if r.get("kind")})
    some = _result(client, "datastore_search", resource_id="cameras.csv",
                   filters={"kind": kinds[:1]}, include_total=False)
    assert "total" not in some and {r["kind"] for r in some["records"]} == set(kinds[:1])


@pytest.mark.parametrize("prefix", PREFIXES)
def test_full_text_folds_vietnamese_and_get_takes_json_filters(client, prefix):
    body = client.get(f"{prefix}/datastore_search?resource_id=procedures.csv"
                      "&q=ho+tich&limit=1000").get_json()
    found = body["result"]
    assert body["success"] and found["total"] == len(found["records"]) >= 1
    accented = _result(client, "datastore_search", resource_id="procedures.csv",
                       q="Hộ TỊCH", limit=1000)
    native = client.get("/procedures?q=ho+tich&limit=1000&f=json").get_json()
    native_ids = {item["code"] for item in native["items"]}
    assert {r["id"] for r in found["records"]} == {r["id"] for r in accented["records"]} \
        == native_ids
    filtered = client.get(f"{prefix}/datastore_search", query_string={
        "resource_id": "procedures.csv", "filters": json.dumps({"level": "province"}),
        "fields": "id,level", "limit": 3}).get_json()["result"]
    assert [set(r) for r in filtered["records"]] == [{"id", "level"}] * 3
    assert {r["level"] for r in filtered["records"]} == {"province"}


@pytest.mark.parametrize("args, field", [
    ({"resource_id": "cameras.csv", "filters": {"nope": 1}}, "filters"),
    ({"resource_id": "cameras.csv", "filters": {"kind": {"a": 1}}}, "filters"),
    ({"resource_id": "cameras.csv", "sort": "nope desc"}, "sort"),
    ({"resource_id": "cameras.csv", "sort": "id sideways"}, "sort"),
    ({"resource_id": "cameras.csv", "fields": ["id", "nope"]}, "fields"),
    ({"resource_id": "cameras.csv", "filters": "[1]"}, "filters"),
    ({"resource_id": "cameras.csv", "records_format": "xml"}, "records_format"),
    ({}, "resource_id"),
])
def test_bad_datastore_arguments_are_validation_errors(client, args, field):
    response = client.post("/api/3/action/datastore_search", json=args)
    body = response.get_json()
    assert response.status_code == 409 and body["success"] is False
    assert body["error"]["__type"] == "Validation Error" and field in body["error"]


def test_a_live_table_and_other_resources_are_not_in_the_datastore(client):
    for resource_id in ("monitoring-readings", "cameras.gpkg"):
        body = client.get(f"/api/3/action/datastore_search?resource_id={resource_id}")
        assert body.status_code == 404
        assert body.get_json()["error"]["__type"] == "Not Found Error"


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unsupported_actions_answer_in_ckans_format(client, prefix, method):
    response = client.open(f"{prefix}/datastore_upsert", method=method, json={})
    assert response.status_code == 400 and response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"help", "success", "error"} and body["success"] is False
    assert body["error"]["__type"] == "Bad Request"
    assert body["error"]["message"].startswith("Bad request - Action name not known: "
                                               "datastore_upsert")
    assert "datastore_search" in body["error"]["message"]


def test_lists_take_ckans_arguments(client):
    names = _result(client, "group_list")
    assert names == sorted(names) and "TRAN" in names
    by_count = _result(client, "group_list", all_fields=True, sort="package_count desc")
    counts = [g["package_count"] for g in by_count]
    assert counts == sorted(counts, reverse=True)
    assert _result(client, "group_list", limit=1, offset=1) == names[1:2]
    assert _result(client, "group_list", groups=["TRAN"]) == ["TRAN"]
    orgs = _result(client, "organization_list", all_fields=True)
    assert orgs[0]["is_organization"] is True and orgs[0]["type"] == "organization"
    assert _result(client, "tag_list", query="TRAFF") == ["traffic"]
    tags = _result(client, "tag_list", all_fields=True)
    assert {"id", "name", "vocabulary_id"} <= set(tags[0])
    bad = client.post("/api/action/group_list", json={"sort": "colour"})
    assert bad.status_code == 409
    by_get = client.get("/api/3/action/group_list?all_fields=true&sort=title+desc").get_json()
    titles = [g["title"] for g in by_get["result"]]
    assert titles == sorted(titles, reverse=True) and "Transport" in titles


def test_our_own_ckan_harvester_reads_our_datastore(live_server, tmp_path):
    """The gateway's CKAN connector (written to CKAN's documented datastore_search) harvests
    the cameras back from us, page by page, into records the cameras collection accepts."""
    registry = all_capabilities().registry
    settings = load_settings({"instance_path": tmp_path, "http_backoff_ms": 10}, environ={})
    text = ('[[sources]]\nid = "own"\ncollection = "cameras"\nconnector = "ckan"\n'
            f'url = "{live_server}/api/3/action/datastore_search"\n'
            'resource_id = "cameras.csv"\npage_size = 20\n'
            '[sources.geometry]\nlon = "lon"\nlat = "lat"\n'
            '[sources.fields]\nid = "id"\nname_vi = "name_vi"\nkind = "kind"\n'
            'status = "status"\n')
    source = next(iter(parse_sources(tomllib.loads(text), registry).values()))
    fetcher = Fetcher(cached_session(settings, namespace=source.id, retries=0), source)
    records = list(CONNECTORS["ckan"](fetcher, source))
    expected = requests.post(f"{live_server}/api/action/datastore_search", timeout=30, json={
        "resource_id": "cameras.csv", "fields": ["id"], "limit": 1000}).json()["result"]
    assert sorted(r.properties["id"] for r in records) == \
        sorted(r["id"] for r in expected["records"])
    assert len(records) == expected["total"] > 20  # more than one page
    assert len(check(source, registry.get("cameras"), records).rows) == len(records)


def test_csv_records_write_lists_as_json_like_the_download(client):
    objects = _result(client, "datastore_search", resource_id="procedures.csv", limit=3,
                      fields=["id", "target_groups", "postal"])
    text = _result(client, "datastore_search", resource_id="procedures.csv", limit=3,
                   fields=["id", "target_groups", "postal"], records_format="csv")
    rows = list(csv.reader(io.StringIO(text["records"])))
    for record, row in zip(objects["records"], rows, strict=True):
        assert json.loads(row[1]) == record["target_groups"]
        assert row[2] == {True: "true", False: "false", None: ""}[record["postal"]]
    assert {"id": "target_groups", "type": "json"}.items() <= objects["fields"][1].items()
