"""A grid order for spatial pages, so a bbox page costs what the page costs.

Every spatial table has an index on ``(cell key, id)``: the key numbers the cell of a fixed
world grid (1/1024° square) holding the centre of the feature's bounding box, row-major from
the south-west (``row × COLUMNS + column``). The key is an SQL expression over the stored
``_minx``/``_miny``/``_maxx``/``_maxy`` (an expression index: nothing to fill or migrate per row),
written once here and used verbatim by the index DDL and by the queries, so the planner matches
them.

A bbox (or the bounds of an ``S_INTERSECTS`` geometry) becomes key ranges: one per grid row it
covers (the columns it covers, widened by the largest feature half-size of the collection
version so features whose centre lies outside the box but whose area reaches in are not missed),
or one range for all its rows when it spans every column that holds data. Pages walk those
ranges in key order with a keyset on ``(key, id)``, testing each row exactly; a page reads about
``limit`` rows plus the few around the box's edges, however many features the box matches.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
import shapely

CELLS_PER_DEGREE = 1024
SLACK = 1e-9  # degrees added around a box's edges before they become cells (see KeyRanges.of)
COLUMNS = 360 * CELLS_PER_DEGREE
ROWS = 180 * CELLS_PER_DEGREE


def cell_key_sql(dialect: str) -> str:
    """The cell-key expression over the bbox columns, as SQL text (index and queries)."""
    if dialect == "postgresql":
        def cell(lo: str, hi: str, shift: int) -> str:
            return f"floor((({lo} + {hi}) / 2 + {shift}) * {CELLS_PER_DEGREE})::bigint"
    else:
        def cell(lo: str, hi: str, shift: int) -> str:
            return f"CAST((({lo} + {hi}) / 2 + {shift}) * {CELLS_PER_DEGREE} AS INTEGER)"
    return f"({cell('_miny', '_maxy', 90)} * {COLUMNS} + {cell('_minx', '_maxx', 180)})"


def cell_keys(minx, miny, maxx, maxy) -> np.ndarray:
    """The cell key of each bounding box (numpy arrays), as :func:`cell_key_sql` computes it."""
    def cell(lo, hi, shift: int) -> np.ndarray:
        return np.floor(((np.asarray(lo) + np.asarray(hi)) / 2 + shift)
                        * CELLS_PER_DEGREE).astype(np.int64)
    return cell(miny, maxy, 90) * COLUMNS + cell(minx, maxx, 180)


def index_name(table: str) -> str:
    return f"ix_{table}_spatial_order"


def order_index_ddl(dialect: str, table: str) -> list[str]:
    """Create the ``(cell key, id)`` index of a spatial table."""
    return [f'CREATE INDEX "{index_name(table)}" ON "{table}" '
            f"(({cell_key_sql(dialect)}), id)"]


def drop_order_index_ddl(table: str) -> list[str]:
    return [f'DROP INDEX IF EXISTS "{index_name(table)}"']


def add_order_indexes(op, tables: tuple[str, ...]) -> None:
    """Migration step: the grid-order index of each of ``tables`` (Alembic ``op``)."""
    dialect = op.get_bind().dialect.name
    for table in tables:
        for statement in order_index_ddl(dialect, table):
            op.execute(statement)
        if dialect == "postgresql":  # expression indexes get statistics from ANALYZE only
            op.execute(f'ANALYZE "{table}"')


def drop_order_indexes(op, tables: tuple[str, ...]) -> None:
    """Migration step undoing :func:`add_order_indexes`."""
    for table in tables:
        for statement in drop_order_index_ddl(table):
            op.execute(statement)


@dataclass(frozen=True)
class SpatialStats:
    """What one collection version's geometries span: their extent and largest half-size."""

    minx: float
    miny: float
    maxx: float
    maxy: float
    half_width: float
    half_height: float

    def share_of(self, box: tuple[float, float, float, float]) -> float:
        """The part of the extent's area that ``box`` covers (1.0 for a degenerate extent
        inside it, 0.0 outside)."""
        w = min(box[2], self.maxx) - max(box[0], self.minx)
        h = min(box[3], self.maxy) - max(box[1], self.miny)
        if w < 0 or h < 0:
            return 0.0
        area = (self.maxx - self.minx) * (self.maxy - self.miny)
        return 1.0 if area <= 0 else min(1.0, (w * h) / area)

    def within(self, box: tuple[float, float, float, float]) -> bool:
        """Whether ``box`` contains every feature's bounding box."""
        return (box[0] <= self.minx and box[1] <= self.miny and box[2] >= self.maxx
                and box[3] >= self.maxy)


# Segments × rows a geometry's row extents may cost to compute (numpy, ~10 ns each); beyond,
# a walk reads whole rows of the bounding box instead.
CLIP_BUDGET = 5_000_000


def _segments(geometry) -> np.ndarray:
    """Every segment of the geometry's outline as rows ``x0, y0, x1, y1`` (a point: one
    segment of length zero)."""
    out = []
    for part in shapely.get_parts(geometry):
        if isinstance(part, shapely.GeometryCollection | shapely.MultiPoint
                      | shapely.MultiLineString | shapely.MultiPolygon):
            out.append(_segments(part))
            continue
        lines = ([part.exterior, *part.interiors] if isinstance(part, shapely.Polygon)
                 else [part])
        for line in lines:
            xy = shapely.get_coordinates(line)
            if len(xy) == 1:
                xy = np.vstack([xy, xy])
            out.append(np.hstack([xy[:-1], xy[1:]]))
    return np.vstack(out) if out else np.empty((0, 4))


def band_extents(geometry, low: np.ndarray, high: np.ndarray) -> np.ndarray | None:
    """``(minx, maxx)`` of ``geometry`` within each horizontal band ``low[i]..high[i]`` (NaN
    where it has no point there); None beyond :data:`CLIP_BUDGET`. The extent of a shape's
    part within a band is reached on its outline, so the outline's segments clipped to the
    band give it."""
    seg = _segments(geometry)
    if len(seg) == 0 or len(seg) * len(low) > CLIP_BUDGET:
        return None
    x0, y0, x1, y1 = (seg[:, i:i + 1] for i in range(4))
    ymin, ymax = np.minimum(y0, y1), np.maximum(y0, y1)
    flat = y1 == y0
    out = np.full((len(low), 2), np.nan)
    chunk = max(1, 250_000 // len(seg))
    for start in range(0, len(low), chunk):
        lo, hi = low[start:start + chunk], high[start:start + chunk]
        a, b = np.maximum(ymin, lo), np.minimum(ymax, hi)  # the clipped y range
        hit = a <= b
        with np.errstate(divide="ignore", invalid="ignore"):
            xa = np.where(flat, x0, x0 + (x1 - x0) * (a - y0) / (y1 - y0))
            xb = np.where(flat, x1, x0 + (x1 - x0) * (b - y0) / (y1 - y0))
        lows = np.where(hit, np.minimum(xa, xb), np.inf).min(axis=0)
        highs = np.where(hit, np.maximum(xa, xb), -np.inf).max(axis=0)
        found = np.isfinite(lows)
        out[start:start + chunk, 0] = np.where(found, lows, np.nan)
        out[start:start + chunk, 1] = np.where(found, highs, np.nan)
    return out


def _column(x: float) -> int:
    return min(max(math.floor((x + 180) * CELLS_PER_DEGREE), 0), COLUMNS - 1)


def _row(y: float) -> int:
    return min(max(math.floor((y + 90) * CELLS_PER_DEGREE), 0), ROWS - 1)


@dataclass(frozen=True)
class KeyRanges:
    """The key ranges holding every feature that may intersect a box, in key order.

    Ranges are ``[row × COLUMNS + first, row × COLUMNS + last]`` for ``row`` in ``rows``, or one
    range over all the rows when ``merged``. Computed, never listed: a box may cover a
    thousand rows and a page usually needs one or two.
    """

    first_row: int
    last_row: int
    first_column: int
    last_column: int
    merged: bool
    # Per row from ``first_row``: its own ``(first, last)`` columns, or None when it holds
    # nothing that may match (see :meth:`clipped`); None: every row spans the same columns.
    spans: tuple[tuple[int, int] | None, ...] | None = None

    @classmethod
    def of(cls, box: tuple[float, float, float, float],
           stats: SpatialStats) -> KeyRanges | None:
        """The ranges for ``box`` in a version with ``stats``; None when nothing can match."""
        minx = max(box[0] - stats.half_width, stats.minx)
        maxx = min(box[2] + stats.half_width, stats.maxx)
        miny = max(box[1] - stats.half_height, stats.miny)
        maxy = min(box[3] + stats.half_height, stats.maxy)
        if minx > maxx or miny > maxy:
            return None
        # SLACK each way: the SQL and Python roundings of a centre on a cell's edge need not
        # agree (they differ by ~1e-13°). A whole cell of slack cost the first page of a box a
        # grid row of features below it, read and rejected (1-3 ms of a 1 M-parcel page).
        c0, c1 = _column(minx - SLACK), _column(maxx + SLACK)
        r0, r1 = _row(miny - SLACK), _row(maxy + SLACK)
        all_columns = c0 <= _column(stats.minx - SLACK) and c1 >= _column(stats.maxx + SLACK)
        return cls(max(r0, 0), min(r1, ROWS - 1), max(c0, 0), min(c1, COLUMNS - 1),
                   all_columns)

    def clipped(self, geometry, stats: SpatialStats) -> KeyRanges:
        """These ranges narrowed row by row to the columns where a feature intersecting
        ``geometry`` may have its centre: the geometry's x-extent within the row's band
        (widened by the largest feature half-height), widened by the largest half-width. A
        polygon's rows then hold about what intersects it, not its whole bounding box (at a
        diamond's tip most of a row lies outside). Unchanged when the geometry has too many
        segments for its rows (:data:`CLIP_BUDGET`)."""
        rows = np.arange(self.first_row, self.last_row + 1)
        low = rows / CELLS_PER_DEGREE - 90 - stats.half_height - SLACK
        high = (rows + 1) / CELLS_PER_DEGREE - 90 + stats.half_height + SLACK
        extents = band_extents(geometry, low, high)
        if extents is None:
            return self
        spans: list[tuple[int, int] | None] = []
        for minx, maxx in extents.tolist():
            if math.isnan(minx):
                spans.append(None)
                continue
            first = max(_column(minx - stats.half_width - SLACK), self.first_column)
            last = min(_column(maxx + stats.half_width + SLACK), self.last_column)
            spans.append((first, last) if first <= last else None)
        return replace(self, merged=False, spans=tuple(spans))

    def span_width(self, key: int) -> int:
        """The number of columns of the row holding ``key`` (a row :meth:`row_ranges` yields)."""
        first, last = self._span(key // COLUMNS)
        return last - first + 1

    def _span(self, row: int) -> tuple[int, int] | None:
        if self.spans is None:
            return self.first_column, self.last_column
        return self.spans[row - self.first_row]

    def row_ranges(self, start: int | None = None, forward: bool = True
                   ) -> Iterator[tuple[int, int]]:
        """The key range of each of the box's rows in key order (descending when not
        ``forward``), from the row holding key ``start`` (or the first row); one range over
        every row when ``merged``; a :meth:`clipped` row holding nothing is skipped. (A range
        over several rows would also span the columns outside the box between them;
        :mod:`opengov.store.grid_walk` reads several rows in one statement as several ranges
        instead.)"""
        if self.merged:
            yield (self.first_row * COLUMNS + self.first_column,
                   self.last_row * COLUMNS + self.last_column)
            return
        row = (self.first_row if forward else self.last_row) if start is None \
            else start // COLUMNS
        row = min(max(row, self.first_row), self.last_row)
        step = 1 if forward else -1
        while self.first_row <= row <= self.last_row:
            span = self._span(row)
            if span is not None:
                yield row * COLUMNS + span[0], row * COLUMNS + span[1]
            row += step
