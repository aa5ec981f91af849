"""The access log of a real ``opengov serve`` with default settings: one JSON line per request on
standard error, next to the error lines, each carrying the request's id (also a request that
gunicorn's parser refuses)."""

from __future__ import annotations

import http.client
import json
import re
import time

import pytest
import requests

from opengov.store.migrate import upgrade
from tests.conftest import DATASETS, make_app
from tests.hostile.raw import connect
from tests.serving import serving

pytestmark = pytest.mark.slow
APP_LINE = re.compile(r"\[([A-Za-z0-9._:-]+)\]: (.*)$")


def _json_lines(text: str) -> dict[str, dict]:
    """The JSON lines written so far; a line still being written (no newline yet) waits."""
    complete = text.split("\n")[:-1]
    return {e["request_id"]: e for e in
            (json.loads(line) for line in complete if line.startswith("{"))}


def test_every_request_is_one_json_line_sharing_its_id_with_the_error_lines(tmp_path):
    url = f"sqlite:///{tmp_path / 'opengov.sqlite3'}"
    app = make_app(url, tmp_path)
    upgrade(app.extensions["opengov"].store.engine)
    app.extensions["opengov"].store.engine.dispose()
    env = {"OPENGOV_INSTANCE_PATH": str(tmp_path), "OPENGOV_DATABASE_URL": url,
           "OPENGOV_DATASETS_PATH": str(DATASETS), "OPENGOV_SAMPLE_PROFILE": "small",
           "OPENGOV_ACCESS_LOG": None, "OPENGOV_TRUSTED_PROXIES": None}
    log = tmp_path / "server.log"
    with serving(env, log, workers=2) as base:
        ok = requests.get(base + "/health/live?probe=12345", timeout=30)
        bad = requests.get(base + "/ogc/collections/cameras/items?limit=-1", timeout=30)
        missing = requests.get(base + "/reports/none-such", timeout=30)
        with connect(base) as sock:  # refused by gunicorn's parser, before the application
            sock.sendall(f"GET /procedures?q={'a' * 9000} HTTP/1.1\r\nHost: x\r\n"
                         "Connection: close\r\n\r\n".encode())
            refusal = http.client.HTTPResponse(sock)
            refusal.begin()
            refusal.read()
        wanted = [r.headers["X-Request-Id"] for r in (ok, bad, missing)]
        deadline = time.monotonic() + 15  # a line is written once the response is closed
        while not all(i in _json_lines(log.read_text()) for i in wanted):
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.05)
    text = log.read_text()
    lines = _json_lines(text)
    first = lines[ok.headers["X-Request-Id"]]
    assert first["method"] == "GET" and first["path"] == "/health/live"
    assert first["query_length"] == len("probe=12345") and "12345" not in json.dumps(first)
    assert first["status"] == 200 and first["bytes"] == len(ok.content)
    assert first["client"] == "127.0.0.1" and first["key_id"] is None
    assert first["duration_ms"] >= 0 and first["time"].endswith("+00:00")
    assert lines[bad.headers["X-Request-Id"]]["status"] == bad.status_code == 400
    assert lines[missing.headers["X-Request-Id"]]["status"] == 404
    # The error line the application logs for the 400 carries the same id.
    error_ids = [m[1] for m in map(APP_LINE.search, text.splitlines()) if m]
    assert bad.headers["X-Request-Id"] in error_ids
    # A request gunicorn itself refuses still gets an id, answered and on its log line.
    refused_id = refusal.getheader("X-Request-Id")
    assert refusal.status == 414 and refused_id
    assert any("Invalid request" in line and f"[{refused_id}]" in line
               for line in text.splitlines())
