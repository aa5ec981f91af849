"""Compile a query *shape* once, then run it straight on the driver.

Building and compiling SQLAlchemy expressions costs far more than the indexed query itself on
the hot list path (about 1 ms against 30 µs). A request's Query is split into a hashable shape
(values replaced by named :class:`~opengov.query.Param` placeholders) and its values; the shape
is built and compiled by SQLAlchemy Core once per process, and each request only binds its
values (through the column types' own bind processors) and runs the SQL on the DBAPI cursor of
the request's connection.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import count

import shapely

from opengov import query as q
from opengov.store import timeouts


@dataclass(frozen=True)
class CompiledStatement:
    """SQL text plus what is needed to bind values and read rows without SQLAlchemy."""

    sql: str
    defaults: dict
    positions: tuple[str, ...] | None  # positional SQL (qmark, $n): parameter names in order
    bind_processors: dict[str, Callable]
    result_processors: tuple[Callable | None, ...]
    binary: bool = False  # psycopg: binary results (bytea as bytes, not hex text to parse)
    # psycopg: server-side prepared at once (True), never (False) or after five runs (None)
    prepare: bool | None = None

    @classmethod
    def of(cls, stmt, dialect, prepare: bool | None = None) -> CompiledStatement:
        compiled = stmt.compile(dialect=dialect)
        binds = {name: bp.type.dialect_impl(dialect).bind_processor(dialect)
                 for name, bp in compiled.binds.items()}
        results = tuple(_result_processor(col.type, dialect) for col in stmt.selected_columns)
        sql = compiled.string
        positions = tuple(compiled.positiontup) if compiled.positiontup else None
        if dialect.name == "postgresql":
            sql, positions = numbered(sql)
        return cls(
            sql=sql,
            defaults={name: bp.effective_value for name, bp in compiled.binds.items()
                      if not bp.required},
            positions=positions,
            bind_processors={k: v for k, v in binds.items() if v is not None},
            result_processors=results,
            binary=dialect.name == "postgresql",
            prepare=prepare,
        )

    def execute(self, conn, values: dict, processed: bool = True) -> list[tuple]:
        """Run on ``conn`` (a SQLAlchemy Connection); rows as the driver returns them unless
        ``processed`` (then converted by the column types, see :meth:`process`)."""
        # A new dict only when something is added or converted (``values`` is the caller's).
        params = ({**self.defaults, **values} if self.defaults or self.bind_processors
                  else values)
        for name, process in self.bind_processors.items():
            params[name] = process(params[name])
        args = tuple(params[n] for n in self.positions) if self.positions else params
        dbapi = conn.connection.dbapi_connection
        begin_snapshot(dbapi)
        if self.binary:  # psycopg: a raw ($n) binary cursor, closed here
            from psycopg import RawCursor  # the postgres extra; imported once, then a lookup

            with RawCursor(dbapi) as cursor:
                cursor.execute(self.sql, args, prepare=self.prepare, binary=True)
                rows = cursor.fetchall()
        else:  # sqlite3: the connection's own cursor shortcut
            timeouts.arm()
            rows = dbapi.execute(self.sql, args).fetchall()
        if not processed or not any(self.result_processors):
            return rows
        return [self.process(row) for row in rows]

    def process(self, row) -> tuple:
        """A driver row converted by the column types (e.g. SQLite's datetime text)."""
        return tuple(p(v) if p else v for p, v in zip(self.result_processors, row, strict=True))


_PYFORMAT = re.compile(r"%%|%\(([^)]+)\)s")


def numbered(sql: str) -> tuple[str, tuple[str, ...]]:
    """psycopg's ``%(name)s`` SQL as PostgreSQL's own ``$1, $2…`` (a name used twice keeps
    its number) and the names in number order. psycopg parses ``%(name)s`` text on every
    execution, and stops caching the parse beyond 4 KiB or 50 parameters: a grid walk's
    16-range statement spent about 1 ms per page there. Raw ``$n`` text is sent as it is."""
    names: dict[str, int] = {}

    def number(match: re.Match) -> str:
        name = match.group(1)
        if name is None:
            return "%"
        return f"${names.setdefault(name, len(names) + 1)}"

    return _PYFORMAT.sub(number, sql), tuple(names)


def begin_snapshot(dbapi) -> None:
    """Make the reads that follow on this driver connection one consistent snapshot.

    SQLite: a deferred ``BEGIN`` issued on the driver connection, unless one is open (a
    SQLAlchemy transaction object costs more than the indexed query it would wrap).
    psycopg: nothing to do, a connection outside autocommit opens its transaction itself. The
    pool rolls the transaction back when the connection is returned.
    """
    if getattr(dbapi, "in_transaction", True) is False:
        dbapi.execute("BEGIN")


def _result_processor(type_, dialect) -> Callable | None:
    """The type's row-value converter; None where the driver's value is already right.

    Some dialect types (psycopg's Float) need the column's type code to choose a converter;
    psycopg already returns floats for ``float8``, so none is needed there.
    """
    try:
        return type_.dialect_impl(dialect).result_processor(dialect, None)
    except TypeError:
        return None


class Unparameterisable(Exception):
    """This query takes the ordinary (uncached) path."""


def parameterise(query: q.Query, coerce: Callable[[str, object], object]):
    """``(shape, values)``: the query with every value replaced by a Param, and the values.

    ``coerce(field, value)`` converts filter values to their field's Python type. A geometry
    filter binds its WKB and its bounds (the SQL is the same for any polygon). Text search
    raises :class:`Unparameterisable` (its SQL depends on the words).
    """
    names = count()
    values: dict[str, object] = {}

    def param(value: object, field: str | None = None) -> q.Param:
        name = f"v{next(names)}"
        values[name] = coerce(field, value) if field else value
        return q.Param(name)

    def walk(node: q.Filter) -> q.Filter:
        if isinstance(node, q.And | q.Or):
            return type(node)(tuple(walk(i) for i in node.items))
        if isinstance(node, q.Not):
            return q.Not(walk(node.item))
        if isinstance(node, q.Compare):
            return replace(node, value=param(node.value, node.field))
        if isinstance(node, q.In):
            return replace(node, values=tuple(param(v, node.field) for v in node.values))
        if isinstance(node, q.Between):
            return replace(node, low=param(node.low, node.field),
                           high=param(node.high, node.field))
        if isinstance(node, q.Like):
            return replace(node, pattern=param(node.pattern))
        if isinstance(node, q.IsNull):
            return node
        if isinstance(node, q.Intersects):
            bounds = node.bounds or shapely.from_wkb(node.wkb).bounds
            return q.Intersects(param(node.wkb), tuple(param(v) for v in bounds))
        raise Unparameterisable(type(node).__name__)

    if query.search:
        raise Unparameterisable("search")
    shape = replace(
        query,
        filter=walk(query.filter) if query.filter is not None else None,
        bbox=q.BBox(*(param(v) for v in query.bbox.as_tuple())) if query.bbox else None,
        updated_since=param(query.updated_since) if query.updated_since else None,
        interval=q.Interval(
            param(query.interval.start) if query.interval.start else None,
            param(query.interval.end) if query.interval.end else None,
        ) if query.interval else None,
        cursor=None,
        extra={},
    )
    return shape, values
