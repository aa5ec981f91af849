"""The catalogue is a view over the registry: every collection is a dataset, searchable."""

from __future__ import annotations

import pytest

LIVE_TABLES = ["monitoring-readings"]


def test_every_registered_collection_is_a_dataset(client, loaded_app):
    registry = loaded_app.extensions["opengov"].registry
    body = client.get("/datasets?limit=1000").get_json()
    # the registry's collections, then the live tables (the monitoring readings)
    assert [d["id"] for d in body["datasets"]] == [c.id for c in registry] + LIVE_TABLES
    assert body["numberMatched"] == len(registry) + 1 == body["numberReturned"]


def test_dataset_record_has_metadata_fields_and_distributions(client, loaded_app):
    collection = loaded_app.extensions["opengov"].registry.get("cameras")
    ds = client.get("/datasets/cameras").get_json()
    assert ds["title"]["vi"] and ds["title"]["en"] and ds["description"]["en"]
    assert ds["publisher"]["name"] == "opengov sample data" and ds["synthetic"] is True
    assert ds["license"]["id"] and ds["contact_point"]["email"]
    assert ds["spatial"]["bbox"] and ds["temporal"]["start"] and ds["themes"]
    assert ds["record_count"] > 0 and ds["version"] >= 1 and ds["modified"].endswith("Z")
    assert [f["name"] for f in ds["fields"]] == [f.name for f in collection.fields]
    unit = next(f for f in ds["fields"] if f["name"] == "refresh_interval_s")
    assert unit["unit"] == "s" and unit["description"]["vi"]
    formats = {d["format"] for d in ds["distributions"]}
    assert {"csv", "geojson", "ndjson", "gpkg", "parquet", "fgb", "shp.zip", "xlsx"} == formats
    procedures = client.get("/datasets/procedures").get_json()
    assert {d["format"] for d in procedures["distributions"]} == {
        "csv", "ndjson", "parquet", "xlsx", "datapackage.zip"}
    polygons = client.get("/datasets/admin-units").get_json()
    assert "xlsx" not in {d["format"] for d in polygons["distributions"]}


@pytest.mark.parametrize("q, expected", [
    ("camera giao thong", {"cameras"}),
    ("CAMERA GIAO THÔNG", {"cameras"}),
    ("thủ tục hành chính", {"procedures", "dossier-statistics"}),  # its statistics too
    ("THU TUC HANH CHINH theo thang", {"dossier-statistics"}),
])
def test_search_folds_vietnamese(client, q, expected):
    body = client.get("/datasets", query_string={"q": q}).get_json()
    assert {d["id"] for d in body["datasets"]} == expected


def test_filters_by_theme_keyword_and_publisher(client):
    def ids(**args):
        return {d["id"] for d in client.get("/datasets", query_string=args).get_json()["datasets"]}

    assert "cameras" in ids(theme="tran") and "procedures" not in ids(theme="TRAN")
    assert ids(keyword="giao thong") >= {"cameras"}
    assert ids(publisher="opengov sample") >= {"cameras", "procedures"}
    assert ids(publisher="someone else") == set()


def test_paging_links(client):
    first = client.get("/datasets?limit=2").get_json()
    assert first["numberReturned"] == 2
    following = next(lk["href"] for lk in first["links"] if lk["rel"] == "next")
    second = client.get(following.replace("http://localhost", "")).get_json()
    assert {d["id"] for d in second["datasets"]}.isdisjoint(d["id"] for d in first["datasets"])


def test_versions_list_what_is_kept(client):
    client.get("/datasets/cameras/download.csv").close()
    body = client.get("/datasets/cameras/versions").get_json()
    current = [v for v in body["versions"] if v["current"]]
    assert len(current) == 1 and "csv" in {f["format"] for f in current[0]["formats"]}
    assert body["keep"] >= 1


@pytest.mark.parametrize("url, status", [
    ("/datasets/nope", 404), ("/datasets?limit=0", 400), ("/datasets?color=red", 400),
    ("/datasets/nope/versions", 404), ("/datasets/nope/datapackage.json", 404),
])
def test_errors_are_problems(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
