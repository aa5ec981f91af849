"""Repositories: read pages and write loads of one collection. No HTTP here.

The read path is here; the write path (loads, version bumps) is :mod:`opengov.store.writes`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property

from sqlalchemy import (
    Engine,
    LargeBinary,
    and_,
    bindparam,
    cast,
    func,
    inspect,
    or_,
    select,
    update,
)
from werkzeug.http import http_date

from opengov import query as q
from opengov.collections import Collection, Registry
from opengov.cursor import Cursor, CursorError
from opengov.geo.crs import parse_crs
from opengov.geo.geojson import stored_id
from opengov.geo.stored_features import FEATURE, NATIVE_FEATURE
from opengov.lru import LRU
from opengov.store import summary, timeouts
from opengov.store.compiled import CompiledStatement, Unparameterisable, parameterise
from opengov.store.engine import write_transaction
from opengov.store.filters import (
    FilterCompiler,
    FilterError,
    Ranking,
    bind_value,
    coerce_value,
)
from opengov.store.readers import ThreadReaders
from opengov.store.spatial_pages import CURSOR_TYPES as GRID_CURSOR_TYPES
from opengov.store.spatial_pages import GridPages
from opengov.store.summary import Summary
from opengov.store.tables import build_metadata, has_native_geometry
from opengov.store.writes import LoadResult as LoadResult  # re-exported: loaders return it
from opengov.store.writes import WritePath

# Stored serialisations read as bytes when asked for by name (the native-CRS Feature).
FEATURE_COLUMNS = (FEATURE, NATIVE_FEATURE)


@dataclass(frozen=True)
class CollectionState:
    version: int
    modified: datetime | None
    record_count: int

    @cached_property
    def http_modified(self) -> str | None:
        """``modified`` as an HTTP date (``Last-Modified``), formatted once per state."""
        return http_date(self.modified) if self.modified is not None else None


@dataclass
class Page:
    """One page of serialised records plus what the view needs for links."""

    items: list[str]
    number_matched: int | None
    next: Cursor | None = None
    prev: Cursor | None = None


@dataclass
class Store:
    """The engine plus the schema of every registered collection."""

    engine: Engine
    registry: Registry
    count_cache_size: int = 4096
    #: What the application's capabilities add to the schema (``Capability.tables``).
    tables: tuple = ()
    #: Request reads on a replica (:class:`~opengov.store.replica.ReadRouter`), or None.
    router: object = None
    metadata: object = field(init=False)

    def __post_init__(self):
        self.metadata = build_metadata(self.registry, self.tables)
        self.dialect = self.engine.dialect.name
        self._counts = LRU(self.count_cache_size)
        self._repos = {c.id: Repository(self, c) for c in self.registry}
        self._readers = ThreadReaders(self.engine) if self.dialect == "sqlite" else None
        #: What capabilities derive from this store and keep as long as it lives (compiled
        #: statements, statistics per version), by name; never in module globals.
        self.caches: dict[str, object] = {}

    def reading(self):
        """A context manager giving a connection for one request's reads.

        SQLite: the thread's kept connection (:mod:`opengov.store.readers`), its reads one
        snapshot (a deferred ``BEGIN`` at the first read, see
        :func:`~opengov.store.compiled.begin_snapshot`), blocks nested in it sharing it.
        PostgreSQL: a pooled connection in autocommit, each statement seeing what was committed
        when it started — what READ COMMITTED gives inside a transaction too — without the
        round trips of ``BEGIN`` and ``ROLLBACK``.
        """
        if self._readers is not None:
            return self._readers.reading()
        return self._autocommit_reading()

    @contextmanager
    def _autocommit_reading(self):
        with (self.engine if self.router is None else self.router).connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            try:
                yield conn
            except Exception:
                # A connection the server dropped is discarded here rather than reset by the
                # pool (whose failed rollback logs a trace per connection during an outage).
                if not conn.invalidated and getattr(conn.connection.dbapi_connection,
                                                    "closed", False):
                    conn.invalidate()
                raise

    def table(self, name: str):
        return self.metadata.tables[name]  # type: ignore[attr-defined]

    @cached_property
    def keeps_summaries(self) -> bool:
        """Whether ``collection_state`` has its ``summary`` column (migration 0022). During an
        upgrade a server of this release reads (and a load writes) the previous schema: both
        then do without, as before (asked once per store)."""
        with self.engine.connect() as conn:
            columns = inspect(conn).get_columns("collection_state")
        return any(c["name"] == "summary" for c in columns)

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


def _unfiltered(query: q.Query) -> bool:
    """Whether ``query`` selects every record (what ``Repository.where`` makes None), told
    without compiling a clause: building a bbox's SQLAlchemy expression just to ask cost a
    few milliseconds of every bbox page (most of a ``limit=100`` page on SQLite)."""
    interval = query.interval
    return (query.filter is None and query.bbox is None and not query.search
            and query.updated_since is None
            and (interval is None or (interval.start is None and interval.end is None)))


class Repository(WritePath):
    """Reads and writes one collection's table."""

    def __init__(self, store: Store, collection: Collection):
        self.store = store
        self.collection = collection
        self.table = store.table(collection.table_name)
        self.compiler = FilterCompiler(collection, self.table, store.dialect)
        self.scan_compiler = FilterCompiler(collection, self.table, store.dialect, indexed=False)
        self._summaries = LRU(4)  # extent, largest feature and time range per version
        self.grid = GridPages(self)
        self._state_sql: CompiledStatement | None = None
        self._states = LRU(8)  # converted states by the row as stored (old versions drop out)
        self._shapes = LRU(256)  # compiled page statements by query shape
        self._native_crs = (parse_crs(collection.native_crs)
                            if has_native_geometry(collection) else None)

    # -- state ----------------------------------------------------------------------------------
    @contextmanager
    def _connection(self, conn=None):
        """Use the caller's connection (one snapshot per request) or open a short one."""
        if conn is not None:
            yield conn
        else:
            with self.store.reading() as own:
                yield own

    def state(self, conn=None) -> CollectionState:
        """The collection's version, last modification and record count (read every time;
        the row is converted once per distinct value)."""
        if self._state_sql is None:
            t = self.store.table("collection_state")
            self._state_sql = CompiledStatement.of(
                select(t.c.version, t.c.modified, t.c.record_count)
                .where(t.c.collection_id == bindparam("cid")), self.store.engine.dialect)
        with self._connection(conn) as c:
            rows = self._state_sql.execute(c, {"cid": self.collection.id}, processed=False)
        if not rows:
            return CollectionState(0, None, 0)
        raw = tuple(rows[0])
        return self._states.get_or_compute(
            raw, lambda: CollectionState(*self._state_sql.process(raw)))

    # -- reading --------------------------------------------------------------------------------
    def where(self, query: q.Query, indexed: bool = True):
        """The WHERE clause selecting the query's rows (without paging); ``indexed=False``
        tests spatial predicates row by row instead of through the spatial index."""
        compiler = self.compiler if indexed else self.scan_compiler
        parts = []
        if query.filter is not None:
            parts.append(compiler.compile(query.filter))
        if query.bbox is not None:
            parts.append(compiler.bbox(query.bbox))
        if query.search:
            parts.append(compiler.text_match(query.search))
        if query.updated_since is not None:
            parts.append(self.table.c._updated_at >= bind_value(query.updated_since))
        if query.interval is not None:
            tf = self.collection.time_field
            if tf is None:
                raise FilterError(f"collection {self.collection.id!r} has no time field")
            if query.interval.start is not None:
                parts.append(self.table.c[tf] >= bind_value(query.interval.start))
            if query.interval.end is not None:
                parts.append(self.table.c[tf] < bind_value(query.interval.end))
        return and_(*parts) if parts else None

    def _ranking(self, query: q.Query) -> Ranking | None:
        """The relevance order of a search without an explicit sort; None otherwise."""
        return self.compiler.ranking(query.search) if query.search and not query.sort else None

    def _sort_columns(self, query: q.Query,
                      ranking: Ranking | None = None) -> list[tuple[object, bool]]:
        keys: list[tuple[object, bool]] = []
        if ranking is not None:
            keys.append((ranking.rank, True))
        for key in query.sort:
            cols, _ = self.compiler.columns(key.field)
            keys.append((cols[0], key.descending))
        keys.append((self.table.c.id, False))
        return keys

    def _sort_types(self, query: q.Query) -> tuple[str, ...]:
        """The field types of :meth:`_sort_columns`' keys (a relevance rank is a number)."""
        types = ["number"] if not query.sort and query.search else []
        types += [self.compiler.columns(key.field)[1] for key in query.sort]
        return (*types, "string")

    @staticmethod
    def _after(keys, values, forward: bool):
        """Keyset condition: rows strictly after ``values`` in the (possibly reversed) order."""
        clauses = []
        values = [bind_value(v) for v in values]
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
        if self.grid.holds_all(query, version, conn):  # a bbox around everything: no bbox
            return self.count(replace(query, bbox=None), version, conn)
        stmt = select(func.count()).select_from(self.table)
        where = self.where(query)
        if where is not None:
            stmt = stmt.where(where)
        with self._connection(conn) as c:
            total = c.execute(stmt).scalar_one()
        self.store._counts.put(key, total)
        return total

    def count_within(self, query: q.Query, version: int, limit: int, conn=None) -> int | None:
        """The exact count when it is cached, free or cheap; None when it would scan more
        than ``limit`` rows (callers then omit it rather than estimate)."""
        key = (self.collection.id, version, query.key())
        cached = self.store._counts.get(key)
        if cached is not None:
            return cached
        if self.grid.holds_all(query, version, conn):
            return self.count_within(replace(query, bbox=None), version, limit, conn)
        if _unfiltered(query) and self.collection.kind == "batch":
            state = self.state(conn)  # a batch load records its row count with its version
            if state.version == version:
                self.store._counts.put(key, state.record_count)
                return state.record_count
        total = self.count(q.Query(), version, conn)
        return self.count(query, version, conn) if total <= limit else None

    def page(self, query: q.Query, version: int, *, with_count: bool = True,
             columns: list[str] | None = None, conn=None,
             count_limit: int | None = None) -> Page:
        """One page in sort order, with cursors around it.

        Items are the stored serialised records, or tuples of ``columns`` when given. With
        ``count_limit`` the count is omitted when it would scan more rows than that.
        """
        query, gridded, cursor = self._page_order(query, version, conn)
        ranking = self._ranking(query)
        keys = self._sort_columns(query, ranking)
        forward = cursor is None or cursor.direction == "next"
        width = len(columns) if columns else 1
        # Sorted by id alone, the stored records carry their key: the id column is not read for
        # every row (a tenth of a 1,000-row page), only the first and last records' ids are.
        by_id = columns is None and not query.sort and not query.search and not gridded
        with self._connection(conn) as c:
            if gridded:
                rows = self.grid.page_rows(c, query, version, cursor, forward, columns)
            else:
                indexed = self.grid.selective(query, version, c)
                rows = self._page_rows(c, query, keys, cursor, forward, columns, not by_id,
                                       ranking, indexed)
        more = len(rows) > query.limit
        rows = rows[: query.limit]
        if not forward:
            rows.reverse()
        items = [tuple(r[:width]) for r in rows] if columns else [r[0] for r in rows]
        if by_id:
            first_key = (stored_id(items[0]),) if items else None
            last_key = (stored_id(items[-1]),) if items else None
        else:
            first_key = tuple(rows[0][width:]) if rows else None
            last_key = tuple(rows[-1][width:]) if rows else None
        has_next = more if forward else cursor is not None
        has_prev = (cursor is not None or query.offset > 0) if forward else more
        return Page(
            items=items,
            number_matched=self._number_matched(query, version, conn, with_count, count_limit),
            next=Cursor(last_key, "next") if has_next and last_key else None,
            prev=Cursor(first_key, "prev") if has_prev and first_key else None,
        )

    def _page_order(self, query: q.Query, version: int,
                    conn) -> tuple[q.Query, bool, Cursor | None]:
        """How a page is read: the query, whether in grid order, and its decoded cursor.

        A bbox holding every feature of the version filters nothing: its pages are the pages
        without it, in id order, as cheap (a client's "full extent"; walked in grid order, a
        ``limit=100`` page of the sample cost 1.7× the page without bbox). Its cursors hold an
        id alone, and such a cursor goes on in id order, with the bbox as a filter should a
        newer version reach outside it; a grid cursor goes on in grid order."""
        if not self.grid.applies(query):
            return query, False, self._cursor(query, self._sort_types(query))
        covered = self.grid.holds_all(query, version, conn)
        reduced = replace(query, bbox=None) if covered else query
        if not query.cursor:
            return reduced, self.grid.applies(reduced), None
        try:
            return query, True, self._cursor(query, GRID_CURSOR_TYPES)
        except CursorError:
            return reduced, False, self._cursor(reduced, self._sort_types(reduced))

    @staticmethod
    def _cursor(query: q.Query, types: tuple[str, ...]) -> Cursor | None:
        return Cursor.decode(query.cursor, types) if query.cursor else None

    def stream(self, query: q.Query, *, columns: list[str] | None = None,
               batch: int = 5000) -> Iterator[list]:
        """Every row matching ``query`` in sort order, ``batch`` rows at a time.

        One statement read in batches from one cursor (a server-side cursor on PostgreSQL), so
        memory stays at one batch, the whole download is one consistent snapshot, and the
        spatial-index candidates are found and sorted once (re-running a keyset query per batch
        made a 1M-row bbox download quadratic). The page-size limit does not apply.
        """
        width = len(columns) if columns else 1
        if self.grid.applies(query):
            yield from self.grid.stream_batches(query, columns, width, batch)
            return
        ranking = self._ranking(query)
        keys = self._sort_columns(query, ranking)
        stmt = self._page_statement(replace(query, offset=0, cursor=None), keys, None, True,
                                    columns, ranking=ranking).limit(None)
        with self.store.engine.connect() as c:
            result = c.execution_options(stream_results=True, yield_per=batch).execute(stmt)
            try:  # also when the reader stops early (a client that disconnects)
                while True:
                    timeouts.arm()  # the statement timeout applies to each batch
                    rows = result.fetchmany(batch)
                    if not rows:
                        break
                    yield [r[:width] for r in rows] if columns else [r[0] for r in rows]
            finally:
                result.close()

    def _wanted(self, columns: list[str] | None) -> list:
        """The selected columns of a page: stored serialisations as bytes, others as stored."""
        return ([self._feature_bytes(c) if c in FEATURE_COLUMNS else self.table.c[c]
                 for c in columns] if columns else [self._feature_bytes()])

    def _page_statement(self, query: q.Query, keys, cursor_key, forward: bool,
                        columns: list[str] | None, with_keys: bool = True,
                        ranking: Ranking | None = None, indexed: bool = True):
        wanted = self._wanted(columns)
        sort_values = [k for k, _ in keys] if with_keys else []
        source = self.table
        if ranking is not None and ranking.matches is not None:
            source = ranking.source(self.table)
            query = replace(query, search=None)  # joining the ranked matches is the match
        stmt = select(*wanted, *sort_values).select_from(source)
        where = self.where(query, indexed)
        if where is not None:
            stmt = stmt.where(where)
        if cursor_key is not None:
            stmt = stmt.where(self._after(keys, cursor_key, forward))
        stmt = stmt.order_by(*(col.desc() if desc == forward else col.asc()
                               for col, desc in keys))
        stmt = stmt.limit(query.limit + 1)
        if query.offset and cursor_key is None:
            stmt = stmt.offset(query.offset)
        return stmt

    def feature_bytes(self):
        """The stored Feature JSON as UTF-8 bytes (a column expression for other readers)."""
        return self._feature_bytes()

    def _feature_bytes(self, name: str = "_feature"):
        """The stored JSON as UTF-8 bytes, so pages are joined without decoding each row."""
        col = self.table.c[name]
        if self.store.dialect == "postgresql":
            return func.convert_to(col, "UTF8", type_=LargeBinary)
        return cast(col, LargeBinary)

    def _coerce_field(self, name: str, value: object) -> object:
        return coerce_value(self.compiler.columns(name)[1], value)

    def _page_rows(self, conn, query, keys, cursor, forward, columns, with_keys=True,
                   ranking: Ranking | None = None, indexed=True) -> list:
        """Rows of one page: through a statement compiled once per query shape when possible;
        each row is the wanted columns, then the sort-key values when ``with_keys``;
        ``indexed=False`` walks the sort order testing spatial predicates row by row."""
        try:
            shape, values = parameterise(query, self._coerce_field)
        except Unparameterisable:
            stmt = self._page_statement(query, keys, cursor and cursor.key, forward, columns,
                                        with_keys, ranking, indexed)
            return list(conn.execute(stmt).all())
        cursor_key = None
        if cursor is not None:
            cursor_key = tuple(q.Param(f"k{i}") for i in range(len(cursor.key)))
            values.update({f"k{i}": v for i, v in enumerate(cursor.key)})
        key = (repr(shape), cursor and cursor.direction, tuple(columns or ()), with_keys,
               indexed)
        compiled = self._shapes.get(key)
        if compiled is None:
            stmt = self._page_statement(shape, keys, cursor_key, forward, columns, with_keys,
                                        ranking, indexed)
            compiled = CompiledStatement.of(stmt, self.store.engine.dialect)
            self._shapes.put(key, compiled)
        return compiled.execute(conn, values)

    def _number_matched(self, query, version, conn, with_count, count_limit) -> int | None:
        if not with_count:
            return None
        if count_limit is None:
            return self.count(query, version, conn)
        return self.count_within(query, version, count_limit, conn)

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

    def extent(self, conn=None) -> tuple[tuple | None, tuple | None]:
        """``((minx, miny, maxx, maxy) | None, (first, last) | None)``: the bounding box of the
        geometries and the range of the time field, from the current version's summary."""
        found = self.summary(conn=conn)
        return found.box, found.times

    def summary(self, version: int | None = None, conn=None) -> Summary:
        """The summary of ``version`` (default: the current one, as ``conn`` sees it): the one
        its load kept in the state row, else one aggregate over the table (a version written
        without one); kept per version."""
        with self._connection(conn) as c:
            if version is None:
                version = self.state(c).version
            return self._summaries.get_or_compute(version, lambda: self._summary_of(c, version))

    def known_summary(self, version: int, conn=None) -> Summary | None:
        """The summary of ``version`` when it is kept, or when ``version`` is the current one
        (as ``conn`` sees it) and can be read; None for an older version not kept."""
        found = self._summaries.get(version)
        if found is not None:
            return found
        with self._connection(conn) as c:
            return self.summary(version, c) if self.state(c).version == version else None

    def _summary_of(self, conn, version: int) -> Summary:
        t = self.store.table("collection_state")
        stored = conn.execute(select(t.c.summary).where(
            t.c.collection_id == self.collection.id)).scalar() \
            if self.store.keeps_summaries else None
        return Summary.from_json(stored, version) or summary.compute(conn, self.collection,
                                                                     self.table)

    def get(self, record_id: str, conn=None, column: str = "_feature") -> str | None:
        """The serialised record with ``record_id`` (``column``: another stored serialisation,
        e.g. ``_feature_native``), or None."""
        stmt = select(self.table.c[column]).where(self.table.c.id == record_id)
        with self._connection(conn) as c:
            return c.execute(stmt).scalar_one_or_none()
