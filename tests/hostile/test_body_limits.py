"""Request bodies: one cap for every route (OPENGOV_MAX_BODY_BYTES), larger only where a route
needs it, checked before the body is read, and for chunked bodies as they arrive: 413 in the
route's error family (problem+json, CKAN's envelope, Open311's error array)."""

from __future__ import annotations

import json

import pytest

from tests.hostile.raw import answer, connect, exchange, problem, served

GLOBAL_CAP = 64 * 1024
ROUTE_CAP = 1024 * 1024  # reports and readings ingest in this server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with served(tmp_path_factory.mktemp("body-limits"),
                OPENGOV_MAX_BODY_BYTES=str(GLOBAL_CAP),
                OPENGOV_REPORTS_MAX_BODY_BYTES=str(ROUTE_CAP),
                OPENGOV_INGEST_MAX_BODY_BYTES=str(ROUTE_CAP)) as base:
        yield base


def _declared(path: str, length: int, content_type: str = "application/json") -> bytes:
    """A head announcing ``length`` bytes of body; none of it is sent."""
    return (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {length}\r\n\r\n").encode()


def _chunked(server: str, path: str, size: int,
             content_type: str = "application/json") -> tuple[int, str, bytes]:
    """POST ``size`` bytes of whitespace in 64 KiB chunks (never terminated) and read the
    answer, which must come before the end of the body."""
    head = (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n").encode()
    piece = 64 * 1024
    chunk = f"{piece:x}\r\n".encode() + b" " * piece + b"\r\n"
    with connect(server) as sock:
        sock.sendall(head)
        for _ in range(size // piece):
            sock.sendall(chunk)
        return answer(sock)


def test_declared_huge_body_is_413_in_ckan_envelope_before_it_is_sent(server):
    status, content_type, body = exchange(server, _declared("/api/3/action/package_list",
                                                             400 * 1024 * 1024))
    assert (status, content_type) == (413, "application/json")
    envelope = json.loads(body)
    assert envelope["success"] is False and str(GLOBAL_CAP) in envelope["error"]["message"]


def test_declared_huge_readings_batch_is_413_before_it_is_sent(server):
    status, content_type, body = exchange(server, _declared("/monitoring/readings",
                                                             200 * 1024 * 1024))
    assert status == 413
    assert str(ROUTE_CAP) in problem(413, content_type, body)["detail"]


def test_a_route_with_a_larger_cap_reads_bodies_over_the_global_cap(server):
    size = 4 * GLOBAL_CAP
    request = _declared("/monitoring/readings", size) + b" " * size
    status, content_type, body = exchange(server, request)
    assert status == 401  # read, then refused for the missing key: not 413
    problem(401, content_type, body)


def test_chunked_report_over_the_cap_is_413_not_cut_short(server):
    status, content_type, body = _chunked(server, "/reports", ROUTE_CAP + 128 * 1024)
    assert status == 413
    assert str(ROUTE_CAP) in problem(413, content_type, body)["detail"]


def test_chunked_open311_request_over_the_cap_is_413_in_its_error_array(server):
    status, content_type, body = _chunked(server, "/open311/v2/requests.json",
                                          ROUTE_CAP + 128 * 1024,
                                          "application/x-www-form-urlencoded")
    # GeoReport v2 "Format Support": application/json; charset=utf-8
    assert (status, content_type) == (413, "application/json; charset=utf-8")
    assert json.loads(body)[0]["code"] == 413


def test_chunked_body_over_the_global_cap_is_413_anywhere(server):
    status, content_type, body = _chunked(server, "/api/3/action/package_search",
                                          GLOBAL_CAP + 128 * 1024)
    assert status == 413 and json.loads(body)["success"] is False
