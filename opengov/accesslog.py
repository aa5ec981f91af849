"""The access log: one JSON line per request, on by default (``OPENGOV_ACCESS_LOG``).

Each line has ``time`` (UTC, ISO 8601, when the request arrived), ``request_id`` (the
``X-Request-Id`` answered), ``method``, ``path`` (without the query), ``query_length`` (the
query itself may carry tracking tokens, so only its length is kept), ``status``, ``bytes`` (of the
body sent), ``duration_ms`` (until the last byte was handed to the server), ``client`` (the
address resolved by :mod:`opengov.proxy`) and ``key_id`` (the id of the API key the request
authenticated with, never the key; null without one). The line is written when the response
ends, also for errors and streamed downloads.

Destination ``-`` is standard error (with gunicorn's own log); a path is opened in append mode
and each line written with one ``write`` call, so the lines of several workers never interleave.
``off`` writes nothing.
"""

from __future__ import annotations

import math
import os
import sys
import threading

import orjson

from opengov import observe
from opengov.clock import second_text
from opengov.observe import Exchange

KEY_ID = "opengov.api_key_id"  # environ key set when a request's API key is verified


def _time(arrived: float) -> str:
    """``arrived`` as ISO 8601 UTC to the millisecond (the date and time formatted once per
    second: they were a tenth of the line's cost)."""
    fraction, second = math.modf(arrived)
    micro = round(fraction * 1e6)  # as datetime rounds a timestamp, then cut to milliseconds
    if micro >= 1_000_000:
        second, micro = second + 1, micro - 1_000_000
    return f"{second_text(int(second))}.{micro // 1000:03d}+00:00"


def line(exchange: Exchange) -> bytes:
    """The JSON line (with its newline) describing ``exchange``."""
    environ = exchange.environ
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    record = {
        "time": _time(exchange.arrived),
        "request_id": exchange.request_id,
        "method": environ.get("REQUEST_METHOD", ""),
        "path": path.encode("latin-1", "replace").decode("utf-8", "replace"),
        "query_length": len(environ.get("QUERY_STRING", "")),
        "status": exchange.status,
        "bytes": exchange.bytes,
        "duration_ms": round(exchange.duration * 1000, 2),
        "client": environ.get("REMOTE_ADDR"),
        "key_id": environ.get(KEY_ID),
    }
    return orjson.dumps(record) + b"\n"


class AccessLog:
    """A listener of :mod:`opengov.observe` writing one line per finished request."""

    def __init__(self, destination: str):
        self.destination = destination
        self.fd: int | None = None
        self.lock = threading.Lock()

    def start(self, exchange: Exchange) -> None:  # noqa: D102 (listener API)
        pass

    def finish(self, exchange: Exchange) -> None:  # noqa: D102 (listener API)
        data = line(exchange)
        if self.destination == "-":
            stream = sys.stderr
            with self.lock:
                stream.write(data.decode())
                stream.flush()
            return
        if self.fd is None:  # opened in the worker, on first use
            with self.lock:
                if self.fd is None:
                    self.fd = os.open(self.destination, os.O_WRONLY | os.O_APPEND | os.O_CREAT,
                                      0o640)
        os.write(self.fd, data)


def install(app, settings) -> None:
    """Log every request of ``app`` to ``settings.access_log`` (``off``: nothing)."""
    if settings.access_log.strip().lower() != "off":
        observe.add_listener(app, AccessLog(settings.access_log.strip()))
