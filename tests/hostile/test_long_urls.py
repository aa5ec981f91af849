"""Long URLs: served up to the documented request-line limit (8190 bytes), 414 problem above it,
from either worker class (gunicorn's own refusal used to be an HTML page at 4094 bytes)."""

from __future__ import annotations

import pytest

from tests.hostile.raw import exchange, problem, served


@pytest.fixture(scope="module", params=["gthread", "sync"])
def server(request, tmp_path_factory):
    with served(tmp_path_factory.mktemp(f"long-urls-{request.param}"), request.param) as base:
        yield base


def _get(server: str, target: str) -> tuple[int, str, bytes]:
    return exchange(server, f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .encode())


def test_a_6_kb_url_is_served(server):
    status, _, _ = _get(server, "/health?pad=" + "a" * 6000)
    assert status == 200


def test_a_url_over_the_limit_is_a_414_problem(server):
    status, content_type, body = _get(server, "/procedures?q=" + "a" * 9000)
    assert status == 414
    assert "8190 bytes" in problem(414, content_type, body)["detail"]


def test_other_refusals_of_the_http_parser_are_problems_too(server):
    status, content_type, body = exchange(server, b"GET /health HTTP/1.1\r\nHost: x\r\n"
                                          + b"X-Big: " + b"b" * 9000 + b"\r\n\r\n")
    assert status in (400, 431)
    problem(status, content_type, body)
