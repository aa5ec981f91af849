"""Credentials come from environment variables and never appear in logs, errors, /sources,
the command's output or the HTTP cache."""

from __future__ import annotations

import logging
import socket

from click.testing import CliRunner

from opengov.cli import main
from tests.gateway.conftest import fixture_text

HEADER_SECRET = "hdr-7f3a9c1e2b4d6f80"
QUERY_SECRET = "qry-0a1b2c3d4e5f6a7b"

SOURCES = """
[[sources]]
id = "dn-cameras"
collection = "cameras"
connector = "geojson"
url = "{upstream}/cameras.geojson?district=hai-chau"
retries = 0
[sources.auth]
env = "DN_CAMERA_TOKEN"
header = "Authorization"
prefix = "Bearer "
[sources.fields]
id = "MA_CAM"
name_vi = "TEN"
kind = { value = "traffic" }
status = { value = "online" }

[[sources]]
id = "dn-centres"
collection = "service-centres"
connector = "json"
url = "{upstream}/centres.json"
retries = 0
[sources.auth]
env = "DN_CENTRES_KEY"
query = "api_token"
[sources.fields]
id = "code"
name_vi = "name"
level = { value = "commune" }
[sources.geometry]
lon = "lng"
lat = "lat"

[[sources]]
id = "dn-stations"
collection = "monitoring-stations"
connector = "csv"
url = "http://127.0.0.1:{dead}/stations.csv"
retries = 0
[sources.auth]
env = "DN_CENTRES_KEY"
query = "api_token"
[sources.fields]
id = "code"
[sources.geometry]
lon = "lng"
lat = "lat"
"""


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _body(response) -> str:
    return response.get_data(as_text=True)


def test_credentials_are_sent_but_never_shown(cameras, monkeypatch, caplog):
    monkeypatch.setenv("DN_CAMERA_TOKEN", HEADER_SECRET)
    monkeypatch.setenv("DN_CENTRES_KEY", QUERY_SECRET)
    up = cameras.upstream
    up.route("/centres.json", '[{"code": "sc-1", "name": "Trung tâm 1", "lng": 108.2, '
                              '"lat": 16.0}]')
    cameras.write_sources(SOURCES, dead=_closed_port())
    caplog.set_level(logging.DEBUG)
    reports = cameras.harvest("dn-cameras", "dn-centres")
    assert [r.status for r in reports] == ["ok", "ok"]
    assert up.seen("/cameras.geojson")[0].header("Authorization") == f"Bearer {HEADER_SECRET}"
    assert up.seen("/centres.json")[0].query["api_token"] == QUERY_SECRET

    up.fail("/cameras.geojson", 401, headers={"WWW-Authenticate": "Bearer"})
    up.fail("/centres.json", 0)  # the connection drops: requests quotes the URL in its error
    failed = cameras.harvest()
    assert [r.status for r in failed] == ["failed", "failed", "failed"]
    assert "401" in failed[0].error and "api_token=" in failed[1].error
    assert "Max retries exceeded with url: /stations.csv?api_token=" in failed[2].error

    assert "api_token=[redacted]" in caplog.text  # urllib3 logged the URL, masked
    shown = [r.error for r in failed] + [caplog.text]
    for path in ("/sources", "/sources/dn-cameras", "/sources/dn-centres", "/health",
                 "/datasets/service-centres", "/datasets/cameras"):
        shown.append(_body(cameras.client.get(path)))
    runner = CliRunner()
    result = runner.invoke(main, ["--database-url", cameras.settings.database_url, "harvest"],
                           env={"OPENGOV_SOURCES_FILE": str(cameras.sources_file),
                                "OPENGOV_INSTANCE_PATH": str(cameras.settings.instance_path),
                                "OPENGOV_HTTP_BACKOFF_MS": "10"})
    assert result.exit_code == 1
    shown.append(result.output)
    cache = cameras.settings.instance_path / "http-cache"
    shown.extend(p.read_bytes().decode("latin-1") for p in cache.iterdir())
    for text in shown:
        assert HEADER_SECRET not in text and QUERY_SECRET not in text
    assert "DN_CAMERA_TOKEN" not in _body(cameras.client.get("/sources"))  # nor where it lives


def test_missing_credential_fails_the_source_with_a_clear_reason(cameras, monkeypatch):
    monkeypatch.delenv("DN_CAMERA_TOKEN", raising=False)
    cameras.write_sources(SOURCES.split("[[sources]]")[0] + "[[sources]]" +
                          SOURCES.split("[[sources]]")[1])
    report = cameras.harvest_one()
    assert report.status == "failed" and "DN_CAMERA_TOKEN" in report.error
    assert cameras.upstream.count("/cameras.geojson") == 0


def test_a_credential_in_the_sources_file_is_refused(cameras):
    text = fixture_text("sources.toml") + '\n[sources.auth]\nenv = "X"\nheader = "A"\n' \
                                          'token = "hunter2"\n'
    cameras.write_sources(text)
    response = cameras.client.get("/sources")
    assert response.status_code == 503 and "hunter2" not in _body(response)
