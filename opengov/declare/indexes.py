"""The indexes a built-in collection gets from its migrations, for a declared collection's
table: the spatial index (SQLite R*Tree kept by triggers, PostGIS GiST), the grid-order index
of bbox pages (:mod:`opengov.store.spatial_order`) and the full-text index of ``q``
(SQLite FTS5, PostgreSQL GIN), from the same DDL the migrations run (:mod:`opengov.store.ddl`).
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import text

from opengov.collections import Collection
from opengov.declare.rtree_pack import pack_rtree
from opengov.store.ddl import drop_ddl, search_ddl, spatial_ddl
from opengov.store.spatial_order import index_name, order_index_ddl


def index_statements(dialect: str, collection: Collection, table: str) -> list[str]:
    """The statements creating every hand-written index ``collection`` needs on ``table``."""
    statements: list[str] = []
    if collection.spatial:
        statements += spatial_ddl(dialect, table) + order_index_ddl(dialect, table)
    if collection.searchable:
        statements += search_ddl(dialect, table)
    return statements


def create_indexes(conn, collection: Collection, table: str, boxes=None) -> None:
    """Create them on ``conn`` (inside its transaction). SQLite's R*Tree (packed) and FTS5 tables
    are filled from the rows already there (their triggers keep them in step afterwards);
    ``boxes``: the rows' ``(_rowid, _minx, _maxx, _miny, _maxy)`` when the caller has them."""
    dialect = conn.dialect.name
    for statement in index_statements(dialect, collection, table):
        conn.execute(text(statement))
    if dialect != "sqlite":
        return
    if collection.spatial:
        fill_rtree(conn, table, boxes)
    if collection.searchable:
        conn.execute(text(f'INSERT INTO "{table}_fts"("{table}_fts") VALUES (\'rebuild\')'))


def fill_rtree(conn, table: str, boxes=None) -> None:
    """Fill the empty R*Tree of ``table`` from its rows, packed at once (:mod:`.rtree_pack`);
    ``boxes``: an array of their ``(_rowid, _minx, _maxx, _miny, _maxy)``, else read here."""
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        values = boxes
        if values is None:
            rows = cursor.execute(f'SELECT _rowid, _minx, _maxx, _miny, _maxy FROM "{table}" '
                                  "WHERE _minx IS NOT NULL").fetchall()
            values = np.array(rows, dtype=np.float64).reshape(-1, 5)
        pack_rtree(cursor, f"{table}_rtree", values[:, 0].astype(np.int64), values[:, 1:])
    finally:
        cursor.close()


def drop_indexes(conn, table: str) -> None:
    """Drop the R*Tree / FTS5 tables (SQLite) or indexes (PostgreSQL) of ``table``."""
    for statement in drop_ddl(conn.dialect.name, table) + [
            f'DROP INDEX IF EXISTS "{index_name(table)}"']:
        conn.execute(text(statement))


def _expected(dialect: str, collection: Collection, table: str) -> set[str]:
    names: set[str] = set()
    if collection.spatial:
        names |= {f"{table}_rtree" if dialect == "sqlite" else f"ix_{table}_geom",
                  index_name(table)}
    if collection.searchable:
        names.add(f"{table}_fts" if dialect == "sqlite" else f"ix_{table}_search")
    return names


def has_indexes(conn, collection: Collection, table: str) -> bool:
    """Whether ``table`` has every hand-written index ``collection`` needs."""
    expected = _expected(conn.dialect.name, collection, table)
    if not expected:
        return True
    if conn.dialect.name == "sqlite":
        found = conn.execute(text("SELECT name FROM sqlite_master")).scalars()
    else:
        found = conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = :t"),
                             {"t": table}).scalars()
    return expected <= set(found)
