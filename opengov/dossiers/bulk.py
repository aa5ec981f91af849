"""Many rows in one driver ``executemany``, values converted once per column, in plain Python.

SQLAlchemy Core runs each bound value of each row through its type processors; for ten
thousand events and their dossiers that costs more than the database's own work. The dossier
tables use few types (text, integer, boolean, date, aware UTC time), so :func:`execute_many`
converts the columns that need it (on SQLite: times to SQLAlchemy's storage format, dates to
ISO text, booleans to 0/1; PostgreSQL's driver takes them as they are) and hands the rows to
the driver. Times must be aware (the batch reader refuses times without an offset).
:func:`select_in` reads rows by key the same way: one statement text per chunk size, values
converted by the columns' own result processors.
"""

from __future__ import annotations

from datetime import UTC, datetime
from operator import itemgetter

from sqlalchemy import Boolean, Date, insert

from opengov.store.types import UTCDateTime

CHUNK = 900  # keys per IN (…): under SQLite's older limit of 999 variables


def sqlite_time(value: datetime) -> str:
    """SQLAlchemy's SQLite DATETIME storage: naive UTC, always with microseconds."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given; times must carry a UTC offset")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _sqlite_date(value) -> str:
    return value.isoformat()


def _sqlite_converter(type_):
    if isinstance(type_, UTCDateTime):
        return sqlite_time
    if isinstance(type_, Date):
        return _sqlite_date
    if isinstance(type_, Boolean):
        return int
    return None


def _sqlite_params(compiled, rows: list[dict], memo: dict) -> list[tuple]:
    order = compiled.positiontup
    values = itemgetter(*order) if len(order) > 1 else lambda row: (row[order[0]],)
    convert = [(i, f) for i, name in enumerate(order)
               if (f := _sqlite_converter(compiled.binds[name].type)) is not None]
    if not convert:
        return [values(row) for row in rows]
    columns = list(zip(*map(values, rows), strict=True))
    for i, f in convert:  # each distinct value once (a batch repeats its times)
        done = memo.setdefault(f, {None: None})
        column = columns[i]
        for value in set(column):
            if value not in done:
                done[value] = f(value)
        columns[i] = [done[value] for value in column]
    return list(zip(*columns, strict=True))


def execute_many(conn, statement, rows: list[dict], memo: dict | None = None) -> None:
    """Run ``statement`` once per row of ``rows`` (dicts keyed by its bind names, all with
    the same keys) in one driver executemany; ``memo`` (a dict) keeps converted values for
    the next calls of one batch."""
    if not rows:
        return
    compiled = statement.compile(dialect=conn.dialect, column_keys=list(rows[0]))
    if conn.dialect.name == "sqlite":
        params = _sqlite_params(compiled, rows, {} if memo is None else memo)
    elif compiled.positional:
        values = itemgetter(*compiled.positiontup)
        params = [tuple(values(row)) for row in rows]
    else:
        names = list(compiled.binds)
        params = [{name: row[name] for name in names} for row in rows]
    conn.exec_driver_sql(compiled.string, params)


def insert_many(conn, table, rows: list[dict], memo: dict | None = None) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in one driver executemany."""
    execute_many(conn, insert(table), rows, memo)


def fetch_all(conn, statement) -> list[tuple]:
    """``statement``'s rows as plain tuples straight from the driver's cursor (for many-row
    reads of text and integer columns, where SQLAlchemy's rows cost more than the query)."""
    compiled = statement.compile(dialect=conn.dialect,
                                 compile_kwargs={"render_postcompile": True})
    values = compiled.construct_params()
    params = tuple(values[name] for name in compiled.positiontup) if compiled.positional \
        else values
    cursor = conn.connection.cursor()
    try:
        cursor.execute(compiled.string, params)
        return cursor.fetchall()
    finally:
        cursor.close()


def select_in(conn, table, columns: list[str], key: str, values: list) -> list[tuple]:
    """The rows of ``table`` whose ``key`` is in ``values``: ``columns`` as tuples of Python
    values (as SQLAlchemy would return them), read in chunks of :data:`CHUNK` keys."""
    dialect = conn.dialect
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    head = (f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table.name)} "
            f"WHERE {quote(key)} IN ")
    processors = [(i, p) for i, c in enumerate(columns)
                  if (p := table.c[c].type.dialect_impl(dialect).result_processor(
                      dialect, None)) is not None]
    rows: list[tuple] = []
    cursor = conn.connection.cursor()
    try:
        for start in range(0, len(values), CHUNK):
            chunk = tuple(values[start:start + CHUNK])
            cursor.execute(head + "(" + ", ".join([mark] * len(chunk)) + ")", chunk)
            rows.extend(cursor.fetchall())
    finally:
        cursor.close()
    if not processors:
        return [tuple(r) for r in rows]
    out = []
    for row in rows:
        row = list(row)
        for i, process in processors:
            row[i] = process(row[i])
        out.append(tuple(row))
    return out
