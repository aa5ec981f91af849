"""The statement timeout of request reads: no request holds a thread on one slow query.

While a thread serves a request (:func:`serving`), each statement it runs may take at most the
configured time; writes (:func:`unlimited`, entered by ``write_transaction``) and everything
outside requests (loads, migrations, CLI commands, background threads) run without a limit.

- PostgreSQL enforces it: a pooled connection carries ``statement_timeout`` as a session
  setting, changed at checkout only when the thread's limit differs from the connection's (so a
  serving process pays no round trip per request); a write transaction lifts it with
  ``SET LOCAL``. A cancelled statement raises ``QueryCanceled``.
- SQLite has no such setting: a progress handler on every connection aborts the running
  statement once the thread's deadline has passed (``sqlite3.OperationalError: interrupted``).
  The deadline starts when a statement starts (:func:`arm`); a download re-arms it for every
  batch it fetches, so a long download is limited per batch, as PostgreSQL limits each
  ``FETCH`` of its server-side cursor.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

# SQLite virtual-machine steps between two deadline checks (a Python call each: at 1,000 they
# were 7 % of a 1,000-row grid walk; 10,000 steps take well under a millisecond).
PROGRESS_STEPS = 10_000

_local = threading.local()


def request_limit_ms() -> int:
    """The statement timeout of the request this thread is serving; 0 when none or disabled."""
    return getattr(_local, "limit_ms", 0)


@contextmanager
def serving(limit_ms: int):
    """Mark this thread as serving a request whose reads take at most ``limit_ms`` each."""
    outer = request_limit_ms()
    _local.limit_ms = max(limit_ms, 0)
    try:
        yield
    finally:
        _local.limit_ms = outer
        _local.deadline = None


@contextmanager
def unlimited():
    """Statements in this block are never cut (writes: a half-done write helps nobody)."""
    _local.unlimited = getattr(_local, "unlimited", 0) + 1
    kept, _local.deadline = getattr(_local, "deadline", None), None
    try:
        yield
    finally:
        _local.unlimited -= 1
        _local.deadline = kept


def arm() -> None:
    """SQLite: the statement (or download batch) starting now may run for the thread's limit."""
    limit = 0 if getattr(_local, "unlimited", 0) else request_limit_ms()
    _local.deadline = time.monotonic() + limit / 1000 if limit else None


def sqlite_progress() -> int:
    """SQLite progress handler: non-zero (abort the statement) once the deadline has passed."""
    deadline = getattr(_local, "deadline", None)  # None in an unlimited block
    return 1 if deadline is not None and time.monotonic() > deadline else 0


def install_sqlite(dbapi_conn) -> None:
    """Check the thread's deadline every :data:`PROGRESS_STEPS` steps of ``dbapi_conn``."""
    dbapi_conn.set_progress_handler(sqlite_progress, PROGRESS_STEPS)


def postgresql_checkout(dbapi_conn, record) -> None:
    """Give a PostgreSQL connection checked out on this thread the thread's limit."""
    wanted = request_limit_ms()
    if record.info.get("statement_timeout_ms", 0) == wanted:
        return
    with dbapi_conn.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {int(wanted)}")
    if not dbapi_conn.autocommit:
        dbapi_conn.commit()  # a SET in a transaction would be undone by the pool's rollback
    record.info["statement_timeout_ms"] = wanted


def lift_postgresql(conn) -> None:
    """In a write transaction on ``conn`` (SQLAlchemy): no statement timeout until it ends."""
    if conn.connection.info.get("statement_timeout_ms", 0):
        conn.exec_driver_sql("SET LOCAL statement_timeout = 0")


class RequestReads:
    """WSGI middleware: the app call and the iteration of its body serve one request (a
    streamed download reads the database while its body is iterated)."""

    def __init__(self, app, limit_ms: int):
        self.app = app
        self.limit_ms = limit_ms

    def __call__(self, environ, start_response):
        with serving(self.limit_ms):
            body = self.app(environ, start_response)
        file_wrapper = environ.get("wsgi.file_wrapper")
        if isinstance(body, list | tuple) or (  # nothing left to read, or a file the server
                isinstance(file_wrapper, type) and isinstance(body, file_wrapper)):  # sends
            return body
        return _Body(body, self.limit_ms)


class _Body:
    __slots__ = ("_body", "_iterator", "_limit_ms")

    def __init__(self, body: Iterable[bytes], limit_ms: int):
        self._body = body
        self._iterator: Iterator[bytes] | None = None
        self._limit_ms = limit_ms

    def __iter__(self):
        return self

    def __next__(self) -> bytes:
        if self._iterator is None:
            self._iterator = iter(self._body)
        with serving(self._limit_ms):
            return next(self._iterator)

    def close(self) -> None:
        close = getattr(self._body, "close", None)
        if close is not None:
            with serving(self._limit_ms):
                close()
