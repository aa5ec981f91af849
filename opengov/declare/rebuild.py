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
from contextlib import contextmanager

import numpy as np
from sqlalchemy import JSON, Date, DateTime, delete, insert, inspect, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.schema import CreateColumn, CreateTable
from sqlalchemy.types import TypeDecorator

from opengov.collections import Collection, Registry
from opengov.declare.indexes import create_indexes, drop_indexes
from opengov.declare.model import DeclarationError, parse_declaration
from opengov.declare.readers import ReadError
from opengov.store import summary, timeouts
from opengov.store.engine import write_transaction
from opengov.store.repository import LoadResult, Store
from opengov.store.types import utcnow

# SQLite page cache of the swap, which builds every index of the new table (its default, 2 MB,
# makes the R*Tree fill of 400,000 rows 2× slower; benchmarks/RESULTS.md), then the default.
SWAP_CACHE_KIB = 262_144
DEFAULT_CACHE = -2000
# Helper threads of SQLite's sorter while the swap builds the B-tree indexes (sorted on two
# cores at once: less wall time, the same CPU time; benchmarks/RESULTS.md).
SORT_THREADS = 2
DIGEST = "load_digest"  # kept in the stored declaration: what the table was loaded from
NEXT = "--next"  # the id suffix of the collection a rebuild fills (its table: c_<id>__next)
# The provenance and timestamp columns a file load gives every row the same value
# (the last four of every collection table, opengov.store.tables).
CONSTANT_COLUMNS = ("_updated_at", "_row_version", "_source", "_fetched_at")


def shape(collection: Collection) -> list:
    """What of a collection decides its table and its stored search documents."""
    return [[f.name, f.type, f.filterable, f.sortable, f.searchable] for f in collection.fields] + [
        collection.id_field, collection.geometry_type, collection.native_crs]


def stored_collection(store: Store, collection_id: str) -> Collection | None:
    """The collection as declared when it was last loaded (None: unknown)."""
    st = store.table("collection_state")
    with store.engine.connect() as conn:
        saved = conn.execute(select(st.c.metadata).where(
            st.c.collection_id == collection_id)).scalar()
    if not isinstance(saved, dict):
        return None
    saved = {k: v for k, v in saved.items() if k != DIGEST}
    try:
        return parse_declaration(saved, "(stored declaration)").collection
    except DeclarationError:
        return None


def stored_shape(store: Store, collection_id: str) -> list | None:
    """The shape of the declaration the collection was last loaded with (None: unknown)."""
    stored = stored_collection(store, collection_id)
    return None if stored is None else shape(stored)


def needs_rebuild(store: Store, collection: Collection) -> bool:
    """Whether the collection's existing table was built from a declaration of another shape
    (or its columns differ from the declared ones)."""
    table = store.table(collection.table_name)
    existing = {c["name"] for c in inspect(store.engine).get_columns(table.name)}
    return existing != set(table.c.keys()) or stored_shape(store, collection.id) != shape(
        collection)


@contextmanager
def bulk_writes(conn):
    """SQLite: no progress handler on ``conn``'s connection while the block runs (writes have
    no statement timeout, :mod:`opengov.store.timeouts`, so its Python call every thousand
    steps of a bulk insert or index build is pure cost), and no memory map (an index build
    scans the whole table: every mapped page would count in the load's memory, past 1 GB at
    1,000,000 points), then both again."""
    if conn.dialect.name != "sqlite":
        yield
        return
    dbapi = conn.connection.dbapi_connection
    dbapi.set_progress_handler(None, 0)
    mmap_size = dbapi.execute("PRAGMA mmap_size").fetchone()[0]
    dbapi.execute("PRAGMA mmap_size=0")
    try:
        yield
    finally:
        dbapi.execute(f"PRAGMA mmap_size={int(mmap_size)}")
        timeouts.install_sqlite(dbapi)


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


def _copy_row_state(conn, old: str, new: str) -> tuple[int, int, int]:
    """Give the rows of ``new`` whose content equals ``old``'s the old timestamps and row
    versions (and bump those of changed rows); (new, changed, removed) counts."""
    n, o = f'"{new}"', f'"{old}"'
    new_rows, changed, removed = conn.execute(text(
        f"SELECT (SELECT count(*) FROM {n} WHERE NOT EXISTS (SELECT 1 FROM {o} "
        f"WHERE {o}.id = {n}.id)), (SELECT count(*) FROM {n} JOIN {o} ON {o}.id = {n}.id "
        f"WHERE {o}._hash <> {n}._hash), (SELECT count(*) FROM {o} WHERE NOT EXISTS "
        f"(SELECT 1 FROM {n} WHERE {n}.id = {o}.id))")).one()
    conn.execute(text(
        f"UPDATE {n} SET _updated_at = o._updated_at, _row_version = o._row_version, "
        f"_source = o._source, _fetched_at = o._fetched_at FROM {o} AS o "
        f"WHERE o.id = {n}.id AND o._hash = {n}._hash"))
    if changed:
        conn.execute(text(f"UPDATE {n} SET _row_version = o._row_version + 1 FROM {o} AS o "
                          f"WHERE o.id = {n}.id AND o._hash <> {n}._hash"))
    return new_rows, changed, removed


def _swap(store: Store, collection: Collection, built: Collection, count: int,
          source: str, boxes=None) -> int:
    """Replace the collection's table (if any) by ``built``'s in one transaction and make its
    indexes (SQLite: here, once, under their final names; PostgreSQL: built before, renamed
    here); the new version."""
    old, new = collection.table_name, built.table_name
    st = store.table("collection_state")
    now = utcnow()
    with write_transaction(store.engine) as conn, bulk_writes(conn):
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(f"PRAGMA cache_size=-{SWAP_CACHE_KIB}")
            conn.exec_driver_sql(f"PRAGMA threads={SORT_THREADS}")
            drop_indexes(conn, old)
        conn.execute(text(f'DROP TABLE IF EXISTS "{old}"'))
        conn.execute(text(f'ALTER TABLE "{new}" RENAME TO "{old}"'))
        _rename_indexes(conn, old, new)
        if conn.dialect.name == "sqlite":  # R*Tree and FTS5 tables name their table: anew
            for index in store.table(old).indexes:
                index.create(conn)
            create_indexes(conn, collection, old, boxes)
        conn.execute(delete(st).where(st.c.collection_id == built.id))
        current = conn.execute(select(st.c.version).where(
            st.c.collection_id == collection.id)).scalar()
        version = (current or 0) + 1
        values = {"version": version, "modified": now, "record_count": count,
                  "source": source, "loaded_at": now}
        if store.keeps_summaries:
            values["summary"] = summary.compute(conn, collection, store.table(old),
                                                boxes).to_json(version)
        if current is None:  # a first load, or a table left without its state
            conn.execute(insert(st).values(collection_id=collection.id, **values))
        else:
            conn.execute(update(st).where(st.c.collection_id == collection.id).values(**values))
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(f"PRAGMA cache_size={DEFAULT_CACHE}")
            conn.exec_driver_sql("PRAGMA threads=0")
    return values["version"]


class NextTable:
    """The table ``c_<id>__next`` a load fills in batches beside the serving one, then swaps
    in (:meth:`finish`) or drops (unchanged data, or a failure: :meth:`drop`).

    Rows carry their record number as ``_rowid``, so a duplicate id (refused by the table's
    unique ``id``) is named by record. Secondary indexes are made after the rows are in.
    """

    def __init__(self, store: Store, collection: Collection, source: str,
                 constant_provenance: bool = False):
        self.store, self.collection, self.source = store, collection, source
        self.built = dataclasses.replace(collection, id=collection.id + NEXT)
        registry = Registry()
        registry.register(self.built)
        self.beside = Store(store.engine, registry)
        self.table = self.beside.table(self.built.table_name)
        self.count = 0
        self._boxes: list[np.ndarray] = []  # (_rowid, bounds) of each batch: the R*Tree's
        self.now = utcnow()
        dialect = store.engine.dialect
        self._processors = {c.name: c.type._cached_bind_processor(dialect)
                            for c in self.table.columns
                            if isinstance(c.type, Date | DateTime | JSON | TypeDecorator)}
        # SQLite, a file load: the columns equal in every row (the table's last four) are
        # added after the fill with that value as their default, which rows that predate
        # the column read without storing it (https://sqlite.org/lang_altertable.html):
        # ≈ 70 bytes less per row to write, and to read for every index (RESULTS.md).
        self._deferred: dict[str, str] = {}
        last = tuple(c.name for c in self.table.columns)[-len(CONSTANT_COLUMNS):]
        if constant_provenance and dialect.name == "sqlite" and last == CONSTANT_COLUMNS:
            constants = self._constants({})
            self._deferred = {c: self._literal(c, constants[c]) for c in CONSTANT_COLUMNS}
        self.drop()  # left over by an interrupted load
        create = CreateTable(self.table)
        create.columns = [c for c in create.columns if c.element.name not in self._deferred]
        with write_transaction(store.engine) as conn:
            conn.execute(create)
        self._insert = insert(self.table)
        self._columns = [c.name for c in self.table.columns if c.name not in self._deferred]

    def _constants(self, columns: dict[str, list]) -> dict[str, object]:
        """The columns whose value is the same in every row of a batch (``columns``)."""
        constants = {"_updated_at": self.now, "_row_version": 1}
        for name, value in (("_source", self.source), ("_fetched_at", self.now)):
            if name not in columns:
                constants[name] = value
        return constants

    def _add_deferred(self, conn) -> None:
        """Add the deferred columns, each with its value as default (see ``__init__``)."""
        for name, literal in self._deferred.items():
            column = CreateColumn(self.table.c[name]).compile(dialect=conn.dialect)
            conn.exec_driver_sql(f'ALTER TABLE "{self.table.name}" ADD COLUMN {column} '
                                 f"DEFAULT {literal}")
        self._deferred = {}

    def _literal(self, column: str, value) -> str:
        """``value`` as an SQLite literal, converted as its column's type would bind it."""
        process = self._processors.get(column)
        value = process(value) if process and value is not None else value
        if value is None:
            return "NULL"
        if isinstance(value, int):
            return str(int(value))
        return "'" + str(value).replace("'", "''") + "'"

    def _execute(self, conn, columns: dict[str, list], count: int,
                 constants: dict[str, object]) -> None:
        """One ``executemany`` of the batch; ``constants``: the columns whose value is the
        same in every row. SQLite: plain tuples zipped from the columns, each value
        converted as its column type would, a repeated value once, the constants written
        into the statement; PostgreSQL: SQLAlchemy Core's executemany of dicts."""
        if self.store.dialect != "sqlite":
            lists = [columns.get(c) or [constants.get(c)] * count for c in self._columns]
            conn.execute(self._insert, [dict(zip(self._columns, values, strict=True))
                                        for values in zip(*lists, strict=True)])
            return
        names = [c for c in self._columns if c not in constants]
        lists = [columns.get(c) or [None] * count for c in names]
        for i, name in enumerate(names):
            process = self._processors.get(name)
            if process is None:
                continue
            last = last_out = None
            converted = []
            for value in lists[i]:
                if value is not None and value is not last:
                    last, last_out = value, process(value)
                converted.append(None if value is None else last_out)
            lists[i] = converted
        fixed = [c for c in self._columns if c in constants]
        values = ["?"] * len(names) + [self._literal(c, constants[c]) for c in fixed]
        sql = (f'INSERT INTO "{self.table.name}" ({", ".join(names + fixed)}) '
               f'VALUES ({", ".join(values)})')
        conn.exec_driver_sql(sql, list(zip(*lists, strict=True)))

    def drop(self) -> None:
        """Drop the table (and, on SQLite, nothing else: its indexes are made at the swap)."""
        self.table.drop(self.store.engine, checkfirst=True)

    def add(self, columns: dict[str, list], file: str) -> None:
        """Insert a batch of rows given column by column
        (:func:`opengov.declare.rows.batch_rows`); a duplicate id fails with the file, its
        record number and the record it repeats."""
        count = len(columns["id"])
        if not count:
            return
        constants = {c: v for c, v in self._constants(columns).items()
                     if c not in self._deferred}
        try:
            with write_transaction(self.store.engine) as conn, bulk_writes(conn):
                self._execute(conn, columns, count, constants)
        except IntegrityError:
            raise self._duplicate(columns["id"], columns["_rowid"], file) from None
        self.count += count
        if "_minx" in columns:
            boxes = np.array([columns[c] for c in ("_rowid", "_minx", "_maxx", "_miny", "_maxy")],
                             dtype=np.float64).T
            self._boxes.append(boxes[~np.isnan(boxes[:, 1])])

    def _duplicate(self, ids: list, numbers: list, file: str) -> ReadError:
        field = self.collection.id_field
        first: dict[str, int] = {}
        for rid, number in zip(ids, numbers, strict=True):
            if rid in first:
                return ReadError(f"{file}: record #{number}: {field}: duplicate id "
                                 f"{rid!r} (also record #{first[rid]})")
            first[rid] = number
        t = self.table
        with self.store.engine.connect() as conn:
            for offset in range(0, len(ids), 500):
                chunk = ids[offset:offset + 500]
                found = dict(conn.execute(select(t.c.id, t.c._rowid).where(
                    t.c.id.in_(chunk))).all())
                for rid, number in zip(chunk, numbers[offset:offset + 500], strict=True):
                    if rid in found:
                        return ReadError(f"{file}: record #{number}: {field}: duplicate "
                                         f"id {rid!r} (also record #{found[rid]})")
        return ReadError(f"{file}: a record breaks a constraint of the table")

    def finish(self, replace: bool, swap: bool = False) -> LoadResult:
        """Swap the filled table in or, when it holds exactly the rows already served (and
        ``swap`` is not asked), drop it. ``replace``: count every row as new, whatever the
        old table holds (a change of shape)."""
        result = LoadResult(self.collection.id)
        old, new = self.collection.table_name, self.built.table_name
        repo = self.store.repo(self.collection.id)
        postgresql = self.store.dialect == "postgresql"
        try:
            with write_transaction(self.store.engine) as conn:
                self._add_deferred(conn)
                if postgresql:
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{new}\"', "
                                      f"'_rowid'), GREATEST(max(_rowid), 1)) FROM \"{new}\""))
                exists = inspect(conn).has_table(old)
                if exists and not replace:
                    result.new, result.changed, result.removed = _copy_row_state(conn, old, new)
                else:
                    result.new = self.count
                result.unchanged = self.count - result.new - result.changed
                if not result.touched and exists and not replace and not swap:
                    result.version = repo._bump(conn, self.source, self.now, self.count, False)
                elif postgresql:  # renamed with the table by the swap
                    for index in self.table.indexes:
                        index.create(conn)
                    create_indexes(conn, self.built, new)
        except Exception:
            self.drop()
            raise
        if result.version:
            self.drop()
            return result
        boxes = np.concatenate(self._boxes) if self._boxes else None
        self._boxes = []
        result.version = _swap(self.store, self.collection, self.built, self.count, self.source,
                               boxes)
        repo.analyze()
        return result
