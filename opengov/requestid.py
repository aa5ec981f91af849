"""A request id on every response (``X-Request-Id``) and on every log line of its request.

Ids are a random per-process prefix and a counter (``3f9a1c2b-1a``): unique across workers
and hosts without any coordination, and cheap (no random bytes per request). A client may send
its own ``X-Request-Id`` when it is a short safe token (letters, digits, ``._:-``, at most 64
characters); anything else is replaced. The id reaches log records through a logging filter
as ``record.request_id`` (``-`` outside a request).
"""

from __future__ import annotations

import itertools
import logging
import os
import re
from contextvars import ContextVar

from flask import Flask, Response, request
from flask.logging import default_handler

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


def install(app: Flask) -> None:
    """Give every request of ``app`` an id, answer it in a header and put it in the log."""
    prefix = os.urandom(4).hex()  # after fork: each worker builds its own app
    counter = itertools.count(1)

    def start() -> None:
        sent = request.headers.get(HEADER)
        _current.set(sent if sent and _SAFE.fullmatch(sent) else f"{prefix}-{next(counter):x}")

    def answer(response: Response) -> Response:
        response.headers[HEADER] = _current.get()
        return response

    def forget(_error) -> None:
        _current.set("-")

    app.before_request_funcs.setdefault(None, []).insert(0, start)  # before any other hook
    app.after_request(answer)
    app.teardown_request(forget)
    _log_with_ids(app)


def _log_with_ids(app: Flask) -> None:
    """Flask's own handler (used when the deployment configures none) shows the id."""
    logger = app.logger  # adds Flask's default handler when no handler is configured
    for handler in logger.handlers:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())
        if handler is default_handler:
            handler.setFormatter(logging.Formatter(LOG_FORMAT))
