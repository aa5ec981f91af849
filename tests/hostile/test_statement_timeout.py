"""No request read runs longer than ``OPENGOV_STATEMENT_TIMEOUT_MS`` (issue 14).

A genuinely slow statement runs through the app's own store from a route added to a test app:
on SQLite a recursive count the progress handler must interrupt, on PostgreSQL ``pg_sleep``
the server must cancel. Writes and reads outside requests (loads, commands) are never cut.
"""

from __future__ import annotations

import logging
import time

import pytest
from flask import jsonify
from sqlalchemy import text

from opengov.store.engine import write_transaction
from tests.conftest import make_app

LIMIT_MS = 100
MARKER = "reporter-7f3a@example.org"  # a bound value that must never reach a log line

# Far longer than the limit: ~30 s on SQLite here, 20 s on PostgreSQL (the old code waited).
SLOW = {
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < "
              "20000000) SELECT count(*) FROM c WHERE :marker IS NOT NULL",
    "postgresql": "SELECT count(*) FROM pg_sleep(20) WHERE CAST(:marker AS text) IS NOT NULL",
}
# Several times the limit, short enough to wait for (~1 s here).
LONGER = {
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < "
              "600000) SELECT count(*) FROM c WHERE :marker IS NOT NULL",
    "postgresql": "SELECT count(*) FROM pg_sleep(1) WHERE CAST(:marker AS text) IS NOT NULL",
}


@pytest.fixture
def slow_app(loaded_app, backend, tmp_path):
    """An app on the loaded database with a 100 ms limit and test-only slow routes."""
    url = loaded_app.extensions["opengov"].store.engine.url.render_as_string(
        hide_password=False)
    app = make_app(url, tmp_path, statement_timeout_ms=LIMIT_MS)
    store = app.extensions["opengov"].store

    @app.get("/_test/slow-read")
    def slow_read():
        with store.reading() as conn:
            n = conn.execute(text(SLOW[backend]), {"marker": MARKER}).scalar_one()
        return jsonify(n=n)

    @app.post("/_test/slow-write")
    def slow_write():
        with write_transaction(store.engine) as conn:
            n = conn.execute(text(LONGER[backend]), {"marker": MARKER}).scalar_one()
        return jsonify(n=n)

    yield app
    store.engine.dispose()


def test_a_slow_request_read_is_cut_and_answered_503(slow_app, caplog):
    client = slow_app.test_client()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        response = client.get("/_test/slow-read")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    body = response.get_json()
    assert body["type"].endswith("statement-timeout") and f"{LIMIT_MS} ms" in body["detail"]
    assert elapsed < 10, f"the statement ran {elapsed:.1f} s: it was not cut"
    lines = [r.getMessage() for r in caplog.records if "statement-timeout" in r.getMessage()]
    assert len(lines) == 1 and "/_test/slow-read" in lines[0] and "\n" not in lines[0]
    assert MARKER not in caplog.text and "WITH RECURSIVE" not in caplog.text
    assert "pg_sleep" not in caplog.text


def test_the_thread_serves_the_next_request_after_a_cut(slow_app):
    client = slow_app.test_client()
    assert client.get("/_test/slow-read").status_code == 503
    response = client.get("/procedures?limit=2&q=dang+ky")
    assert response.status_code == 200 and len(response.get_json()["items"]) == 2


def test_writes_in_a_request_are_never_cut(slow_app):
    response = slow_app.test_client().post("/_test/slow-write")
    assert response.status_code == 200 and response.get_json()["n"] >= 1


def test_reads_outside_requests_are_never_cut(slow_app, backend):
    """Loads and commands read through the same store without a request: no limit."""
    store = slow_app.extensions["opengov"].store
    with store.reading() as conn:
        assert conn.execute(text(LONGER[backend]), {"marker": MARKER}).scalar_one() >= 1


def test_a_zero_timeout_disables_the_limit(loaded_app, backend, tmp_path):
    url = loaded_app.extensions["opengov"].store.engine.url.render_as_string(
        hide_password=False)
    app = make_app(url, tmp_path, statement_timeout_ms=0)
    store = app.extensions["opengov"].store

    @app.get("/_test/longer-read")
    def longer_read():
        with store.reading() as conn:
            return jsonify(n=conn.execute(text(LONGER[backend]), {"marker": MARKER}).scalar())

    try:
        assert app.test_client().get("/_test/longer-read").status_code == 200
    finally:
        store.engine.dispose()
