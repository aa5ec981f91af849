"""Engine creation with the per-backend connection setup DESIGN.md asks for."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from pathlib import Path

import shapely
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

from opengov.store import timeouts
from opengov.store.compiled import begin_snapshot
from opengov.store.filters import like_to_glob
from opengov.store.replica import after_write
from opengov.text import fold


def _bbox_intersects(wkb, minx, miny, maxx, maxy):
    """SQLite function: exact intersection of a WKB geometry with a box (1/0)."""
    if wkb is None:
        return 0
    geom = shapely.from_wkb(wkb)
    return int(shapely.intersects(geom, shapely.box(minx, miny, maxx, maxy)))


_query_geometries = threading.local()


def _query_geometry(wkb: bytes):
    """The geometry a statement tests every row against (the same bytes for each row),
    parsed and prepared once per thread: parsing it for every candidate cost more than the
    test (a prepared geometry is not shared between threads)."""
    kept = getattr(_query_geometries, "kept", None)
    if kept is None or kept[0] != wkb:
        geometry = shapely.from_wkb(wkb)
        shapely.prepare(geometry)
        kept = _query_geometries.kept = (wkb, geometry)
    return kept[1]


def _wkb_intersects(wkb, other):
    """SQLite function: whether the row's WKB geometry intersects ``other`` (1/0)."""
    if wkb is None or other is None:
        return 0
    return int(_query_geometry(other).intersects(shapely.from_wkb(wkb)))


def _setup_sqlite(engine: Engine, mmap_bytes: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA foreign_keys=ON")
        # Pages through a memory map, not a read() each: a bbox page looks up rows scattered
        # over the file (1,000 of them in grid order: 2.1 -> 1.2 ms of SQL on 1 M parcels).
        cur.execute(f"PRAGMA mmap_size={int(mmap_bytes)}")
        cur.close()
        dbapi_conn.create_function("og_fold", 1, fold, deterministic=True)
        dbapi_conn.create_function("og_bbox_intersects", 5, _bbox_intersects, deterministic=True)
        dbapi_conn.create_function("og_intersects", 2, _wkb_intersects, deterministic=True)
        dbapi_conn.create_function("og_like_glob", 1, like_to_glob, deterministic=True)
        timeouts.install_sqlite(dbapi_conn)

    @event.listens_for(engine, "before_cursor_execute")
    def _on_execute(*_args):
        timeouts.arm()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        dbapi = conn.connection.dbapi_connection
        if conn.get_execution_options().get("write", False):
            dbapi.execute("BEGIN IMMEDIATE")  # fails loudly inside an open read snapshot
        else:  # a read snapshot may already be open
            begin_snapshot(dbapi)


IDLE_PING_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use when it sat idle for a while (the server may have
    restarted or dropped it), and replace it if dead.

    ``pool_pre_ping`` would ping on every checkout: one more round trip per request, a fifth of
    a small page's time. A connection handed back moments ago is used as it is; a dead one
    met mid-request is still recognised and the pool refilled.
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn, record, _proxy):
        if getattr(dbapi_conn, "closed", False):  # the driver saw it break (server gone)
            raise DisconnectionError("connection was lost")
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            with dbapi_conn.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_conn.rollback()
        except Exception as exc:  # any failure means the connection is unusable
            raise DisconnectionError("idle connection is gone") from exc


def _request_statement_timeout(engine: Engine) -> None:
    """Give each checked-out connection its thread's statement timeout (see
    :mod:`opengov.store.timeouts`); a connection that fails to take it is replaced."""

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn, record, _proxy):
        try:
            timeouts.postgresql_checkout(dbapi_conn, record)
        except Exception as exc:  # noqa: BLE001 - any failure means the connection is unusable
            raise DisconnectionError("connection refused its statement timeout") from exc


def make_engine(url: str, connect_timeout: int | None = None,
                sqlite_mmap_mb: int = 0) -> Engine:
    """An engine for ``url``: SQLite gets WAL, busy timeout, our SQL functions and reads
    through a memory map of up to ``sqlite_mmap_mb`` MiB. ``connect_timeout`` (seconds,
    PostgreSQL) bounds the wait for a host that does not answer.

    Statement parameters are never shown in error messages (``hide_parameters``): they hold
    reporters' contacts, and an error's message ends up in the log.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, pool_size=8, max_overflow=16, pool_pre_ping=False,
                               hide_parameters=True)
        _setup_sqlite(engine, sqlite_mmap_mb << 20)
        return engine
    if parsed.get_backend_name() == "postgresql":
        connect_args = {} if connect_timeout is None else {"connect_timeout": connect_timeout}
        engine = create_engine(url, pool_size=8, max_overflow=8, hide_parameters=True,
                               connect_args=connect_args)
        _ping_when_idle(engine)
        _request_statement_timeout(engine)
        return engine
    raise ValueError(f"unsupported database backend: {parsed.get_backend_name()!r}")


@contextmanager
def write_transaction(engine: Engine):
    """A short write transaction (``BEGIN IMMEDIATE`` on SQLite), never cut by the statement
    timeout of request reads. The rest of the request then reads from the primary
    (:func:`~opengov.store.replica.after_write`)."""
    after_write()
    with timeouts.unlimited(), engine.connect() as conn:
        conn = conn.execution_options(write=True)
        with conn.begin():
            if engine.dialect.name == "postgresql":
                timeouts.lift_postgresql(conn)
            yield conn
