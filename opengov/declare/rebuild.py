"""Rebuild a declared collection's table after its declaration changed, then swap it in.

The new table (``c_<id>__next``) is built and filled beside the one that keeps serving; one
transaction then drops the old table, renames the new one (and its indexes, and on PostgreSQL
its ``_rowid`` sequence) to the collection's name, makes the SQLite R*Tree and FTS5 tables
over it anew (:mod:`.indexes`; PostgreSQL's are built on the new table before) and bumps the
collection's version, so readers see either the old table or the new one, never a half-built
one (SQLite and PostgreSQL both have transactional DDL).

A declaration changes the table when its *shape* changes: the fields' names, types and
filter/sort/search flags, the id field, the geometry type or the native CRS
(:func:`shape`). Labels, descriptions and catalogue metadata do not need a rebuild.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import delete, insert, inspect, select, text, update

from opengov.collections import Collection, Registry
from opengov.declare.indexes import create_indexes, drop_indexes
from opengov.declare.model import DeclarationError, parse_declaration
from opengov.store.engine import write_transaction
from opengov.store.repository import LoadResult, Store
from opengov.store.types import utcnow

NEXT = "--next"  # the id suffix of the collection a rebuild fills (its table: c_<id>__next)


def shape(collection: Collection) -> list:
    """What of a collection decides its table and its stored search documents."""
    return [[f.name, f.type, f.filterable, f.sortable, f.searchable] for f in collection.fields] + [
        collection.id_field, collection.geometry_type, collection.native_crs]


def stored_shape(store: Store, collection_id: str) -> list | None:
    """The shape of the declaration the collection was last loaded with (None: unknown)."""
    st = store.table("collection_state")
    with store.engine.connect() as conn:
        saved = conn.execute(select(st.c.metadata).where(
            st.c.collection_id == collection_id)).scalar()
    if not isinstance(saved, dict):
        return None
    try:
        return shape(parse_declaration(saved, "(stored declaration)").collection)
    except DeclarationError:
        return None


def needs_rebuild(store: Store, collection: Collection) -> bool:
    """Whether the collection's existing table was built from a declaration of another shape
    (or its columns differ from the declared ones)."""
    table = store.table(collection.table_name)
    existing = {c["name"] for c in inspect(store.engine).get_columns(table.name)}
    return existing != set(table.c.keys()) or stored_shape(store, collection.id) != shape(
        collection)


def _rename_indexes(conn, old: str, new: str) -> None:
    """Give the renamed table's indexes (and sequence) the names of the collection's table."""
    if conn.dialect.name == "postgresql":
        names = conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = :t"),
                             {"t": old}).scalars().all()
        for name in names:
            if new in name:
                conn.execute(text(f'ALTER INDEX "{name}" RENAME TO '
                                  f'"{name.replace(new, old)}"'))
        sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, '_rowid')"),
                                {"t": old}).scalar()
        if sequence and new in sequence:
            short = sequence.rsplit(".", 1)[-1].strip('"')
            conn.execute(text(f'ALTER SEQUENCE {sequence} RENAME TO "{short.replace(new, old)}"'))
        return
    rows = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                             "tbl_name = :t AND sql IS NOT NULL"), {"t": old}).all()
    for name, sql in rows:  # SQLite cannot rename an index: make it again under its new name
        if new in name:
            conn.execute(text(f'DROP INDEX "{name}"'))
            conn.execute(text(sql.replace(name, name.replace(new, old), 1)))


def _swap(store: Store, collection: Collection, built: Collection, count: int,
          source: str) -> int:
    """Replace the collection's table by ``built``'s in one transaction; the new version."""
    old, new = collection.table_name, built.table_name
    st = store.table("collection_state")
    now = utcnow()
    with write_transaction(store.engine) as conn:
        conn.execute(text(f'DROP TABLE "{old}"'))
        conn.execute(text(f'ALTER TABLE "{new}" RENAME TO "{old}"'))
        _rename_indexes(conn, old, new)
        if conn.dialect.name == "sqlite":  # R*Tree and FTS5 tables name their table: anew
            drop_indexes(conn, old)
            create_indexes(conn, collection, old)
        conn.execute(delete(st).where(st.c.collection_id == built.id))
        current = conn.execute(select(st.c.version).where(
            st.c.collection_id == collection.id)).scalar()
        values = {"version": (current or 0) + 1, "modified": now, "record_count": count,
                  "source": source, "loaded_at": now}
        if current is None:  # a table left without its state by an interrupted first load
            conn.execute(insert(st).values(collection_id=collection.id, **values))
        else:
            conn.execute(update(st).where(st.c.collection_id == collection.id).values(**values))
    return values["version"]


def rebuild(store: Store, collection: Collection, rows: list[dict], source: str) -> LoadResult:
    """Build ``collection``'s table anew from ``rows`` beside the serving one, then swap."""
    built = dataclasses.replace(collection, id=collection.id + NEXT)
    registry = Registry()
    registry.register(built)
    beside = Store(store.engine, registry)
    table = beside.table(built.table_name)
    table.drop(store.engine, checkfirst=True)  # left over by an interrupted rebuild
    with write_transaction(store.engine) as conn:
        table.create(conn)
        if conn.dialect.name == "postgresql":  # renamed with the table's own indexes
            create_indexes(conn, built, built.table_name)
    try:
        filled = beside.repo(built.id).replace_all(rows, source=source)
    except Exception:
        table.drop(store.engine, checkfirst=True)
        raise
    result = LoadResult(collection.id)
    result.new = filled.new
    result.version = _swap(store, collection, built, len(rows), source)
    return result
