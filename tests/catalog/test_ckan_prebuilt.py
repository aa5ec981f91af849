"""CKAN sizes and hashes: known before any download once ``opengov load`` built the files, and
reported as unknown (never built inside the request) when they are not built yet."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from opengov.cli import main
from opengov.loader import load_all
from tests.conftest import DATASETS, make_app, new_database_url

LOADED = ("service-centres", "cameras")


def _result(client, action: str, **args):
    response = client.post(f"/api/action/{action}", json=args)
    body = response.get_json()
    assert response.status_code == 200 and body["success"] is True, body
    return body["result"]


def _load(url: str, *args: str) -> str:
    only = [a for dataset in LOADED for a in ("--only", dataset)]
    result = CliRunner().invoke(main, ["--database-url", url, "load", *only, *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.stdout


@pytest.fixture
def cli_env(backend, postgres, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENGOV_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("OPENGOV_DATASETS_PATH", str(DATASETS))
    monkeypatch.setenv("OPENGOV_SAMPLE_PROFILE", "small")
    return new_database_url(backend, postgres, tmp_path)


def test_load_builds_the_files_so_sizes_and_hashes_match_the_downloads(cli_env, tmp_path):
    assert "distribution files built: 0" not in _load(cli_env)
    assert "distribution files built: 0" in _load(cli_env)  # once per version
    app = make_app(cli_env, tmp_path)
    client = app.test_client()
    try:
        package = _result(client, "package_show", id="service-centres")
        assert package["resources"]
        for resource in package["resources"]:  # before any download
            assert resource["size"] > 0 and resource["hash"].startswith("sha256:"), resource
            with client.get(urlsplit(resource["url"]).path) as download:
                body = download.data
            assert resource["hash"] == "sha256:" + hashlib.sha256(body).hexdigest()
            assert resource["size"] == len(body)
        shown = _result(client, "resource_show", id="cameras.csv")
        assert shown["size"] > 0 and shown["hash"].startswith("sha256:")
        found = _result(client, "package_search", q="*:*", rows=100)
        assert {p["name"] for p in found["results"]} >= set(LOADED)
        assert all(r["size"] is not None and r["hash"].startswith("sha256:")
                   for p in found["results"] if p["name"] in LOADED for r in p["resources"])
    finally:
        app.extensions["opengov"].store.engine.dispose()


def test_load_without_build_leaves_sizes_unknown(cli_env, tmp_path):
    assert "distribution files built" not in _load(cli_env, "--no-build")
    assert not (tmp_path / "distributions").exists()


def test_unbuilt_files_are_reported_unknown_and_not_built_by_a_read(empty_app):
    store = empty_app.extensions["opengov"].store
    load_all(store, DATASETS, profile="small", only=LOADED)
    folder = empty_app.extensions["opengov"].settings.instance_path / "distributions"
    client = empty_app.test_client()
    found = _result(client, "package_search", q="*:*", rows=100)
    package = _result(client, "package_show", id="service-centres")
    resource = _result(client, "resource_show", id="cameras.csv")
    listed = client.get("/datasets/cameras").get_json()
    assert client.get("/catalog.jsonld").status_code == 200
    resources = [r for p in found["results"] for r in p["resources"]]
    for r in [*resources, *package["resources"], resource]:
        assert r["size"] is None and r["hash"] == "", r
    assert all(d["byte_size"] is None and d["sha256"] is None
               for d in listed["distributions"])
    assert not folder.exists() or not any(folder.rglob("*"))
