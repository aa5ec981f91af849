"""A test client for servers behind nginx: one request from a chosen local address, and the
application's access log by request id."""

from __future__ import annotations

import http.client
import json
import ssl
import time
from urllib.parse import urlsplit


def call(base: str, method: str, path: str, *, source: str = "127.0.0.1", body=None,
         headers: dict | None = None) -> tuple[int, dict, bytes]:
    """One request to ``base`` from the local address ``source``: (status, headers, body)."""
    url = urlsplit(base)
    if url.scheme == "https":
        conn = http.client.HTTPSConnection(url.hostname, url.port, timeout=60,
                                           source_address=(source, 0),
                                           context=ssl._create_unverified_context())
    else:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60,
                                          source_address=(source, 0))
    data = json.dumps(body).encode() if body is not None else None
    sent = {"Content-Type": "application/json"} if data else {}
    try:
        conn.request(method, path, body=data, headers={**sent, **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def access_lines(path, *wanted: str) -> dict[str, dict]:
    """The application's access log (a path, or a list of several servers' logs), by request
    id, once it has the ``wanted`` ids (a line is written when the server closes the response,
    just after the client has it)."""
    paths = path if isinstance(path, list | tuple) else [path]
    deadline = time.monotonic() + 15
    while True:
        lines = {entry["request_id"]: entry for p in paths if p.exists()
                 for entry in map(json.loads, p.read_text().splitlines())}
        if all(i in lines for i in wanted) or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)
