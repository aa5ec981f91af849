"""Bbox and ``S_INTERSECTS`` pages walked in grid order (see :mod:`opengov.store.spatial_order`).

A page of a spatial query in the default order reads the ``(cell key, id)`` index range by
range from its cursor, tests each row exactly, and stops when the page is full: its cost
follows the page size, not the number of features the box matches. Cursors carry
``(cell key, id)``. Queries with a sort or a text search keep the ordinary plan. This module
plans (which path, from per-version statistics) and serves pages and downloads; the
statements are :mod:`opengov.store.grid_walk`'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, literal_column, select, table, text

from opengov import query as q
from opengov.lru import LRU
from opengov.store import grid_walk
from opengov.store.grid_walk import (
    CANDIDATES,
    CANDIDATES_AFTER,
    GridStatements,
    driving_box,
    driving_geometry,
    spatial_key,
)
from opengov.store.spatial_order import KeyRanges, SpatialStats

# Spatial queries in another order than the grid's take index candidates (and sort them) when
# about this many records or fewer are expected to match; beyond, they walk the sort order.
INDEX_CANDIDATES = 5000
# A grid-ordered page may sort the index candidates only when the box holds at most this many
# times the rows the page needs (else it walks the grid rows).
CANDIDATES_PER_PAGE = 2
# Under that bound it sorts them only when that is cheaper than walking the box's grid rows,
# by these rough costs (µs, measured on SQLite and PostGIS, docs/architecture.md): a grid row
# the walk visits (an index seek, a part of a statement), a row the walk reads, a candidate
# sorted (read whole from the table, tested, sorted by key with its stored feature).
PLAN_COSTS = {"sqlite": (8.0, 3.0, 4.0), "postgresql": (150.0, 4.0, 6.0)}
CURSOR_TYPES = ("integer", "string")  # a grid-ordered page's cursor: (cell key, id)


class GridPages:
    """The grid-ordered read path of one repository (its table, compilers and caches)."""

    def __init__(self, repo):
        self.repo = repo
        self.table = repo.table
        self.statements = GridStatements(repo)
        self._probes = LRU(256)  # (version, box, cap) → index candidates counted up to cap
        self.plans = LRU(256)  # (version, box, need) → (key ranges, sort the candidates?)

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

    def few_candidates(self, query: q.Query, version: int, conn, need: int,
                       ranges: KeyRanges | None = None) -> bool:
        """For a grid-ordered page: whether to sort the box's index candidates rather than
        walk its grid rows.

        Sorting reads every candidate, the walk about the page, so the candidates are sorted
        only when the spatial index holds at most :data:`CANDIDATES_PER_PAGE` × ``need`` of
        them for the box (counted up to there, one bounded index probe, kept per version and
        box). An even spread of the records over the extent guessed 2,481 for the 10,002
        parcels of a box around the centre of the 1 M set (parcels cluster in towns): sorting
        them all for a page of 1,000 cost 265 ms on PostGIS against ~50 ms walked.

        Under that bound, the cheaper of the two by :data:`PLAN_COSTS`: the walk visits the
        box's grid rows (all of them when the page holds every candidate, about the page's
        share of them otherwise) and reads about the page; the sort reads every candidate
        whole. A tall thin box with a few hundred features spans a thousand grid rows (sorted:
        1.6 ms against 10.7 ms walked on SQLite); the densest 0.02° cell of the sample spans
        22 rows and holds 1,703 parcels (walked: 3.2 ms against 9.6 ms sorted, limit=1000).
        """
        if self.expected_matches(query, version, conn) > INDEX_CANDIDATES:
            return False
        box = driving_box(query)
        cap = min(INDEX_CANDIDATES, CANDIDATES_PER_PAGE * need)
        key = (version, box, cap)
        found = self._probes.get(key)
        if found is None:
            found = self._count_candidates(conn, box, cap + 1)
            self._probes.put(key, found)
        if found > cap:
            return False
        ranges = ranges if ranges is not None else self.ranges(query, version, conn)
        if ranges is None:
            return True
        return self.sort_costs_less(found, need, ranges)

    def sort_costs_less(self, found: int, need: int, ranges: KeyRanges) -> bool:
        """Whether sorting ``found`` index candidates costs less than walking ``ranges`` for
        a page of ``need`` rows (:data:`PLAN_COSTS`)."""
        per_row, per_read, per_candidate = PLAN_COSTS[self.repo.store.dialect]
        rows = 1 if ranges.merged else ranges.last_row - ranges.first_row + 1
        visited = rows * min(1.0, need / found) if found else rows
        return found * per_candidate <= visited * per_row + min(found, need) * per_read

    def _count_candidates(self, conn, box, most: int) -> int:
        """The spatial index's candidates for ``box``, counted up to ``most``."""
        name = self.table.name
        if self.repo.store.dialect == "postgresql":
            inner = (select(literal_column("1")).select_from(self.table)
                     .where(text(f'"{name}".geom && ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326)'))
                     .limit(most))
        else:
            rtree = table(f"{name}_rtree")
            inner = (select(literal_column("1")).select_from(rtree)
                     .where(text("minx <= :x1 AND maxx >= :x0 AND miny <= :y1 AND maxy >= :y0"))
                     .limit(most))
        stmt = select(func.count()).select_from(inner.subquery())
        values = dict(zip(("x0", "y0", "x1", "y1"), box, strict=True))
        return conn.execute(stmt, values).scalar_one()

    def expected_matches(self, query: q.Query, version: int, conn) -> float:
        """The records the query's box would hold if the version's records were spread evenly
        over its extent (0 without a box or records)."""
        box = driving_box(query) if self.repo.collection.spatial else None
        stats = self.stats(version, conn) if box is not None else None
        if stats is None:
            return 0.0
        return stats.share_of(box) * self.repo.state(conn).record_count

    def stats(self, version: int, conn, found=None) -> SpatialStats | None:
        """The version's extent and largest feature half-size (its stored summary, or the
        summary ``found`` already)."""
        found = found if found is not None else self.repo.summary(version, conn)
        return SpatialStats(*found.box, *found.half) if found.box else None

    def ranges(self, query: q.Query, version: int, conn) -> KeyRanges | None:
        stats = self.stats(version, conn)
        if stats is None:
            return None
        ranges = KeyRanges.of(driving_box(query), stats)
        geometry = driving_geometry(query)
        if ranges is None or geometry is None:
            return ranges
        return ranges.clipped(geometry, stats)

    def holds_all(self, query: q.Query, version: int, conn=None) -> bool:
        """Whether the query's bbox contains every feature of this version (so is no filter)."""
        if query.bbox is None or not self.repo.collection.spatial:
            return False
        with self.repo._connection(conn) as c:
            found = self.repo.known_summary(version, c)
            stats = self.stats(version, c, found) if found is not None else None
            return stats is not None and stats.within(query.bbox.as_tuple())

    # -- pages ----------------------------------------------------------------------------------
    def page_rows(self, conn, query: q.Query, version: int, cursor, forward: bool,
                  columns) -> list:
        """A grid-ordered page's rows and one more (``offset`` rows skipped when there is no
        cursor), each the wanted columns then the key and the id."""
        key = cursor.key if cursor is not None else None
        skip = query.offset if key is None else 0
        rows = self.rows(conn, query, version, key, forward, columns, skip + query.limit + 1)
        return rows[skip:]

    def rows(self, conn, query: q.Query, version: int, cursor_key, forward: bool,
             columns, need: int) -> list:
        """Up to ``need`` rows after (forward) or before ``cursor_key`` = ``(key, id)``.

        A box expected to hold few records takes the spatial index's candidates and sorts
        them by ``(key, id)`` in one statement; any other walks the key ranges of its grid
        rows (:func:`opengov.store.grid_walk.walk`). Both give the same order, so a cursor
        from either continues in the other.
        """
        ranges, selective = self.plan(query, version, conn, need)
        if ranges is None:
            return []
        run = self.statements.runner(conn, query, columns, forward)
        with self.statements.serial(conn, generic=not selective):
            if not selective:
                return grid_walk.walk(run, ranges, cursor_key, forward, need)
            if cursor_key is None:
                return run(CANDIDATES, {"n": need})
            return run(CANDIDATES_AFTER, {"gk": cursor_key[0], "gid": cursor_key[1],
                                          "n": need})

    def plan(self, query: q.Query, version: int, conn,
             need: int) -> tuple[KeyRanges | None, bool]:
        """The box's key ranges (None: nothing can match) and whether to sort its index
        candidates rather than walk them (:meth:`few_candidates`), kept per version, box,
        ``S_INTERSECTS`` geometry and page size: both follow from those alone, and planning
        cost a tenth of a ``limit=100`` page."""
        key = (version, spatial_key(query), need)
        found = self.plans.get(key)
        if found is None:
            ranges = self.ranges(query, version, conn)
            selective = ranges is not None and self.few_candidates(query, version, conn, need,
                                                                   ranges)
            found = (ranges, selective)
            self.plans.put(key, found)
        return found

    def stream_batches(self, query: q.Query, columns, width: int,
                       batch: int) -> Iterator[list]:
        """Every matching row in grid order, ``batch`` at a time, from one snapshot (each
        row the wanted columns, or the stored record alone without ``columns``)."""
        with self._snapshot(batch) as c, self.statements.serial(c):
            version = self.repo.state(c).version
            rows: list = []
            for row in self.stream(c, query, version, columns):
                rows.append(row[:width] if columns else row[0])
                if len(rows) >= batch:
                    yield rows
                    rows = []
            if rows:
                yield rows

    @contextmanager
    def _snapshot(self, batch: int):
        """A streaming connection whose reads all see one snapshot."""
        store = self.repo.store
        with store.engine.connect() as c:
            c = c.execution_options(stream_results=True, yield_per=batch)
            if store.dialect == "postgresql":
                c = c.execution_options(isolation_level="REPEATABLE READ")
            with c.begin():
                yield c

    def stream(self, conn, query: q.Query, version: int, columns) -> Iterator:
        """Every matching row in grid order, :data:`~opengov.store.grid_walk.MAX_PARTS` grid
        rows per statement (each statement read as it is streamed)."""
        ranges = self.ranges(query, version, conn)
        if ranges is None:
            return
        statements: dict = {}
        box = grid_walk.box_values(query)
        for group in grid_walk.stream_groups(ranges):
            kind = len(group)
            if kind not in statements:
                statements[kind] = self.statements.statement(query, kind, True, columns,
                                                             limited=False)
            result = conn.execute(statements[kind],
                                  {**box, **grid_walk.range_values(group)})
            try:
                yield from result
            finally:
                result.close()
