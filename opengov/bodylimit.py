"""Request bodies: one size cap for every route, larger caps only where a route needs them.

The cap of a request is ``OPENGOV_MAX_BODY_BYTES`` unless its blueprint or endpoint registered
a larger one on its application with :func:`allow_larger` (report submissions with photos,
readings ingest). A
declared ``Content-Length`` over the cap is answered 413 before anything is read; a chunked body
is counted as it is read and stops with 413 as soon as it passes the cap. A body the client
sends too slowly (the server's read timed out, see :mod:`opengov.workers`) is answered 408.
Both are problems in the request's error family (:mod:`opengov.errors`).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, request
from werkzeug.exceptions import RequestEntityTooLarge

from opengov.errors import ApiError

LARGER_KEY = "opengov.body_caps"  # app.extensions: blueprint or endpoint → cap from settings
CAP_KEY = "opengov.body_cap"  # the request's cap, in its WSGI environ
PIECE = 64 * 1024  # bytes read at a time when the reader wants the whole body


def allow_larger(app: Flask, name: str, cap: Callable[[object], int]) -> None:
    """Let the blueprint or endpoint ``name`` of ``app`` take bodies up to ``cap(settings)``
    bytes (kept on the application: another app in the process keeps its own caps)."""
    app.extensions.setdefault(LARGER_KEY, {})[name] = cap


def too_large(cap: int) -> RequestEntityTooLarge:
    """The 413 for a body over ``cap`` bytes (werkzeug's class, which form readers expect)."""
    return RequestEntityTooLarge(f"The request body is larger than this endpoint accepts ({cap} "
                                 "bytes).")


def cap_for(settings, endpoint: str | None, blueprint: str | None,
            larger: dict[str, Callable[[object], int]]) -> int:
    """The body cap of a request routed to ``endpoint`` (of ``blueprint``), given the app's
    ``larger`` caps."""
    for name in (endpoint, blueprint):
        if name in larger:
            return int(larger[name](settings))
    return int(settings.max_body_bytes)


class GuardedInput:
    """``wsgi.input`` that counts what is read against the request's cap (413) and turns a read
    the server gave up on (the client too slow) into 408."""

    def __init__(self, stream, environ: dict):
        self._stream, self._environ, self._read = stream, environ, 0

    def _guard(self, read, *args):
        cap = self._environ.get(CAP_KEY)
        if cap is not None and self._read > cap:  # every later read fails too: a reader that
            raise too_large(cap)  # caught the first 413 must not see a truncated body
        try:
            data = read(*args)
        except TimeoutError:
            raise ApiError(408, "The request body arrived too slowly.") from None
        self._read += len(data)
        if cap is not None and self._read > cap:
            raise too_large(cap)
        return data

    def read(self, size: int | None = -1) -> bytes:  # noqa: D102 (WSGI input API)
        if size is not None and size >= 0:
            return self._guard(self._stream.read, size)
        pieces = []  # "everything": in pieces, so the cap is checked as the body arrives
        while piece := self._guard(self._stream.read, PIECE):
            pieces.append(piece)
        return b"".join(pieces)

    def readline(self, size: int | None = -1) -> bytes:  # noqa: D102
        cap = self._environ.get(CAP_KEY)
        if cap is not None:  # a line never runs past the cap unread
            room = cap - self._read + 1
            size = room if size is None or size < 0 else min(size, room)
        return self._guard(self._stream.readline, size)

    def readlines(self, *args):  # noqa: D102
        return list(iter(self.readline, b""))

    def __iter__(self):
        return iter(self.readline, b"")


def install(app: Flask, settings) -> None:
    """Cap every request body of ``app``.

    werkzeug's own cap (``max_content_length``) is left unset: on a chunked body it stops
    reading at the cap without saying so, and the truncated body fails to parse (422)."""
    inner = app.wsgi_app

    def guarded(environ, start_response):
        if "wsgi.input" in environ:
            environ["wsgi.input"] = GuardedInput(environ["wsgi.input"], environ)
        return inner(environ, start_response)

    app.wsgi_app = guarded  # type: ignore[method-assign]

    @app.before_request
    def cap_body():
        cap = cap_for(settings, request.endpoint, request.blueprint,
                      app.extensions.get(LARGER_KEY, {}))
        request.environ[CAP_KEY] = cap
        # Without the header there is no length to check (werkzeug's lookup of a missing
        # header raises and catches an exception, twice).
        if "CONTENT_LENGTH" in request.environ and (request.content_length or 0) > cap:
            raise too_large(cap)
