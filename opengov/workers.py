"""gunicorn worker classes for ``opengov serve``: slow clients cost no thread, errors are problems.

``ThreadedWorker`` (``--worker-class gthread``, the default for direct clients) reads each
request head in the worker's event loop, without blocking: a connection reaches the thread pool
only once its head is complete, so sockets that send their headers slowly (or never) hold no
thread. A head that is not complete within ``OPENGOV_CLIENT_TIMEOUT_S`` is answered 408 and
closed. The body is then read by the thread through :class:`PacedSocket`: no pause longer than
that timeout, and on average at least ``OPENGOV_CLIENT_MIN_BODY_RATE`` bytes per second once the
timeout's grace has passed; slower bodies end in a 408 (see :mod:`opengov.bodylimit`).

``SyncWorker`` (``--worker-class sync``, behind a buffering proxy) is gunicorn's sync worker.

Both answer the requests gunicorn itself refuses (an over-long request line, too many header
bytes, a malformed request) with an RFC 9457 problem instead of gunicorn's HTML page.
"""

from __future__ import annotations

import errno
import json
import selectors
import time
from collections import deque
from functools import partial

from gunicorn import util
from gunicorn.http import errors as http_errors
from gunicorn.workers.gthread import ThreadWorker
from gunicorn.workers.sync import SyncWorker as GunicornSyncWorker

from opengov.requestid import IdGenerator
from opengov.settings import load_settings

HEAD_END = (b"\r\n\r\n", b"\n\n")
HEAD_READ_BYTES = 64 * 1024  # one recv of a request head
HEAD_MAX_BYTES = 128 * 1024  # more without an end: handed on, the parser refuses it

# gunicorn's refusals of a request, as (status, reason); any other parse error is a 400.
REFUSALS = (
    (http_errors.LimitRequestLine, 414, "URI Too Long"),
    (http_errors.LimitRequestHeaders, 431, "Request Header Fields Too Large"),
    (http_errors.ExpectationFailed, 417, "Expectation Failed"),
    (http_errors.UnsupportedTransferCoding, 501, "Not Implemented"),
    (http_errors.ForbiddenProxyRequest, 403, "Forbidden"),
)


def problem_bytes(status: int, reason: str, detail: str, request_id: str) -> bytes:
    """A complete ``Connection: close`` HTTP/1.1 answer carrying an RFC 9457 problem."""
    body = json.dumps({"type": "about:blank", "title": reason, "status": status,
                       "detail": detail}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n"
            f"X-Request-Id: {request_id}\r\n\r\n")
    return head.encode("latin-1") + body


def _refusal(exc: BaseException) -> tuple[int, str, str] | None:
    """(status, reason, detail) for a request gunicorn refused, None for anything else."""
    if isinstance(exc, (http_errors.InvalidResponseHeader, http_errors.InvalidResponseHeaderName)):
        return None  # the application's fault: gunicorn's 500
    if isinstance(exc, http_errors.LimitRequestLine):
        return 414, "URI Too Long", (f"The request line is longer than {exc.max_size or exc.size} "
                                     "bytes (method, URL and version).")
    for kind, status, reason in REFUSALS:
        if isinstance(exc, kind):
            return status, reason, str(exc) or reason
    if isinstance(exc, http_errors.ParseException):
        return 400, "Bad Request", f"The request is not valid HTTP/1.1: {exc}"
    return None


class ProblemErrors:
    """Mixin: gunicorn's own refusals answered as ``application/problem+json``, each with an
    ``X-Request-Id`` that its log line carries too."""

    @property
    def refusal_ids(self) -> IdGenerator:
        """Ids for refusals (made in the worker, after fork)."""
        if getattr(self, "_refusal_ids", None) is None:
            self._refusal_ids = IdGenerator()
        return self._refusal_ids

    def handle_error(self, req, client, addr, exc):  # noqa: D102 (gunicorn's hook)
        refusal = _refusal(exc)
        if refusal is None:
            return super().handle_error(req, client, addr, exc)  # type: ignore[misc]
        status, reason, detail = refusal
        rid = self.refusal_ids.new()
        self.log.warning("Invalid request from ip=%s: %s [%s]", (addr or ("",))[0], reason, rid)
        try:
            util.write_nonblock(client, problem_bytes(status, reason, detail, rid))
        except Exception:  # noqa: BLE001 (the client may be gone; nothing more to say)
            self.log.debug("Failed to send error message.")


class PacedSocket:
    """The socket a request body is read from: each read waits at most ``idle`` seconds, and
    the body must average ``min_rate`` bytes/s once ``idle`` seconds of grace have passed."""

    def __init__(self, sock, idle: float, min_rate: float):
        self.sock, self.idle, self.min_rate = sock, idle, max(min_rate, 1.0)
        self.limit: float | None = None  # a shorter timeout a caller set (gunicorn's drain)
        self.restart()

    def settimeout(self, seconds: float | None) -> None:  # noqa: D102 (socket API)
        self.limit = seconds if seconds is not None and seconds < self.idle else None
        self.sock.settimeout(seconds)

    def restart(self) -> None:
        """Start the allowance of a new request."""
        self.started, self.received = time.monotonic(), 0

    def recv(self, size: int) -> bytes:  # noqa: D102 (socket API)
        allowed = self.started + self.idle + self.received / self.min_rate - time.monotonic()
        if allowed <= 0:
            raise TimeoutError("the client sent its request body too slowly")
        self.sock.settimeout(min(self.idle, allowed, self.limit or self.idle))
        try:
            data = self.sock.recv(size)
        finally:
            self.sock.settimeout(self.limit or self.idle)  # writes keep the plain timeout
        self.received += len(data)
        return data

    def __getattr__(self, name):
        return getattr(self.sock, name)


class ThreadedWorker(ProblemErrors, ThreadWorker):
    """gunicorn's gthread worker that hands a connection to a thread only with a whole head."""

    def init_process(self):  # noqa: D102 (gunicorn's hook)
        settings = load_settings(getattr(self.app, "app_config", None))
        self.client_timeout = float(settings.client_timeout_s)
        self.min_body_rate = float(settings.client_min_body_rate)
        self.reading_heads: deque = deque()  # arrival order is deadline order
        super().init_process()

    def enqueue_req(self, conn):  # noqa: D102 (every path to the thread pool comes here)
        if self.cfg.is_ssl or getattr(conn, "head_ready", False):
            conn.head_ready = False
            return super().enqueue_req(conn)
        self._await_head(conn)

    # -- reading heads in the event loop ----------------------------------------------------
    def _await_head(self, conn) -> None:
        parser = conn.parser
        conn.head = bytearray(parser.unreader.take_buffered() if parser is not None else b"")
        conn.timeout = time.monotonic() + self.client_timeout
        conn.sock.setblocking(False)
        self.reading_heads.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_head_data, conn))
        self._on_head_data(conn, conn.sock)  # often the head is there already

    def _on_head_data(self, conn, _client) -> None:
        try:
            data = conn.sock.recv(HEAD_READ_BYTES)
        except (BlockingIOError, InterruptedError):
            data = None
        except OSError:
            data = b""
        if data == b"":
            self._forget_head(conn)
            self._close(conn)
            return
        if data:
            conn.head += data
        if any(end in conn.head for end in HEAD_END) or len(conn.head) > HEAD_MAX_BYTES:
            self._forget_head(conn)
            self._dispatch(conn)

    def _dispatch(self, conn) -> None:
        """Give a connection with a complete head to the thread pool."""
        conn.sock.setblocking(True)
        conn.init()  # the parser (once per connection); the socket stays plain: no TLS here
        unreader = conn.parser.unreader
        if not isinstance(unreader.sock, PacedSocket):
            unreader.sock = PacedSocket(conn.sock, self.client_timeout, self.min_body_rate)
        unreader.sock.restart()
        conn.sock.settimeout(self.client_timeout)
        unreader.unread(bytes(conn.head))
        conn.head = None
        conn.data_ready = conn.head_ready = True
        self.enqueue_req(conn)

    def _forget_head(self, conn) -> None:
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass
        try:
            self.reading_heads.remove(conn)
        except ValueError:
            pass

    def _close(self, conn) -> None:
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self):  # noqa: D102 (called by the event loop every second)
        super().murder_pending()
        now = time.monotonic()
        while self.reading_heads and self.reading_heads[0].timeout <= now:
            conn = self.reading_heads[0]
            self._forget_head(conn)
            if conn.head:  # it started a request: say why it ends
                try:
                    conn.sock.send(problem_bytes(
                        408, "Request Timeout",
                        f"The request head did not arrive within {self.client_timeout:g} s.",
                        self.refusal_ids.new()))
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EPIPE, errno.ECONNRESET):
                        self.log.debug("Failed to send 408: %s", exc)
            self._close(conn)


class SyncWorker(ProblemErrors, GunicornSyncWorker):
    """gunicorn's sync worker (one request at a time, behind a buffering proxy)."""
