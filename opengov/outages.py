"""A database that is down or too slow answers 503 with ``Retry-After``, never 500.

Two kinds of database failure are the service's condition rather than a bug in the request:

- ``statement-timeout``: a request read ran past ``OPENGOV_STATEMENT_TIMEOUT_MS`` and the
  database cut it (:mod:`opengov.store.timeouts`);
- ``database-unavailable``: the database cannot be reached or opened (server down or
  restarting, connection lost, too many clients, file missing or unreadable, pool exhausted).

Both are logged on one line without the statement or its parameters (SQLAlchemy's message
carries both, and parameters may hold personal data). Any other database error stays a 500.
The pool opens new connections once the database is back, so the service recovers by itself.
"""

from __future__ import annotations

import logging
import sqlite3

from flask import Flask, Response, current_app, request
from sqlalchemy import exc as sa_exc

from opengov import errors

log = logging.getLogger(__name__)

RETRY_AFTER_UNAVAILABLE_S = 5  # a restart or a lost connection is usually over by then
RETRY_AFTER_TIMEOUT_S = 30  # the same heavy query again at once would only be cut again

# sqlite3 raises OperationalError for these conditions of the file rather than of the query.
_SQLITE_UNAVAILABLE = ("unable to open database file", "disk i/o error", "database is locked",
                       "database disk image is malformed", "file is not a database")

try:  # PostgreSQL support is an optional dependency
    import psycopg
except ImportError:  # pragma: no cover - SQLite-only installs
    psycopg = None  # type: ignore[assignment]


def _driver_error(error: BaseException) -> BaseException:
    """The DBAPI exception behind ``error`` (SQLAlchemy wraps it; the fast path does not)."""
    return getattr(error, "orig", None) or error


def classify(error: BaseException) -> str | None:
    """``"statement-timeout"``, ``"database-unavailable"`` or None (not an outage)."""
    if isinstance(error, sa_exc.TimeoutError | sa_exc.DisconnectionError):
        return "database-unavailable"  # no pool slot in time / no usable connection
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return "database-unavailable"
    orig = _driver_error(error)
    if isinstance(orig, sqlite3.OperationalError):
        message = str(orig).lower()
        if message == "interrupted":  # only the statement-timeout progress handler interrupts
            return "statement-timeout"
        if message.startswith(_SQLITE_UNAVAILABLE):
            return "database-unavailable"
        return None
    if psycopg is not None:
        if isinstance(orig, psycopg.errors.QueryCanceled):
            return "statement-timeout"
        if isinstance(orig, psycopg.OperationalError | psycopg.InterfaceError):
            return "database-unavailable"
    return None


def _summary(error: BaseException) -> str:
    """The driver's own message, first line only (never SQLAlchemy's, which adds the SQL)."""
    orig = _driver_error(error)
    lines = str(orig).strip().splitlines()
    return f"{type(orig).__name__}: {lines[0][:200] if lines else ''}"


def problem_for(kind: str) -> errors.Problem:
    """The 503 problem of an outage of ``kind``."""
    if kind == "statement-timeout":
        limit = current_app.extensions["opengov"].settings.statement_timeout_ms
        return errors.Problem(
            503, "Service Unavailable",
            f"The database took longer than the {limit} ms a request may take; narrow the "
            "request (a filter, a bounding box, a smaller page) or retry later.",
            kind=kind, headers={"Retry-After": str(RETRY_AFTER_TIMEOUT_S)})
    return errors.Problem(
        503, "Service Unavailable",
        "The database is unavailable at the moment; retry later.",
        kind=kind, headers={"Retry-After": str(RETRY_AFTER_UNAVAILABLE_S)})


def handle_database_error(error: Exception) -> Response:
    """503 for an outage (logged on one line), anything else to the generic handler."""
    kind = classify(error)
    if kind is None:
        return errors.handle_unexpected(error)
    log.warning("%s on %s %s (%s)", kind, request.method, request.path, _summary(error))
    return errors.render(problem_for(kind))


def install(app: Flask) -> None:
    """Answer database outages of ``app`` with 503 problems."""
    classes: list[type[Exception]] = [sa_exc.SQLAlchemyError, sqlite3.Error]
    if psycopg is not None:
        classes.append(psycopg.Error)
    for cls in classes:
        app.register_error_handler(cls, handle_database_error)
