"""Engine creation with the per-backend connection setup DESIGN.md asks for."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import shapely
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from opengov.store.compiled import begin_snapshot
from opengov.text import fold


def _bbox_intersects(wkb, minx, miny, maxx, maxy):
    """SQLite function: exact intersection of a WKB geometry with a box (1/0)."""
    if wkb is None:
        return 0
    geom = shapely.from_wkb(wkb)
    return int(shapely.intersects(geom, shapely.box(minx, miny, maxx, maxy)))


def _wkb_intersects(wkb, other):
    if wkb is None or other is None:
        return 0
    return int(shapely.intersects(shapely.from_wkb(wkb), shapely.from_wkb(other)))


def _setup_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()
        dbapi_conn.create_function("og_fold", 1, fold, deterministic=True)
        dbapi_conn.create_function("og_bbox_intersects", 5, _bbox_intersects, deterministic=True)
        dbapi_conn.create_function("og_intersects", 2, _wkb_intersects, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        dbapi = conn.connection.dbapi_connection
        if conn.get_execution_options().get("write", False):
            dbapi.execute("BEGIN IMMEDIATE")  # fails loudly inside an open read snapshot
        else:  # a read snapshot may already be open
            begin_snapshot(dbapi)


def make_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite gets WAL, busy timeout and our SQL functions."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, pool_size=8, max_overflow=16, pool_pre_ping=False)
        _setup_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_size=8, max_overflow=8, pool_pre_ping=True)
    raise ValueError(f"unsupported database backend: {parsed.get_backend_name()!r}")


@contextmanager
def write_transaction(engine: Engine):
    """A short write transaction (``BEGIN IMMEDIATE`` on SQLite)."""
    with engine.connect() as conn:
        conn = conn.execution_options(write=True)
        with conn.begin():
            yield conn
