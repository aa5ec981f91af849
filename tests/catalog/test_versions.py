"""A reload makes a new version; earlier built versions stay downloadable until pruned."""

from __future__ import annotations

import hashlib

from opengov.loader import load_all
from tests.conftest import DATASETS


def _get(client, url):
    with client.get(url) as response:
        return response, response.get_data()


def test_versions_are_kept_fetched_and_pruned(empty_app):
    empty_app.config["CATALOG_KEEP_VERSIONS"] = 2
    store = empty_app.extensions["opengov"].store
    client = empty_app.test_client()
    load_all(store, DATASETS, profile="small", only=["cameras"])
    _, v1 = _get(client, "/datasets/cameras/download.csv")
    load_all(store, DATASETS, profile="full", only=["cameras"])  # more records: version 2
    response, v2 = _get(client, "/datasets/cameras/download.csv")
    assert "cameras-v2.csv" in response.headers["Content-Disposition"] and v2 != v1
    old, body = _get(client, "/datasets/cameras/download.csv?version=1")
    assert old.status_code == 200 and body == v1
    assert "cameras-v1.csv" in old.headers["Content-Disposition"]
    listed = client.get("/datasets/cameras/versions").get_json()["versions"]
    assert [(v["version"], v["current"]) for v in listed] == [(2, True), (1, False)]
    assert listed[1]["formats"][0]["sha256"] == hashlib.sha256(v1).hexdigest()
    load_all(store, DATASETS, profile="small", only=["cameras"])  # version 3
    _get(client, "/datasets/cameras/download.csv")
    gone, _ = _get(client, "/datasets/cameras/download.csv?version=1")
    assert gone.status_code == 404  # only the newest two are kept
    again, body = _get(client, "/datasets/cameras/download.csv?version=3")
    assert again.status_code == 200 and body == v1  # same rows, same bytes, new version
