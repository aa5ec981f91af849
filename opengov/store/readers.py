"""One kept read connection per thread (SQLite).

Checking a connection out of SQLAlchemy's pool and handing it back costs about a tenth of a
small page's time in Python code alone (the connection record, the reset on return). A SQLite
connection is only a file handle, so each thread that reads keeps its own, taken from the engine
once and detached from the pool (a request thread never waits for a pool slot; writes still use
the pool). Each outermost :meth:`ThreadReaders.reading` block is one snapshot, ended when the
block ends; blocks nested in it share it.

A thread's connection goes when the thread does (garbage collection closes it), when it was
invalidated, and at ``engine.dispose()`` (closed then if idle, else at the end of its block).
"""

from __future__ import annotations

import threading
import weakref

from sqlalchemy import Connection, Engine, event


class _Kept:
    """A thread's connection and how deep that thread is in reading blocks."""

    __slots__ = ("conn", "depth", "retired", "__weakref__")

    def __init__(self, conn: Connection):
        self.conn = conn
        self.depth = 0
        self.retired = False

    def close(self) -> None:
        self.retired = True
        self.conn.close()  # detached from the pool: closes the driver connection


class ThreadReaders:
    """``reading()`` hands this thread its kept connection for one snapshot."""

    def __init__(self, engine: Engine):
        self._engine = engine
        self._local = threading.local()
        self._lock = threading.Lock()
        self._kept: weakref.WeakSet[_Kept] = weakref.WeakSet()
        event.listen(engine, "engine_disposed", self._on_dispose)

    def reading(self) -> _Reading:
        """A context manager yielding this thread's connection; the outermost block ends the
        snapshot (rolls the read transaction back) when it exits."""
        return _Reading(self)

    def _enter(self) -> _Kept:
        with self._lock:  # dispose() must not close it between the check and depth += 1
            kept = getattr(self._local, "kept", None)
            if kept is None or kept.retired or kept.conn.invalidated:
                kept = self._local.kept = _Kept(self._open())
                self._kept.add(kept)
            kept.depth += 1
            return kept

    def _open(self) -> Connection:
        conn = self._engine.connect()
        conn.connection.detach()
        return conn

    def _exit(self, kept: _Kept) -> None:
        if kept.depth > 1:  # an inner block: the snapshot goes on
            kept.depth -= 1
            return
        try:
            _end_snapshot(kept.conn)
        finally:
            with self._lock:
                kept.depth = 0
                retired = kept.retired
            if retired:  # disposed of while in use
                kept.close()

    def _on_dispose(self, _engine) -> None:
        with self._lock:
            for kept in list(self._kept):
                if kept.depth == 0:
                    kept.close()
                else:
                    kept.retired = True  # closed when its block ends
            self._kept.clear()


class _Reading:
    __slots__ = ("_readers", "_kept")

    def __init__(self, readers: ThreadReaders):
        self._readers = readers

    def __enter__(self) -> Connection:
        self._kept = self._readers._enter()
        return self._kept.conn

    def __exit__(self, *exc) -> None:
        self._readers._exit(self._kept)


def _end_snapshot(conn: Connection) -> None:
    """Roll back whatever read transaction is open: SQLAlchemy's own, or the driver-level one
    :func:`~opengov.store.compiled.begin_snapshot` opened."""
    if conn.invalidated:
        return
    if conn.in_transaction():
        conn.rollback()
    dbapi = conn.connection.dbapi_connection
    if dbapi is not None and dbapi.in_transaction:
        dbapi.rollback()
