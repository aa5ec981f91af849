"""Slow clients against ``opengov serve`` (the default gthread worker, 4 threads): sockets that
send their headers or bodies slowly, or never finish, hold no thread and end in 408."""

from __future__ import annotations

import time
from contextlib import ExitStack

import pytest
import requests

from tests.hostile.raw import answer, connect, problem, served

PARTIAL_HEAD = b"GET /health HTTP/1.1\r\nHost: x\r\n"  # no blank line: the head never ends
TIMEOUT_S = 3  # OPENGOV_CLIENT_TIMEOUT_S of the server under test


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with served(tmp_path_factory.mktemp("slow-clients"),
                OPENGOV_CLIENT_TIMEOUT_S=str(TIMEOUT_S)) as base:
        yield base


def _health_answers(server: str) -> bool:
    """/health answers 200, three times in a row, each within 5 s (instead of never)."""
    return all(requests.get(server + "/health", timeout=5).status_code == 200 for _ in range(3))


def test_200_sockets_sending_headers_slowly_do_not_stop_health(server):
    with ExitStack() as stack:
        sockets = [stack.enter_context(connect(server)) for _ in range(200)]
        for sock in sockets:
            sock.sendall(PARTIAL_HEAD)
        for sock in sockets:
            sock.sendall(b"X-Slow: 1\r\n")  # a little more, still no end
        assert _health_answers(server)


def test_kept_alive_connections_starting_a_slow_request_do_not_stop_health(server):
    with ExitStack() as stack:
        sockets = [stack.enter_context(connect(server)) for _ in range(50)]
        for sock in sockets:  # one whole request each, answered; the connection stays open
            sock.sendall(PARTIAL_HEAD + b"\r\n")
            assert answer(sock)[0] == 200
        for sock in sockets:
            sock.sendall(PARTIAL_HEAD)  # the next request starts and stalls
        assert _health_answers(server)


def test_a_head_that_never_ends_is_answered_408_and_closed(server):
    with connect(server) as sock:
        sock.sendall(PARTIAL_HEAD)
        status, content_type, body = answer(sock)
        assert status == 408
        assert "did not arrive" in problem(408, content_type, body)["detail"]
        assert sock.recv(1) == b""  # closed


def test_a_body_sent_too_slowly_is_answered_408_without_holding_threads(server):
    head = (b"POST /reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000\r\n\r\n")
    with ExitStack() as stack:
        sockets = [stack.enter_context(connect(server)) for _ in range(4)]  # one per thread
        for sock in sockets:
            sock.sendall(head + b'{"category": ')
        deadline = time.monotonic() + 4 * TIMEOUT_S
        while time.monotonic() < deadline:  # one byte a second: far below any useful pace
            for sock in sockets:
                try:
                    sock.sendall(b" ")
                except OSError:  # the server gave up on this one
                    pass
            time.sleep(1)
        for sock in sockets:
            status, content_type, body = answer(sock)
            assert "too slowly" in problem(status, content_type, body)["detail"]
            assert status == 408
    assert _health_answers(server)
