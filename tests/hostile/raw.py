"""Raw sockets against a real ``opengov serve``: what hostile clients send, byte for byte."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from tests.conftest import DATASETS
from tests.serving import serving


def env(tmp_path: Path, **settings: str) -> dict:
    """A fresh SQLite instance on the small sample, plus ``settings`` (environment names)."""
    return {"OPENGOV_INSTANCE_PATH": str(tmp_path), "OPENGOV_DATASETS_PATH": str(DATASETS),
            "OPENGOV_SAMPLE_PROFILE": "small", "OPENGOV_DATABASE_URL": None, **settings}


@contextmanager
def served(tmp_path: Path, worker_class: str | None = None, **settings: str) -> Iterator[str]:
    """``opengov serve`` (one worker, default threads) on a fresh instance; its base URL."""
    with serving(env(tmp_path, **settings), tmp_path / "server.log",
                 worker_class=worker_class) as base:
        yield base


def connect(base: str, timeout: float = 20) -> socket.socket:
    """A TCP connection to the server at ``base``."""
    parts = urlsplit(base)
    return socket.create_connection((parts.hostname, parts.port), timeout=timeout)


def answer(sock: socket.socket) -> tuple[int, str, bytes]:
    """Read one HTTP answer from ``sock``: (status, Content-Type, body)."""
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response.status, response.getheader("Content-Type", ""), response.read()


def exchange(base: str, request: bytes, timeout: float = 20) -> tuple[int, str, bytes]:
    """Send ``request`` as is on a new connection and read the answer."""
    with connect(base, timeout) as sock:
        sock.sendall(request)
        return answer(sock)


def problem(status: int, content_type: str, body: bytes) -> dict:
    """The RFC 9457 problem in an answer (asserting that it is one)."""
    assert content_type == "application/problem+json", (status, content_type, body[:200])
    document = json.loads(body)
    assert document["status"] == status and document["detail"]
    return document
