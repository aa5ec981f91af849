"""Bbox and ``S_INTERSECTS`` pages walked in grid order (see :mod:`opengov.store.spatial_order`).

A page of a spatial query in the default order reads the ``(cell key, id)`` index range by
range from its cursor, tests each row exactly, and stops when the page is full: its cost
follows the page size, not the number of features the box matches. Cursors carry
``(cell key, id)``. Queries with a sort or a text search keep the ordinary plan.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import shapely
from sqlalchemy import BigInteger, Integer, bindparam, func, literal_column, select

from opengov import query as q
from opengov.store.compiled import CompiledStatement, Unparameterisable, parameterise
from opengov.store.spatial_order import COLUMNS, KeyRanges, SpatialStats, cell_key_sql

# Spatial queries in another order than the grid's take index candidates (and sort them) when
# about this many records or fewer are expected to match; beyond, they walk the sort order.
INDEX_CANDIDATES = 5000

# The statement kinds: a key range, the rest of the cursor's own key (the walk); the index
# candidates in grid order, from the start or after the cursor (few matches expected).
RANGE, BAND, SAME_KEY = "range", "band", "same"
CANDIDATES, CANDIDATES_AFTER = "candidates", "after"


def driving_box(query: q.Query) -> tuple[float, float, float, float] | None:
    """The box every matching feature must intersect: the bbox, the bounds of a top-level
    ``S_INTERSECTS`` geometry, or their overlap; None when the query has neither."""
    boxes = [query.bbox.as_tuple()] if query.bbox is not None else []
    items = (query.filter.items if isinstance(query.filter, q.And)
             else (query.filter,) if query.filter is not None else ())
    boxes += [tuple(shapely.from_wkb(i.wkb).bounds) for i in items
              if isinstance(i, q.Intersects)]
    if not boxes:
        return None
    return (max(b[0] for b in boxes), max(b[1] for b in boxes),
            min(b[2] for b in boxes), min(b[3] for b in boxes))


class GridPages:
    """The grid-ordered read path of one repository (its table, compilers and caches)."""

    def __init__(self, repo):
        self.repo = repo
        self.table = repo.table
        self.key = literal_column(cell_key_sql(repo.store.dialect), BigInteger)
        self._shapes: dict = {}

    # -- planning -------------------------------------------------------------------------------
    def applies(self, query: q.Query) -> bool:
        """Whether ``query`` pages in grid order: spatial, default order, a box to drive it."""
        return (self.repo.collection.spatial and not query.sort and not query.search
                and driving_box(query) is not None)

    def selective(self, query: q.Query, version: int, conn) -> bool:
        """For a spatial query in another order (``sort``, ``q``): whether to take candidates
        from the spatial index and sort them (few matches expected), rather than walk the
        sort order testing each row (many). The estimate spreads the version's records evenly
        over its extent; a wrong guess costs time, never a wrong page."""
        return self.expected_matches(query, version, conn) <= INDEX_CANDIDATES

    def expected_matches(self, query: q.Query, version: int, conn) -> float:
        """The records the query's box would hold if the version's records were spread evenly
        over its extent (0 without a box or records)."""
        box = driving_box(query) if self.repo.collection.spatial else None
        stats = self.stats(version, conn) if box is not None else None
        if stats is None:
            return 0.0
        return stats.share_of(box) * self.repo.state(conn).record_count

    def stats(self, version: int, conn) -> SpatialStats | None:
        """The version's extent and largest feature half-size (one aggregate per version)."""
        return self.repo._spatial_stats.get_or_compute(version, lambda: self._stats(conn))

    def _stats(self, conn) -> SpatialStats | None:
        c = self.table.c
        row = conn.execute(select(
            func.min(c._minx), func.min(c._miny), func.max(c._maxx), func.max(c._maxy),
            func.max(c._maxx - c._minx) / 2, func.max(c._maxy - c._miny) / 2)).one()
        return SpatialStats(*(float(v) for v in row)) if row[0] is not None else None

    def ranges(self, query: q.Query, version: int, conn) -> KeyRanges | None:
        stats = self.stats(version, conn)
        return KeyRanges.of(driving_box(query), stats) if stats is not None else None

    # -- pages ----------------------------------------------------------------------------------
    def rows(self, conn, query: q.Query, version: int, cursor_key, forward: bool,
             columns, need: int) -> list:
        """Up to ``need`` rows after (forward) or before ``cursor_key`` = ``(key, id)``, each
        the wanted columns then the key and the id.

        A box expected to hold few records takes the spatial index's candidates and sorts
        them by ``(key, id)`` in one statement (one statement per grid row would cost more);
        any other walks the key ranges. Both give the same order, so a cursor from either
        continues in the other.
        """
        ranges = self.ranges(query, version, conn)
        if ranges is None:
            return []
        runner = self._runner(conn, query, columns, forward)
        if self.selective(query, version, conn):
            if cursor_key is None:
                return runner(CANDIDATES, {"n": need})
            return runner(CANDIDATES_AFTER, {"gk": cursor_key[0], "gid": cursor_key[1],
                                             "n": need})
        out: list = []
        if cursor_key is not None:
            key, rid = cursor_key
            out += runner(SAME_KEY, {"gk": key, "gid": rid, "n": need})
            bound = key + 1 if forward else key - 1
        for lo, hi in ranges.bands(cursor_key and cursor_key[0], forward):
            if len(out) >= need:
                break
            if cursor_key is not None:
                lo, hi = (max(lo, bound), hi) if forward else (lo, min(hi, bound))
                if lo > hi:
                    continue
            kind, extra = self._range_kind(ranges, lo, hi)
            out += runner(kind, {**extra, "glo": lo, "ghi": hi, "n": need - len(out)})
        return out

    def stream(self, conn, query: q.Query, version: int, columns) -> Iterator:
        """Every matching row in grid order, range by range (each read as it is streamed)."""
        ranges = self.ranges(query, version, conn)
        if ranges is None:
            return
        statements = {kind: self._statement(query, kind, True, columns, limited=False)
                      for kind in (RANGE, BAND)}
        for lo, hi in ranges.bands():
            kind, extra = self._range_kind(ranges, lo, hi)
            result = conn.execute(statements[kind], {**extra, "glo": lo, "ghi": hi})
            try:
                yield from result
            finally:
                result.close()

    @staticmethod
    def _range_kind(ranges: KeyRanges, lo: int, hi: int) -> tuple[str, dict]:
        """A range within one grid row (or over every column) needs no column test; a band
        of several rows does (the planner is left to estimate the plain range alone)."""
        if ranges.merged or lo // COLUMNS == hi // COLUMNS:
            return RANGE, {}
        return BAND, {"gc0": ranges.first_column, "gc1": ranges.last_column}

    def _runner(self, conn, query: q.Query, columns, forward: bool):
        """A function running one statement kind of this query with extra bound values."""
        try:
            shape, values = parameterise(query, self.repo._coerce_field)
        except Unparameterisable:
            statements: dict = {}

            def run_plain(kind, extra):
                if kind not in statements:
                    statements[kind] = self._statement(query, kind, forward, columns)
                return list(conn.execute(statements[kind], extra).all())
            return run_plain

        def run(kind, extra):
            key = (repr(shape), kind, forward, tuple(columns or ()))
            compiled = self._shapes.get(key)
            if compiled is None:
                compiled = CompiledStatement.of(
                    self._statement(shape, kind, forward, columns),
                    self.repo.store.engine.dialect)
                if len(self._shapes) > 256:
                    self._shapes.clear()
                self._shapes[key] = compiled
            return compiled.execute(conn, {**values, **extra})
        return run

    def _statement(self, query: q.Query, kind: str, forward: bool, columns,
                   limited: bool = True):
        repo = self.repo
        t = self.table
        stmt = select(*repo._wanted(columns), self.key, t.c.id).select_from(t)
        where = repo.where(replace(query, cursor=None),
                           indexed=kind in (CANDIDATES, CANDIDATES_AFTER))
        if where is not None:
            stmt = stmt.where(where)
        gk = bindparam("gk", type_=BigInteger)
        if kind == CANDIDATES_AFTER:
            beyond = ((self.key > gk) | ((self.key == gk) & (t.c.id > bindparam("gid"))))
            if not forward:
                beyond = ((self.key < gk) | ((self.key == gk) & (t.c.id < bindparam("gid"))))
            stmt = stmt.where(beyond)
        elif kind == SAME_KEY:
            after = t.c.id > bindparam("gid") if forward else t.c.id < bindparam("gid")
            stmt = stmt.where(self.key == gk, after)
        elif kind in (RANGE, BAND):
            stmt = stmt.where(self.key >= bindparam("glo", type_=BigInteger),
                              self.key <= bindparam("ghi", type_=BigInteger))
        if kind == BAND:
            column = self.key % COLUMNS
            stmt = stmt.where(column >= bindparam("gc0", type_=BigInteger),
                              column <= bindparam("gc1", type_=BigInteger))
        order = (self.key, t.c.id) if forward else (self.key.desc(), t.c.id.desc())
        stmt = stmt.order_by(*order)
        return stmt.limit(bindparam("n", type_=Integer)) if limited else stmt
