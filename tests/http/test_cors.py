"""Browsers on other origins: what the CORS headers allow, by default and when restricted."""

from __future__ import annotations

import pytest

from tests.conftest import make_app, new_database_url

EXPOSED = {"etag", "link", "content-crs", "x-total-count", "retry-after", "last-modified"}


def _exposed(response) -> set[str]:
    return {h.strip().lower() for h in
            response.headers.get("Access-Control-Expose-Headers", "").split(",") if h.strip()}


def test_any_origin_reads_and_sees_the_paging_headers(client):
    for headers in ({"Origin": "https://map.example"}, {}):
        response = client.get("/cameras?limit=1", headers=headers)
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert EXPOSED <= _exposed(response)


def test_errors_carry_cors_headers_too(client):
    """A script must be able to read the problem details of a refused request."""
    response = client.get("/cameras?limit=0", headers={"Origin": "https://map.example"})
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    missing = client.get("/no-such-thing", headers={"Origin": "https://map.example"})
    assert missing.status_code == 404
    assert missing.headers["Access-Control-Allow-Origin"] == "*"


def test_preflight_for_a_report_submission(client):
    response = client.options("/reports", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, idempotency-key"})
    assert response.status_code == 200
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    allowed = {h.strip().lower() for h in
               response.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"content-type", "idempotency-key", "authorization", "if-match"} <= allowed
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    refused = client.options("/reports", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "DELETE"})
    assert "Access-Control-Allow-Methods" not in refused.headers


@pytest.fixture
def restricted(backend, postgres, tmp_path):
    app = make_app(new_database_url(backend, postgres, tmp_path), tmp_path,
                   cors_origins="https://map.example, https://app.example/")
    yield app.test_client()
    app.extensions["opengov"].store.engine.dispose()


def test_restricted_origins_are_echoed_and_others_get_nothing(restricted):
    ok = restricted.get("/health", headers={"Origin": "https://app.example"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "Origin" in ok.headers["Vary"]
    assert EXPOSED <= _exposed(ok)
    other = restricted.get("/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "Origin" in other.headers["Vary"]  # a cache must not reuse it for another origin
    assert "Access-Control-Allow-Origin" not in restricted.get("/health").headers
