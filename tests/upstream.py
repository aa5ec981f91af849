"""A real HTTP server on 127.0.0.1 that plays upstream systems in tests (never a mocked session).

Routes serve fixture bodies with an ETag and a Last-Modified, answer ``If-None-Match`` /
``If-Modified-Since`` with 304, and can be told to fail (e.g. 429 with ``Retry-After``), slow
down or send garbage. Every request is recorded. Other test folders import the ``upstream``
fixture from here (``from tests.upstream import upstream  # noqa: F401`` in a conftest)::

    def test_something(upstream):
        upstream.route("/data.json", '{"a": 1}')
        requests.get(upstream.url + "/data.json")
        assert upstream.count("/data.json") == 1
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

GARBAGE = b'{"type": "FeatureCollection", "features": [{"type": "Feat\x00\xff<html>'


@dataclass(frozen=True)
class SeenRequest:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, str]          # last value of each parameter
    headers: dict[str, str]        # as sent (case preserved)
    raw_path: str                  # path with the query string, as on the request line

    def header(self, name: str) -> str | None:
        """A header's value, case-insensitively."""
        lowered = {k.lower(): v for k, v in self.headers.items()}
        return lowered.get(name.lower())


@dataclass
class _Route:
    body: bytes | Callable[[SeenRequest], object]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    last_modified: float = field(default_factory=time.time)


@dataclass
class _Failure:
    status: int
    times: int | None
    headers: dict[str, str]


def _as_bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body


class Upstream:
    """A threaded HTTP server on a free port of 127.0.0.1; use as a context manager."""

    def __init__(self) -> None:
        self.requests: list[SeenRequest] = []
        self._routes: dict[str, _Route] = {}
        self._failures: dict[str, _Failure] = {}
        self._delays: dict[str, float] = {}
        self._holds: dict[str, threading.Event] = {}
        self._trickle: dict[str, tuple[float, int]] = {}
        self._drip: dict[str, float] = {}
        self._garbage: set[str] = set()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> Upstream:
        handler = _handler_for(self)
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="upstream-stand-in")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Upstream:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- scripting ---------------------------------------------------------------------------
    def route(self, path: str, body: bytes | str | Callable[[SeenRequest], object], *,
              status: int = 200, headers: dict[str, str] | None = None,
              content_type: str = "application/json") -> None:
        """Serve ``body`` at ``path`` (any query string). Replacing a route changes its ETag
        and Last-Modified when the body changes.

        ``body`` may be a callable taking the :class:`SeenRequest` and returning bytes/str, or
        ``(status, body)`` / ``(status, body, headers)``: for paged upstreams.
        """
        with self._lock:
            previous = self._routes.get(path)
            route = _Route(body if callable(body) else _as_bytes(body), status,
                           dict(headers or {}), content_type)
            if previous is not None and previous.body == route.body:
                route.last_modified = previous.last_modified
            elif previous is not None:
                # HTTP dates have one-second resolution: keep a change visible to If-Modified-Since
                route.last_modified = max(time.time(), previous.last_modified + 1)
            self._routes[path] = route
            self._garbage.discard(path)

    def fail(self, path: str, status: int = 503, *, times: int | None = None,
             headers: dict[str, str] | None = None) -> None:
        """Answer ``status`` at ``path`` the next ``times`` requests (``None``: until
        :meth:`recover`). Status 0 drops the connection without an answer."""
        with self._lock:
            self._failures[path] = _Failure(status, times, dict(headers or {}))

    def recover(self, path: str | None = None) -> None:
        """Undo :meth:`fail`, :meth:`slow`, :meth:`trickle`, :meth:`drip` and :meth:`garbage`
        for ``path`` (or every path)."""
        with self._lock:
            for table in (self._failures, self._delays, self._trickle, self._drip):
                if path is None:
                    table.clear()
                else:
                    table.pop(path, None)
            if path is None:
                self._garbage.clear()
            else:
                self._garbage.discard(path)

    def slow(self, path: str, seconds: float) -> None:
        """Wait ``seconds`` before answering at ``path``."""
        with self._lock:
            self._delays[path] = seconds

    def hold(self, path: str) -> threading.Event:
        """Keep answers at ``path`` waiting until the returned event is set (two minutes at
        most): a client held mid-request for as long as a test needs, whatever the load."""
        with self._lock:
            gate = self._holds[path] = threading.Event()
        return gate

    def trickle(self, path: str, seconds: float, *, chunks: int = 10) -> None:
        """Send the body at ``path`` in ``chunks`` pieces spread over ``seconds``."""
        with self._lock:
            self._trickle[path] = (seconds, chunks)

    def drip(self, path: str, interval: float) -> None:
        """Send the whole answer at ``path`` (status line, headers and body) one byte every
        ``interval`` seconds: every read is quick, the answer never ends."""
        with self._lock:
            self._drip[path] = interval

    def garbage(self, path: str) -> None:
        """Answer 200 with a malformed body at ``path``."""
        with self._lock:
            self._garbage.add(path)

    def count(self, path: str) -> int:
        """How many requests reached ``path`` (any query string)."""
        with self._lock:
            return sum(1 for r in self.requests if r.path == path)

    def seen(self, path: str) -> list[SeenRequest]:
        """The requests that reached ``path``, oldest first."""
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def reset_requests(self) -> None:
        """Forget the recorded requests."""
        with self._lock:
            self.requests.clear()

    # -- serving -----------------------------------------------------------------------------
    def _plan(self, seen: SeenRequest):
        """What to answer: (delay, status, body, headers) or (delay, 0, ...) to drop."""
        with self._lock:
            self.requests.append(seen)
            delay = self._delays.get(seen.path, 0.0)
            failure = self._failures.get(seen.path)
            if failure is not None:
                if failure.times is not None:
                    failure.times -= 1
                    if failure.times <= 0:
                        del self._failures[seen.path]
                body = f'{{"error": "stand-in failure {failure.status}"}}'.encode()
                return delay, failure.status, body, {"Content-Type": "application/json",
                                                     **failure.headers}
            if seen.path in self._garbage:
                return delay, 200, GARBAGE, {"Content-Type": "application/json"}
            route = self._routes.get(seen.path)
        if route is None:
            return delay, 404, b'{"error": "not found"}', {"Content-Type": "application/json"}
        return (delay, *_render(route, seen))


def _render(route: _Route, seen: SeenRequest) -> tuple[int, bytes, dict[str, str]]:
    status, headers = route.status, {"Content-Type": route.content_type, **route.headers}
    if callable(route.body):
        result = route.body(seen)
        if isinstance(result, tuple):
            status, body = result[0], _as_bytes(result[1])
            headers.update(result[2] if len(result) > 2 else {})
        else:
            body = _as_bytes(result)
        return status, body, headers
    body = route.body
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers.setdefault("ETag", etag)
    headers.setdefault("Last-Modified", formatdate(route.last_modified, usegmt=True))
    if status == 200 and _not_modified(seen, headers["ETag"], route.last_modified):
        return 304, b"", {k: v for k, v in headers.items() if k != "Content-Type"}
    return status, body, headers


def _not_modified(seen: SeenRequest, etag: str, last_modified: float) -> bool:
    inm = seen.header("If-None-Match")
    if inm is not None:
        return etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
    ims = seen.header("If-Modified-Since")
    if ims:
        try:
            return int(last_modified) <= parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError):
            return False
    return False


class _QuietServer(ThreadingHTTPServer):
    """Clients that give up (timeouts) close their socket: not worth a traceback."""

    def handle_error(self, request, client_address) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _write(wfile, body: bytes, trickle: tuple[float, int] | None) -> None:
    if not trickle or not body:
        wfile.write(body)
        return
    seconds, chunks = trickle
    size = max(1, -(-len(body) // chunks))
    for start in range(0, len(body), size):
        wfile.write(body[start:start + size])
        wfile.flush()
        time.sleep(seconds / chunks)


def _send(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes,
          send_body: bool, trickle: tuple[float, int] | None, drip: float | None) -> None:
    """Write one answer; with ``drip``, every byte of it (head too) ``drip`` seconds apart."""
    if drip is None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if send_body:
            _write(handler.wfile, body, trickle)
        return
    head = f"HTTP/1.1 {status} Dripping\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    handler.close_connection = True
    for byte in (head + "\r\n").encode("latin-1") + (body if send_body else b""):
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(drip)


def _handler_for(upstream: Upstream):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "upstream-stand-in"

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def _answer(self, with_body: bool) -> None:
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            seen = SeenRequest(self.command, parts.path, query, dict(self.headers.items()),
                               self.path)
            delay, status, body, headers = upstream._plan(seen)
            if delay:
                time.sleep(delay)
            gate = upstream._holds.get(parts.path)
            if gate is not None:
                gate.wait(120)
            if status == 0:
                self.close_connection = True
                self.connection.close()
                return
            _send(self, status, headers, body, with_body and status != 304,
                  upstream._trickle.get(parts.path), upstream._drip.get(parts.path))

        def do_GET(self) -> None:  # noqa: N802 (http.server naming)
            self._answer(True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(False)

        def do_POST(self) -> None:  # noqa: N802
            self._answer(True)

    return Handler


@pytest.fixture
def upstream():
    """A running :class:`Upstream` for one test."""
    with Upstream() as server:
        yield server
