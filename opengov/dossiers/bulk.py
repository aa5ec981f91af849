"""Many rows in one driver ``executemany``, values converted once per column, in plain Python.

SQLAlchemy Core runs each bound value of each row through its type processors; for ten
thousand events and their dossiers that costs more than the database's own work. The dossier
tables use few types (text, integer, boolean, date, aware UTC time), so :func:`execute_many`
converts the columns that need it (on SQLite: times to SQLAlchemy's storage format, dates to
ISO text, booleans to 0/1; PostgreSQL's driver takes them as they are) and hands the rows to
the driver. Times must be aware (the batch reader refuses times without an offset). Rows
may be given by column (:func:`execute_columns`), the cheapest form for many short rows.
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
    """SQLAlchemy's SQLite DATETIME storage: naive UTC, always with microseconds (the text
    of the UTC time without its ``+00:00``)."""
    if value.tzinfo is not UTC:
        if value.tzinfo is None:
            raise ValueError("naive datetime given; times must carry a UTC offset")
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]


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


def _converted(compiled, columns: dict[str, list], memo: dict) -> dict[str, list]:
    """``columns`` with SQLite's storage form of the values that need one; each distinct
    value converted once (a batch repeats its times), and kept in ``memo`` for the next
    statement."""
    out = dict(columns)
    for name, values in columns.items():
        convert = _sqlite_converter(compiled.binds[name].type)
        if convert is None:
            continue
        done = memo.setdefault(convert, {None: None})
        for value in set(values).difference(done):
            done[value] = convert(value)
        out[name] = list(map(done.__getitem__, values))
    return out


def execute_columns(conn, statement, columns: dict[str, list],
                    memo: dict | None = None) -> None:
    """Run ``statement`` once per row in one driver executemany; the rows are given by column
    (``columns``: bind name → its values, all lists of one length), which saves building a
    dict per row. ``memo`` (a dict) keeps converted values for the next calls of one batch."""
    if not columns or not next(iter(columns.values())):
        return
    compiled = statement.compile(dialect=conn.dialect, column_keys=list(columns))
    if conn.dialect.name == "sqlite":
        columns = _converted(compiled, columns, {} if memo is None else memo)
    if compiled.positional:
        params = list(zip(*(columns[name] for name in compiled.positiontup), strict=True))
    else:
        names = list(compiled.binds)
        params = [dict(zip(names, values, strict=True))
                  for values in zip(*(columns[name] for name in names), strict=True)]
    conn.exec_driver_sql(compiled.string, params)


def execute_many(conn, statement, rows: list[dict], memo: dict | None = None) -> None:
    """Run ``statement`` once per row of ``rows`` (dicts keyed by its bind names, all with
    the same keys) in one driver executemany; ``memo`` as for :func:`execute_columns`."""
    if rows:
        execute_columns(conn, statement,
                        {name: list(map(itemgetter(name), rows)) for name in rows[0]}, memo)


def insert_many(conn, table, rows: list[dict], memo: dict | None = None) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in one driver executemany."""
    execute_many(conn, insert(table), rows, memo)


def insert_columns(conn, table, columns: dict[str, list], memo: dict | None = None) -> None:
    """Insert rows given by column (name → values) into ``table`` in one executemany."""
    execute_columns(conn, insert(table), columns, memo)


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


def select_in(conn, table, columns: list[str], key: str, values: list,
              raw: tuple[str, ...] = ()) -> list[tuple]:
    """The rows of ``table`` whose ``key`` is in ``values``: ``columns`` as tuples of Python
    values (as SQLAlchemy would return them; the ``raw`` ones as the driver does), read in
    chunks of :data:`CHUNK` keys."""
    dialect = conn.dialect
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    head = (f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table.name)} "
            f"WHERE {quote(key)} IN ")
    processors = [(i, p) for i, c in enumerate(columns) if c not in raw
                  and (p := table.c[c].type.dialect_impl(dialect).result_processor(
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
