"""Compile a :mod:`opengov.query` filter tree into SQLAlchemy expressions with bound parameters.

The same tree compiles on SQLite (R*Tree, FTS5, our registered SQL functions) and PostgreSQL
(PostGIS, ``tsvector``). Unknown fields raise :class:`FilterError`, which views turn into a 400.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date, datetime

import shapely
from sqlalchemy import (
    ColumnElement,
    Double,
    LargeBinary,
    and_,
    bindparam,
    cast,
    false,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    table,
    true,
)
from sqlalchemy import column as sql_column

from opengov import bounds
from opengov import query as q
from opengov.collections import Collection
from opengov.text import search_terms

_OPERATORS = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, "<=": operator.le,
              ">": operator.gt, ">=": operator.ge}


class FilterError(ValueError):
    """A filter names an unknown field or carries a value of the wrong type."""


def bind_value(value: object) -> object:
    """A :class:`~opengov.query.Param` becomes a named bind parameter; values pass through."""
    return bindparam(value.name) if isinstance(value, q.Param) else value


def coerce_value(ftype: str, value: object) -> object:
    """A filter value converted to the Python type of a field (text from CQL2 or a URL)."""
    return _coerce(ftype, value)


def _coerce(ftype: str, value: object) -> object:
    if isinstance(value, q.Param):
        return bindparam(value.name)
    if not isinstance(value, str):
        return value
    try:
        if ftype == "date":
            return _bounded(date.fromisoformat(value), value)
        if ftype == "datetime":
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                raise FilterError(f"time {value!r} has no UTC offset")
            return _bounded(parsed, value)
        if ftype == "integer":
            return _bounded(int(value), value)
        if ftype == "number":
            return float(value)
        if ftype == "boolean":
            return {"true": True, "false": False}[value.lower()]
    except FilterError:
        raise
    except (ValueError, KeyError) as exc:
        raise FilterError(f"{value!r} is not a valid {ftype}") from exc
    return value


_GLOB_SPECIAL = {"*": "[*]", "?": "[?]", "[": "[[]"}


def like_to_glob(pattern: str | None) -> str | None:
    """A CQL2 ``LIKE`` pattern as the SQLite ``GLOB`` pattern matching the same strings.

    ``%`` → ``*``, ``_`` → ``?``; a backslash makes the next character literal (CQL2's escape);
    GLOB's own ``*``, ``?`` and ``[`` are bracketed so they match themselves.
    """
    if pattern is None:
        return None
    out, chars = [], iter(pattern)
    for ch in chars:
        if ch == "\\":
            ch = next(chars, "\\")
            out.append(_GLOB_SPECIAL.get(ch, ch))
        elif ch == "%":
            out.append("*")
        elif ch == "_":
            out.append("?")
        else:
            out.append(_GLOB_SPECIAL.get(ch, ch))
    return "".join(out)


def _bounded(value, text: str):
    problem = bounds.value_problem(value)
    if problem:
        raise FilterError(f"{text!r}: {problem}")
    return value


class FilterCompiler:
    """Compiles filters for one collection table on one SQL dialect."""

    def __init__(self, collection: Collection, tbl, dialect: str, indexed: bool = True):
        self.collection = collection
        self.table = tbl
        self.dialect = dialect
        # False: spatial tests are evaluated row by row (the grid-ordered walk of
        # :mod:`opengov.store.spatial_pages` finds the rows), never through the spatial index.
        self.indexed = indexed

    # -- fields -------------------------------------------------------------------------------
    def columns(self, name: str) -> tuple[list, str]:
        """The SQL columns behind a public field name, and the field's type."""
        if name == "id":
            return [self.table.c.id], "string"
        for f in self.collection.fields:
            if name == f.name and f.scalar:
                return [self.table.c[f.name]], f.type
            if f.type == "i18n" and (name == f.name or name in f.columns):
                cols = f.columns if name == f.name else (name,)
                return [self.table.c[c] for c in cols], "string"
        raise FilterError(f"unknown or non-filterable property {name!r}")

    def _per_column(self, name: str, build) -> ColumnElement:
        cols, ftype = self.columns(name)
        parts = [build(col, ftype) for col in cols]
        return parts[0] if len(parts) == 1 else or_(*parts)

    # -- nodes --------------------------------------------------------------------------------
    def compile(self, node: q.Filter) -> ColumnElement:  # noqa: C901 - one branch per node type
        if isinstance(node, q.And):  # an empty And is CQL2's TRUE, an empty Or its FALSE
            return and_(*(self.compile(i) for i in node.items)) if node.items else true()
        if isinstance(node, q.Or):
            return or_(*(self.compile(i) for i in node.items)) if node.items else false()
        if isinstance(node, q.Not):
            return not_(self.compile(node.item))
        if isinstance(node, q.Compare):
            compare = _OPERATORS[node.op]
            return self._per_column(node.field, lambda c, t: compare(c, _coerce(t, node.value)))
        if isinstance(node, q.In):
            # Each placeholder typed as the column: SQLAlchemy types the right side of
            # ``=``, not the members of an IN list, and an untyped datetime reaches SQLite in
            # the driver's own text form, which matches no stored value.
            return self._per_column(node.field, lambda c, t: c.in_(
                [bindparam(v.name, type_=c.type) if isinstance(v, q.Param) else _coerce(t, v)
                 for v in node.values]))
        if isinstance(node, q.Between):
            return self._per_column(
                node.field,
                lambda c, t: c.between(_coerce(t, node.low), _coerce(t, node.high)),
            )
        if isinstance(node, q.Like):
            return self._per_column(node.field, lambda c, _t: self.like(c, node))
        if isinstance(node, q.IsNull):
            return self._per_column(node.field, lambda c, _t: c.is_(None))
        if isinstance(node, q.Intersects):
            return self.intersects(node)
        if isinstance(node, q.TextMatch):
            return self.text_match(node.text)
        raise FilterError(f"unsupported filter node {type(node).__name__}")

    def like(self, column, node: q.Like) -> ColumnElement:
        """``LIKE`` with CQL2's wildcards (``%``, ``_``) and escape (``\\``), case-sensitive on
        both backends unless ``case_insensitive``.

        PostgreSQL's ``LIKE`` is exactly that (its default escape is the backslash). SQLite's
        ``LIKE`` ignores ASCII case, so there the pattern becomes a ``GLOB`` pattern (always
        case-sensitive) through ``og_like_glob``, a deterministic function SQLite evaluates
        once per statement since its argument is a bound value.
        """
        pattern = bind_value(node.pattern)
        if node.case_insensitive:
            return column.ilike(pattern)
        if self.dialect == "sqlite":
            return column.op("GLOB", is_comparison=True)(func.og_like_glob(pattern))
        return column.like(pattern)

    # -- spatial ------------------------------------------------------------------------------
    def _require_spatial(self) -> None:
        if not self.collection.spatial:
            raise FilterError(f"collection {self.collection.id!r} has no geometry")

    def _rtree_candidates(self, minx, miny, maxx, maxy) -> ColumnElement:
        if not self.indexed:
            return true()
        rtree = table(f"{self.table.name}_rtree", sql_column("id"), sql_column("minx"),
                      sql_column("maxx"), sql_column("miny"), sql_column("maxy"))
        sub = select(rtree.c.id).where(
            rtree.c.minx <= maxx, rtree.c.maxx >= minx, rtree.c.miny <= maxy, rtree.c.maxy >= miny
        )
        return self.table.c._rowid.in_(sub)

    def _row_test(self, exact: ColumnElement) -> ColumnElement:
        """PostGIS, rows tested one by one: ``exact`` wrapped so the planner neither uses the
        GiST index for it nor takes it for a very selective filter (PostGIS estimates a test on
        a geometry it has no statistics for at 0.01 %), which would turn the grid-ordered walk
        into a sort of every match."""
        return exact if self.indexed else func.coalesce(exact, false())

    def bbox(self, box: q.BBox) -> ColumnElement:
        """Features intersecting ``box``: index candidates, exact test only across the edge."""
        self._require_spatial()
        minx, miny, maxx, maxy = (bind_value(v) for v in box.as_tuple())
        t = self.table.c
        inside = and_(t._minx >= minx, t._maxx <= maxx, t._miny >= miny, t._maxy <= maxy)
        if self.collection.geometry_type != "Point":
            inside = self._one_edge(minx, miny, maxx, maxy)
        if self.dialect == "postgresql":
            env = func.ST_MakeEnvelope(minx, miny, maxx, maxy, 4326)
            if self.collection.geometry_type == "Point":
                exact = inside
            else:
                exact = or_(inside, self._row_test(func.ST_Intersects(t.geom, env)))
            if self.indexed:
                # GiST candidates (``&&``: stored boxes are float4, rounded outward), then the
                # same edge test as the walk: ST_Intersects on every candidate cost ~3 µs each,
                # half of a page that sorts 1,700 candidates (and of its count).
                return and_(t.geom.op("&&")(env), exact)
            return exact
        if self.collection.geometry_type == "Point":
            return and_(self._rtree_candidates(minx, miny, maxx, maxy), inside)
        exact = func.og_bbox_intersects(t.geom, minx, miny, maxx, maxy) == 1
        return and_(self._rtree_candidates(minx, miny, maxx, maxy), or_(inside, exact))

    def _one_edge(self, minx, miny, maxx, maxy) -> ColumnElement:
        """Features whose bounding box crosses at most one edge of the box, so intersect it
        with no geometry test: along one axis the bounding box lies within the box's range,
        and along the other one of its ends does; the geometry's point at that end is inside
        the box. Only features across a corner, or across the whole box, need the exact test
        (the first grid rows of a bbox walk hold hundreds across its southern edge, each a
        Python test of ~30 µs on SQLite)."""
        t = self.table.c

        def within(column, low, high):
            return and_(column >= low, column <= high)

        x_inside, y_inside = and_(t._minx >= minx, t._maxx <= maxx), \
            and_(t._miny >= miny, t._maxy <= maxy)
        return or_(and_(x_inside, or_(within(t._miny, miny, maxy), within(t._maxy, miny, maxy))),
                   and_(y_inside, or_(within(t._minx, minx, maxx), within(t._maxx, minx, maxx))))

    def intersects(self, node: q.Intersects) -> ColumnElement:
        """Features intersecting the node's geometry (bound, when it is a Param, with its
        bounds: one compiled statement serves every polygon)."""
        self._require_spatial()
        if isinstance(node.wkb, q.Param):
            wkb = bindparam(node.wkb.name, type_=LargeBinary)
        else:
            wkb = literal(node.wkb)
        if self.dialect == "postgresql":
            return self._row_test(func.ST_Intersects(
                self.table.c.geom, func.ST_GeomFromWKB(wkb, 4326)))
        bounds = node.bounds or shapely.from_wkb(node.wkb).bounds
        minx, miny, maxx, maxy = (bind_value(v) for v in bounds)
        exact = func.og_intersects(self.table.c.geom, wkb) == 1
        return and_(self._rtree_candidates(minx, miny, maxx, maxy), exact)

    # -- text ---------------------------------------------------------------------------------
    def _tsvector(self):
        return func.to_tsvector("simple", func.coalesce(self.table.c._search, ""))

    def _tsquery(self, terms: list[str]):
        return func.to_tsquery("simple", " & ".join(f"{term}:*" for term in terms))

    def _fts(self):
        return table(f"{self.table.name}_fts", sql_column("rowid"))

    def _fts_match(self, terms: list[str]) -> ColumnElement:
        fts = f'"{self.table.name}_fts"'
        match = " AND ".join(f'"{term}"*' for term in terms)
        return literal_column(fts).op("MATCH")(match)

    def _terms(self, words: str) -> list[str]:
        if not self.collection.searchable:
            raise FilterError(f"collection {self.collection.id!r} has no text search")
        return search_terms(words)

    def text_match(self, words: str) -> ColumnElement:
        """Every folded word of ``words`` as a prefix, via FTS5 or ``tsvector``."""
        terms = self._terms(words)
        if not terms:
            return false()
        if self.dialect == "postgresql":
            return self._tsvector().op("@@")(self._tsquery(terms))
        fts = self._fts()
        return self.table.c._rowid.in_(select(fts.c.rowid).where(self._fts_match(terms)))

    def ranking(self, words: str) -> Ranking:
        """How to order the rows matching ``words`` by relevance, best first.

        PostgreSQL: ``ts_rank`` of each matching row. SQLite: ``bm25()`` is only valid in the
        full-text query itself, so the matches and their scores come from one FTS5 query,
        materialised once per statement and joined to the table by rowid (a correlated
        subquery would run the full-text query again for every matching row).
        """
        terms = self._terms(words)
        if self.dialect == "postgresql":
            # Normalisation 2 divides by document length, as bm25 does on SQLite, so a short
            # exact title outranks a long text that merely contains the words.
            # As float8: a float4 read back as text (shortest digits) is not the value the
            # server compares, so a cursor holding it would match its own row again.
            rank = cast(func.ts_rank(self._tsvector(), self._tsquery(terms or ["_"]), 2),
                        Double)
            return Ranking(rank)
        fts = self._fts()
        if terms:  # bm25() is lower-is-better: negated, higher is better as on PostgreSQL
            bm25 = func.bm25(literal_column(f'"{self.table.name}_fts"'))
            found = select(fts.c.rowid.label("rowid"), (-bm25).label("rank")).where(
                self._fts_match(terms))
        else:  # no word at all matches nothing
            found = select(fts.c.rowid.label("rowid"), literal(0.0).label("rank")).where(false())
        matches = found.cte(f"{self.table.name}_ranked").prefix_with("MATERIALIZED")
        return Ranking(matches.c.rank, matches)


@dataclass(frozen=True)
class Ranking:
    """A relevance order: ``rank`` (higher is better) and, on SQLite, the ranked matches that
    a statement joins instead of testing the text match row by row (their ``rowid`` is the
    table's ``_rowid``)."""

    rank: ColumnElement
    matches: object | None = None

    def source(self, tbl):
        """The FROM clause of a statement ordered by this ranking."""
        if self.matches is None:
            return tbl
        return tbl.join(self.matches, self.matches.c.rowid == tbl.c._rowid)
