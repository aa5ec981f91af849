"""A request id on every response (``X-Request-Id``) and on every log line of its request.

Ids are a random per-process prefix and a counter (``3f9a1c2b-1a``): unique across workers
and hosts without any coordination, and cheap (no random bytes per request). A trusted reverse
proxy (``OPENGOV_TRUSTED_PROXIES``, see :mod:`opengov.proxy`) may send the id it logged as
``X-Request-Id`` when it is a short safe token (letters, digits, ``._:-``, at most 64
characters); anything else, and any id sent by another client, is replaced, so a client can
neither forge nor collide with another request's id in the logs. The id reaches log records
through a logging filter as ``record.request_id`` (``-`` outside a request, and while a
streamed body is being sent).
"""

from __future__ import annotations

import itertools
import logging
import os
import re
from contextvars import ContextVar

from flask import Flask
from flask.logging import default_handler

from opengov.proxy import TRUSTED_PEER

HEADER = "X-Request-Id"
LOG_FORMAT = "[%(asctime)s] %(levelname)s in %(module)s [%(request_id)s]: %(message)s"
_SAFE = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_current: ContextVar[str] = ContextVar("opengov_request_id", default="-")


def current() -> str:
    """The id of the request being served in this thread, ``-`` outside one."""
    return _current.get()


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record a handler emits."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True


def install(app: Flask, settings=None) -> None:
    """Give every request of ``app`` an id, answer it in a header and put it in the log."""
    app.wsgi_app = _RequestIds(app.wsgi_app)  # type: ignore[method-assign]
    _log_with_ids(app)


class IdGenerator:
    """New ids: a random prefix drawn once (create one per process, after fork) and a counter."""

    def __init__(self):
        self.prefix = os.urandom(4).hex()
        self.counter = itertools.count(1)

    def new(self) -> str:
        return f"{self.prefix}-{next(self.counter):x}"


class _RequestIds:
    """WSGI middleware: the id is read from and written to the WSGI environ and header list
    directly (about 2 µs a request; Flask's request and header objects cost ten times that)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.ids = IdGenerator()  # after fork: each worker builds its own app

    def __call__(self, environ, start_response):
        sent = environ.get("HTTP_X_REQUEST_ID") if environ.get(TRUSTED_PEER) else None
        rid = sent if sent and _SAFE.fullmatch(sent) else self.ids.new()
        token = _current.set(rid)

        def start(status, headers, exc_info=None):
            headers.append((HEADER, rid))
            return start_response(status, headers, exc_info)

        try:
            return self.wsgi_app(environ, start)
        finally:
            _current.reset(token)


def _log_with_ids(app: Flask) -> None:
    """Flask's own handler (used when the deployment configures none) shows the id."""
    logger = app.logger  # adds Flask's default handler when no handler is configured
    for handler in logger.handlers:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())
        if handler is default_handler:
            handler.setFormatter(logging.Formatter(LOG_FORMAT))
