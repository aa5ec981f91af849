"""The CKAN-compatible API: the real ``ckanapi`` client over HTTP, and both URL prefixes."""

from __future__ import annotations

import ckanapi
import pytest
import requests

PREFIXES = ["/api/3/action", "/api/action"]


def test_ckanapi_lists_shows_and_searches(live_server):
    ckan = ckanapi.RemoteCKAN(live_server, user_agent="opengov-tests")
    names = ckan.action.package_list()
    assert {"cameras", "procedures", "service-centres", "admin-units"} <= set(names)
    package = ckan.action.package_show(id="cameras")
    assert package["name"] == "cameras" and package["resources"]
    assert {"key": "synthetic", "value": "true"} in package["extras"]
    found = ckan.action.package_search(q="camera giao thong", rows=5)
    assert [p["name"] for p in found["results"]] == ["cameras"] and found["count"] == 1
    everything = ckan.action.package_search(q="*:*", rows=2, start=0)
    assert everything["count"] == len(names) and len(everything["results"]) == 2
    resource = ckan.action.resource_show(id="cameras.csv")
    assert resource["package_id"] == "cameras" and resource["url"].endswith("download.csv")
    assert ckan.action.status_show()["ckan_version"].startswith("2.")
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="no-such-dataset")


def test_resource_hash_matches_the_file_after_build(live_server):
    ckan = ckanapi.RemoteCKAN(live_server, user_agent="opengov-tests")
    body = requests.get(live_server + "/datasets/cameras/download.gpkg", timeout=30).content
    resource = ckan.action.resource_show(id="cameras.gpkg")
    import hashlib

    assert resource["hash"] == "sha256:" + hashlib.sha256(body).hexdigest()
    assert resource["size"] == len(body)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_envelope_and_fq_on_both_prefixes(client, prefix):
    body = client.get(f"{prefix}/package_search?fq=groups:TRAN&rows=100").get_json()
    assert body["success"] is True and body["help"].endswith("/package_search")
    names = [p["name"] for p in body["result"]["results"]]
    assert "cameras" in names and "procedures" not in names
    tagged = client.post(f"{prefix}/package_search", json={"fq": 'tags:"traffic"'}).get_json()
    assert [p["name"] for p in tagged["result"]["results"]] == ["cameras"]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("path, status, kind", [
    ("/package_show?id=nope", 404, "Not Found Error"),
    ("/package_show", 400, "Validation Error"),
    ("/package_search?rows=-1", 400, "Validation Error"),
    ("/package_search?fq=secret:1", 409, "Validation Error"),
    ("/resource_show?id=cameras.exe", 404, "Not Found Error"),
    ("/no_such_action", 400, "Bad Request"),
])
def test_errors_use_the_ckan_envelope(client, prefix, path, status, kind):
    response = client.get(prefix + path)
    assert response.status_code == status
    body = response.get_json()
    assert body["success"] is False and body["error"]["__type"] == kind
    assert body["error"]["message"]


def test_post_with_a_non_object_body_is_a_ckan_error(client):
    response = client.post("/api/action/package_show", data="[1",
                           content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["__type"] == "Validation Error"
