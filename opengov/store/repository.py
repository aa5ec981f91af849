"""Repositories: read pages and write loads of one collection. No HTTP here."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from threading import Lock

from sqlalchemy import Engine, and_, bindparam, func, insert, or_, select, update

from opengov import query as q
from opengov.collections import Collection, Registry
from opengov.cursor import Cursor
from opengov.store.engine import write_transaction
from opengov.store.filters import FilterCompiler, FilterError
from opengov.store.tables import build_metadata
from opengov.store.types import utcnow


@dataclass(frozen=True)
class CollectionState:
    version: int
    modified: datetime | None
    record_count: int


@dataclass
class Page:
    """One page of serialised records plus what the view needs for links."""

    items: list[str]
    number_matched: int | None
    next: Cursor | None = None
    prev: Cursor | None = None


@dataclass
class LoadResult:
    collection: str
    new: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    version: int = 0

    @property
    def touched(self) -> bool:
        return bool(self.new or self.changed or self.removed)


class _LRU:
    def __init__(self, size: int):
        self.size, self.data, self.lock = size, OrderedDict(), Lock()

    def get(self, key):
        with self.lock:
            if key in self.data:
                self.data.move_to_end(key)
                return self.data[key]
        return None

    def put(self, key, value) -> None:
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)


@dataclass
class Store:
    """The engine plus the schema of every registered collection."""

    engine: Engine
    registry: Registry
    count_cache_size: int = 4096
    metadata: object = field(init=False)

    def __post_init__(self):
        self.metadata = build_metadata(self.registry)
        self.dialect = self.engine.dialect.name
        self._counts = _LRU(self.count_cache_size)
        self._repos = {c.id: Repository(self, c) for c in self.registry}

    def table(self, name: str):
        return self.metadata.tables[name]  # type: ignore[attr-defined]

    def repo(self, collection_id: str) -> Repository:
        return self._repos[collection_id]

    def states(self) -> dict[str, CollectionState]:
        t = self.table("collection_state")
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.c.collection_id, t.c.version, t.c.modified,
                                       t.c.record_count)).all()
        return {r[0]: CollectionState(r[1], r[2], r[3]) for r in rows}


    def save_metadata(self, collection_id: str, metadata: dict) -> None:
        """Keep a dataset's descriptive metadata (from ``metadata.yaml``) beside its state."""
        t = self.table("collection_state")
        with write_transaction(self.engine) as conn:
            conn.execute(update(t).where(t.c.collection_id == collection_id)
                         .values(metadata=metadata))


class Repository:
    """Reads and writes one collection's table."""

    def __init__(self, store: Store, collection: Collection):
        self.store = store
        self.collection = collection
        self.table = store.table(collection.table_name)
        self.compiler = FilterCompiler(collection, self.table, store.dialect)

    # -- state ----------------------------------------------------------------------------------
    @contextmanager
    def _connection(self, conn=None):
        """Use the caller's connection (one snapshot per request) or open a short one."""
        if conn is not None:
            yield conn
        else:
            with self.store.engine.connect() as own:
                yield own

    def state(self, conn=None) -> CollectionState:
        t = self.store.table("collection_state")
        stmt = select(t.c.version, t.c.modified, t.c.record_count).where(
            t.c.collection_id == self.collection.id
        )
        with self._connection(conn) as c:
            row = c.execute(stmt).first()
        return CollectionState(*row) if row else CollectionState(0, None, 0)

    # -- reading --------------------------------------------------------------------------------
    def where(self, query: q.Query):
        """The WHERE clause selecting the query's rows (without paging)."""
        parts = []
        if query.filter is not None:
            parts.append(self.compiler.compile(query.filter))
        if query.bbox is not None:
            parts.append(self.compiler.bbox(query.bbox))
        if query.search:
            parts.append(self.compiler.text_match(query.search))
        if query.updated_since is not None:
            parts.append(self.table.c._updated_at >= query.updated_since)
        if query.interval is not None:
            tf = self.collection.time_field
            if tf is None:
                raise FilterError(f"collection {self.collection.id!r} has no time field")
            if query.interval.start is not None:
                parts.append(self.table.c[tf] >= query.interval.start)
            if query.interval.end is not None:
                parts.append(self.table.c[tf] < query.interval.end)
        return and_(*parts) if parts else None

    def _sort_columns(self, query: q.Query) -> list[tuple[object, bool]]:
        keys: list[tuple[object, bool]] = []
        if not query.sort and query.search:
            keys.append((self.compiler.text_rank(query.search), True))
        for key in query.sort:
            cols, _ = self.compiler.columns(key.field)
            keys.append((cols[0], key.descending))
        keys.append((self.table.c.id, False))
        return keys

    @staticmethod
    def _after(keys, values, forward: bool):
        """Keyset condition: rows strictly after ``values`` in the (possibly reversed) order."""
        clauses = []
        for i, (col, desc) in enumerate(keys):
            cmp = col < values[i] if desc == forward else col > values[i]
            eqs = [keys[j][0] == values[j] for j in range(i)]
            clauses.append(and_(*eqs, cmp))
        return or_(*clauses)

    def count(self, query: q.Query, version: int, conn=None) -> int:
        """Exact count, cached per collection version and query."""
        key = (self.collection.id, version, query.key())
        cached = self.store._counts.get(key)
        if cached is not None:
            return cached
        stmt = select(func.count()).select_from(self.table)
        where = self.where(query)
        if where is not None:
            stmt = stmt.where(where)
        with self._connection(conn) as c:
            total = c.execute(stmt).scalar_one()
        self.store._counts.put(key, total)
        return total

    def page(self, query: q.Query, version: int, *, with_count: bool = True,
             columns: list[str] | None = None, conn=None) -> Page:
        """One page in sort order, with cursors around it.

        Items are the stored serialised records, or tuples of ``columns`` when given.
        """
        keys = self._sort_columns(query)
        cursor = Cursor.decode(query.cursor, len(keys)) if query.cursor else None
        forward = cursor is None or cursor.direction == "next"
        wanted = [self.table.c[c] for c in columns] if columns else [self.table.c._feature]
        width = len(wanted)
        stmt = select(*wanted, *(k for k, _ in keys)).select_from(self.table)
        where = self.where(query)
        if where is not None:
            stmt = stmt.where(where)
        if cursor is not None:
            stmt = stmt.where(self._after(keys, cursor.key, forward))
        order = []
        for col, desc in keys:
            order.append(col.desc() if desc == forward else col.asc())
        stmt = stmt.order_by(*order).limit(query.limit + 1)
        if query.offset and cursor is None:
            stmt = stmt.offset(query.offset)
        with self._connection(conn) as c:
            rows = c.execute(stmt).all()
        more = len(rows) > query.limit
        rows = rows[: query.limit]
        if not forward:
            rows.reverse()
        items = [tuple(r[:width]) for r in rows] if columns else [r[0] for r in rows]
        first_key = tuple(rows[0][width:]) if rows else None
        last_key = tuple(rows[-1][width:]) if rows else None
        has_next = more if forward else cursor is not None
        has_prev = (cursor is not None or query.offset > 0) if forward else more
        return Page(
            items=items,
            number_matched=self.count(query, version, conn) if with_count else None,
            next=Cursor(last_key, "next") if has_next and last_key else None,
            prev=Cursor(first_key, "prev") if has_prev and first_key else None,
        )

    def facets(self, query: q.Query, names: tuple[str, ...],
               conn=None) -> dict[str, list[tuple]]:
        """Counts of records per value of each named scalar field, most frequent first."""
        where = self.where(query)
        out = {}
        with self._connection(conn) as c:
            for name in names:
                col = self.table.c[name]
                stmt = select(col, func.count()).group_by(col)
                if where is not None:
                    stmt = stmt.where(where)
                rows = c.execute(stmt.order_by(func.count().desc(), col)).all()
                out[name] = [(r[0], r[1]) for r in rows]
        return out

    def get(self, record_id: str, conn=None) -> str | None:
        """The serialised record with ``record_id``, or None."""
        stmt = select(self.table.c._feature).where(self.table.c.id == record_id)
        with self._connection(conn) as c:
            return c.execute(stmt).scalar_one_or_none()

    # -- writing --------------------------------------------------------------------------------
    def replace_all(self, rows: Iterable[dict], source: str,
                    fetched_at: datetime | None = None) -> LoadResult:
        """Make the table hold exactly ``rows`` (prepared by :func:`records.row_values`).

        Unchanged rows keep their ``_updated_at`` so ``updated_since`` stays meaningful; the
        collection version is bumped in the same transaction only when something changed.
        """
        rows = list(rows)
        ids = [r["id"] for r in rows]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{self.collection.id}: duplicate record ids in load")
        now = utcnow()
        result = LoadResult(self.collection.id)
        t = self.table
        with write_transaction(self.store.engine) as conn:
            existing = {r[0]: (r[1], r[2]) for r in conn.execute(
                select(t.c.id, t.c._hash, t.c._row_version))}
            inserts, updates = [], []
            for row in rows:
                row = {**row, "_source": source, "_fetched_at": fetched_at or now}
                old = existing.pop(row["id"], None)
                if old is None:
                    inserts.append({**row, "_updated_at": now, "_row_version": 1})
                elif old[0] != row["_hash"]:
                    updates.append({**row, "_updated_at": now, "_row_version": old[1] + 1,
                                    "b_id": row["id"]})
                else:
                    result.unchanged += 1
            if inserts:
                conn.execute(insert(t), inserts)
            if updates:
                values = {k: bindparam(k) for k in updates[0] if k not in ("id", "b_id")}
                conn.execute(update(t).where(t.c.id == bindparam("b_id")).values(values), updates)
            if existing:
                conn.execute(t.delete().where(t.c.id.in_(list(existing))))
            result.new, result.changed, result.removed = len(inserts), len(updates), len(existing)
            result.version = self._bump(conn, source, now, len(rows), result.touched)
        return result

    def _bump(self, conn, source: str, now: datetime, count: int, touched: bool) -> int:
        st = self.store.table("collection_state")
        current = self.state(conn)
        if current.modified is None:
            conn.execute(insert(st).values(collection_id=self.collection.id, version=1,
                                           modified=now, record_count=count, source=source,
                                           loaded_at=now))
            return 1
        if not touched:
            conn.execute(update(st).where(st.c.collection_id == self.collection.id)
                         .values(loaded_at=now))
            return current.version
        conn.execute(update(st).where(st.c.collection_id == self.collection.id).values(
            version=current.version + 1, modified=now, record_count=count, source=source,
            loaded_at=now))
        return current.version + 1
