"""The statements of a grid-ordered page (see :mod:`opengov.store.spatial_pages`).

A walk reads the box's grid rows in key order. One statement reads several rows: each row's
key range is one part of a ``UNION ALL`` with a ``LIMIT``. On SQLite each part is ordered by
``(key, id)`` in a subquery and the arms run one after the other (checked, with the merge of an
outer ``ORDER BY`` as fallback: :func:`in_order`); PostgreSQL runs the parts, each ordered and
limited, as a Merge Append of index scans under the outer ``ORDER BY``. Both read each part
lazily, in order, and stop when the page is full.
A statement holds one row, then as many as the density of the last one suggests (up to
:data:`MAX_PARTS`), so the nearly empty rows at a box's edge cost a few statements instead of
one each, and a dense row costs what it did alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from operator import itemgetter

import shapely
from sqlalchemy import (
    BigInteger,
    Float,
    Integer,
    and_,
    bindparam,
    literal_column,
    select,
    union_all,
)

from opengov import query as q
from opengov.store.compiled import CompiledStatement, Unparameterisable, parameterise
from opengov.store.spatial_order import KeyRanges, cell_key_sql

INERROR = 3  # psycopg.pq.TransactionStatus.INERROR: a failed transaction, rolled back later

# Rows per statement: the first statement reads one row (a dense row fills the page alone),
# each next one GROWTH times more, up to MAX_PARTS (every part costs an index seek).
GROWTH = 4
MAX_PARTS = 64
# A part that reads nothing (pads a statement to a compiled size).
EMPTY = (1, 0)

BOX_PARAMS = ("bx0", "by0", "bx1", "by1")  # the driving box, bound to every statement

# PostgreSQL settings around a walk's statements (see GridStatements.serial). A walk's
# statements are prepared and run their generic plan: the custom plan of a 64-row statement
# took ~20 ms to plan for ~5 ms of work, and ``auto`` kept re-planning it. A generic plan knows
# neither the ranges nor the limit, so it is made with the ordered index scan as the only way
# (no sequential or bitmap scan, no sort): on 4,000 rows it read them all, sorted, otherwise.
WALK_SETTINGS = (("max_parallel_workers_per_gather", "0"),
                 ("plan_cache_mode", "force_generic_plan"), ("enable_seqscan", "off"),
                 ("enable_bitmapscan", "off"), ("enable_sort", "off"))

# Statement kinds: the index candidates in grid order, from the start or after the cursor
# (boxes expected to hold few records); the rest of the cursor's own key; otherwise a number
# of key ranges.
CANDIDATES, CANDIDATES_AFTER, SAME_KEY = "candidates", "after", "same"


def _intersects(query: q.Query) -> list[q.Intersects]:
    """The query's top-level ``S_INTERSECTS`` filters (alone or inside its top ``AND``)."""
    items = (query.filter.items if isinstance(query.filter, q.And)
             else (query.filter,) if query.filter is not None else ())
    return [i for i in items if isinstance(i, q.Intersects)]


def driving_box(query: q.Query) -> tuple[float, float, float, float] | None:
    """The box every matching feature must intersect: the bbox, the bounds of a top-level
    ``S_INTERSECTS`` geometry, or their overlap; None when the query has neither."""
    boxes = [query.bbox.as_tuple()] if query.bbox is not None else []
    boxes += [tuple(shapely.from_wkb(i.wkb).bounds) for i in _intersects(query)]
    if not boxes:
        return None
    return (max(b[0] for b in boxes), max(b[1] for b in boxes),
            min(b[2] for b in boxes), min(b[3] for b in boxes))


def driving_geometry(query: q.Query):
    """The geometry of the query's top-level ``S_INTERSECTS`` (their intersection when there
    are several); None when it has none. A walk's rows are clipped to it."""
    geometries = [shapely.from_wkb(i.wkb) for i in _intersects(query)]
    if not geometries:
        return None
    return geometries[0] if len(geometries) == 1 else shapely.intersection_all(geometries)


def spatial_key(query: q.Query) -> tuple:
    """What decides a query's grid ranges: its driving box and its ``S_INTERSECTS``
    geometries."""
    return (driving_box(query), *(i.wkb for i in _intersects(query)))


def box_values(query: q.Query) -> dict:
    """The driving box bound as :data:`BOX_PARAMS` (every walk statement tests it first)."""
    return dict(zip(BOX_PARAMS, driving_box(query) or (0.0,) * 4, strict=True))


class GridStatements:
    """Builds, compiles (once per query shape) and runs one repository's grid statements."""

    def __init__(self, repo):
        self.repo = repo
        self.table = repo.table
        self.key = literal_column(cell_key_sql(repo.store.dialect), BigInteger)
        self._shapes: dict = {}

    @contextmanager
    def serial(self, conn, generic: bool = False):
        """PostgreSQL: no parallel plan for the statements run inside. A walk's statement
        reads a few hundred rows and stops; planned in parallel (a sort of every row of its
        ranges under a Gather Merge) it waited for workers to start, 100-300 ms on a loaded
        machine against ~3 ms of work. With ``generic`` (a walk), prepared statements run
        their generic plan, made without a scan or a sort other than the ordered index (see
        :data:`WALK_SETTINGS`). One round trip before, one after."""
        if self.repo.store.dialect != "postgresql":
            yield
            return
        names = WALK_SETTINGS if generic else WALK_SETTINGS[:1]
        dbapi = conn.connection.dbapi_connection
        dbapi.execute("; ".join(f"SET {name} = {value}" for name, value in names))
        try:
            yield
        finally:
            if not dbapi.closed and dbapi.info.transaction_status != INERROR:
                dbapi.execute("; ".join(f"RESET {name}" for name, _ in names))

    def runner(self, conn, query: q.Query, columns, forward: bool):
        """A function ``run(kind, values)`` running one statement kind of this query."""
        box = box_values(query)
        sqlite = self.repo.store.dialect == "sqlite"

        def trusted(kind, merge: bool) -> bool:  # needs no order check: see in_order
            return merge or not sqlite or not isinstance(kind, int) or kind < 2

        try:
            shape, values = parameterise(query, self.repo._coerce_field)
        except Unparameterisable:
            statements: dict = {}

            def run_plain(kind, extra, merge=False):
                if (kind, merge) not in statements:
                    statements[kind, merge] = self.statement(query, kind, forward, columns,
                                                             merge=merge)
                rows = list(conn.execute(statements[kind, merge], {**box, **extra}).all())
                if trusted(kind, merge) or in_order(rows, forward):
                    return rows
                return run_plain(kind, extra, True)
            return run_plain

        text = repr(shape)  # the shape as a key (a Query holds dicts: not hashable)

        def run(kind, extra, merge=False):
            key = (text, kind, forward, tuple(columns or ()), merge)
            compiled = self._shapes.get(key)
            if compiled is None:
                compiled = CompiledStatement.of(
                    self.statement(shape, kind, forward, columns, merge=merge),
                    self.repo.store.engine.dialect,
                    prepare=kind not in (CANDIDATES, CANDIDATES_AFTER))
                if len(self._shapes) > 256:
                    self._shapes.clear()
                self._shapes[key] = compiled
            rows = compiled.execute(conn, {**values, **box, **extra})
            if trusted(kind, merge) or in_order(rows, forward):
                return rows
            return run(kind, extra, True)
        return run

    def statement(self, query: q.Query, kind, forward: bool, columns, limited: bool = True,
                  merge: bool = False):
        """The statement of ``kind``; rows are the wanted columns, then the key and the id.
        ``merge``: several parts ordered as a whole (SQLite's merge), not arm by arm."""
        if kind in (CANDIDATES, CANDIDATES_AFTER):
            stmt = self._part(query, kind, forward, columns)
            order = self._order(self.key, self.table.c.id, forward)
        else:
            selects = ([self._part(query, SAME_KEY, forward, columns)] if kind == SAME_KEY
                       else [self._part(query, i, forward, columns) for i in range(kind)])
            if len(selects) == 1:
                stmt = selects[0]
                order = self._order(self.key, self.table.c.id, forward)
            else:
                ordered = [s.order_by(*self._order(self.key, self.table.c.id, forward))
                           for s in selects]
                if limited and self.repo.store.dialect == "sqlite" and not merge:
                    # Each part ordered in a subquery, the parts one after the other: SQLite
                    # runs a UNION ALL arm by arm and stops at the LIMIT. Its merge of
                    # co-routines (an ORDER BY over the union) copied every row through the
                    # merge: 3.2 against 1.5 ms for 960 rows of 16 parts. The runner checks
                    # the order (:func:`in_order`) and falls back to the merge.
                    arms = [select(*sub.c) for sub in (o.subquery() for o in ordered)]
                    return union_all(*arms).limit(bindparam("n", type_=Integer))
                if limited and self.repo.store.dialect == "postgresql":
                    # Ordered and limited parts: a lazy Merge Append (else a sort of them all)
                    selects = [o.limit(bindparam("n", type_=Integer)) for o in ordered]
                stmt = union_all(*selects)
                cols = stmt.selected_columns
                order = self._order(cols.gkey, cols.id, forward)
        stmt = stmt.order_by(*order)
        return stmt.limit(bindparam("n", type_=Integer)) if limited else stmt

    @staticmethod
    def _order(key, rid, forward: bool):
        return (key, rid) if forward else (key.desc(), rid.desc())

    def _part(self, query: q.Query, part, forward: bool, columns):
        """One select: the query's rows of key range ``part`` (a number), of the rest of the
        cursor's key (:data:`SAME_KEY`), or the index candidates (after the cursor)."""
        repo, t = self.repo, self.table
        candidates = part in (CANDIDATES, CANDIDATES_AFTER)
        stmt = select(*repo._wanted(columns), self.key.label("gkey"), t.c.id).select_from(t)
        if not candidates:
            # The bounding boxes overlap first: a row of the grid holds features on either side
            # of the box's edge, and the exact test (a Python function on SQLite, ST_Intersects
            # on PostGIS) cost ~30 µs each, a first page tens of milliseconds.
            x0, y0, x1, y1 = (bindparam(name, type_=Float) for name in BOX_PARAMS)
            stmt = stmt.where(t.c._maxx >= x0, t.c._minx <= x1, t.c._maxy >= y0,
                              t.c._miny <= y1)
        where = repo.where(replace(query, cursor=None), indexed=candidates)
        if where is not None:
            stmt = stmt.where(where)
        gk, gid = bindparam("gk", type_=BigInteger), bindparam("gid")
        if part == CANDIDATES_AFTER:
            if forward:
                return stmt.where((self.key > gk) | ((self.key == gk) & (t.c.id > gid)))
            return stmt.where((self.key < gk) | ((self.key == gk) & (t.c.id < gid)))
        if part == SAME_KEY:
            return stmt.where(self.key == gk, t.c.id > gid if forward else t.c.id < gid)
        if candidates:
            return stmt
        return stmt.where(and_(self.key >= bindparam(f"glo{part}", type_=BigInteger),
                               self.key <= bindparam(f"ghi{part}", type_=BigInteger)))


def in_order(rows: list, forward: bool) -> bool:
    """Whether ``rows`` (each ending with the key and the id) come with their keys in walk
    order. The arms of SQLite's union hold disjoint key ranges, each ordered by its own
    ``ORDER BY``; SQLite runs them one after the other, which SQL does not promise, so a
    later SQLite that reorders them gets the merge instead. (The keys alone: 60 µs for 1,000
    rows, against 180 µs for key and id.)"""
    keys = list(map(itemgetter(-2), rows))
    return keys == sorted(keys, reverse=not forward)


def row_ranges(ranges: KeyRanges, cursor_key, forward: bool) -> Iterator[tuple[int, int]]:
    """The box's row ranges from the cursor on, clipped to keys after (before, when not
    ``forward``) the cursor's own key."""
    bound = None
    if cursor_key is not None:
        bound = cursor_key[0] + 1 if forward else cursor_key[0] - 1
    for lo, hi in ranges.row_ranges(cursor_key and cursor_key[0], forward):
        if bound is not None:
            lo, hi = (max(lo, bound), hi) if forward else (lo, min(hi, bound))
            if lo > hi:
                continue
        yield lo, hi


def groups(ranges: Iterator[tuple[int, int]],
           size: Callable[[], int]) -> Iterator[list[tuple[int, int]]]:
    """``ranges`` cut into lists, each as long as ``size()`` says when it starts (the last
    may be shorter)."""
    group: list = []
    wanted = size()
    for item in ranges:
        group.append(item)
        if len(group) >= wanted:
            yield group
            group, wanted = [], size()
    if group:
        yield group


def compiled_size(parts: int) -> int:
    """The smallest compiled statement size (a power of two up to :data:`MAX_PARTS`) holding
    ``parts`` ranges."""
    size = 1
    while size < parts:
        size *= 2
    return min(size, MAX_PARTS)


def padded(group: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``group`` padded with empty ranges to its compiled size."""
    return group + [EMPTY] * (compiled_size(len(group)) - len(group))


def range_values(group: list[tuple[int, int]]) -> dict:
    return {**{f"glo{i}": lo for i, (lo, _) in enumerate(group)},
            **{f"ghi{i}": hi for i, (_, hi) in enumerate(group)}}


def next_size(parts: int, found: int, wanted: int, read: float | None = None) -> int:
    """Rows for the next statement, from the last one (``found`` rows in ``parts`` rows, of
    which ``read`` full rows' worth of columns: less when it was the rest of the cursor's
    row): as many as that density needs for ``wanted`` more rows, :data:`GROWTH` times more
    when it found none, at most :data:`MAX_PARTS`; a dense row is read alone (every part
    costs an index seek, and its first row is read even when the page is full before it);
    rounded down to a compiled size, so no part is padding.
    After a part of a row that found something, one whole row: the end of a row is the
    box's edge, whose density says little of the rows inside."""
    if found == 0:
        return compiled_size(parts * GROWTH)
    read = parts if read is None else read
    rows = wanted * read / found
    if read < 1 or rows < 2:
        return 1
    # Rounded down: the next statement sizes itself from what this one finds. On PostGIS each
    # part costs ~0.1 ms to start even when empty (EXPLAIN ANALYZE of the first page of the 1 %
    # box: 24 rows wanted, 64 compiled, 2.6 ms of work in 9.7 ms).
    return min(MAX_PARTS, 2 ** math.floor(math.log2(rows)))


def walk(run, ranges: KeyRanges, cursor_key, forward: bool, need: int) -> list:
    """Up to ``need`` rows after (before) ``cursor_key`` in grid order: the rest of the
    cursor's own key, then several grid rows per statement (one first, then as many as the
    density of the last statement suggests). After the rest of the cursor's row, one whole
    row: on PostGIS, the few features of a row's end (the box's edge) made the next statement
    64 rows when the next row alone filled the page (the tenth page of a 50 % box at
    ``limit=1000``, 9× the page without bbox; 16 rows, sized by the part of the row read,
    still cost twice two statements of one row)."""
    out: list = []
    if cursor_key is not None:
        out += run(SAME_KEY, {"gk": cursor_key[0], "gid": cursor_key[1], "n": need})
    size = [1]  # the size of the next statement, updated from what each one found
    for group in groups(row_ranges(ranges, cursor_key, forward), lambda: size[0]):
        if len(out) >= need:
            break
        parts = padded(group)
        found = run(len(parts), {**range_values(parts), "n": need - len(out)})
        out += found
        read = sum(min(1.0, (hi - lo + 1) / ranges.span_width(lo)) for lo, hi in group)
        size[0] = next_size(len(group), len(found), need - len(out), read)
    return out


def stream_groups(ranges: KeyRanges) -> Iterator[list[tuple[int, int]]]:
    """Every row range of the box, :data:`MAX_PARTS` per statement, padded."""
    for group in groups(row_ranges(ranges, None, True), lambda: MAX_PARTS):
        yield padded(group)
