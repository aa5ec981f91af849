"""Many rows in one driver ``executemany``, values converted once per column, in plain Python.

SQLAlchemy Core runs each bound value of each row through its type processors; for ten
thousand events and their dossiers that costs more than the database's own work. The dossier
tables use few types (text, integer, boolean, date, aware UTC time), so :func:`execute_many`
converts the columns that need it (on SQLite: times to SQLAlchemy's storage format, dates to
ISO text, booleans to 0/1; PostgreSQL's driver takes them as they are) and hands the rows to
the driver. Times must be aware (the batch reader refuses times without an offset).
"""

from __future__ import annotations

from datetime import UTC, datetime
from operator import itemgetter

from sqlalchemy import Boolean, Date, insert

from opengov.store.types import UTCDateTime


def sqlite_time(value: datetime) -> str:
    """SQLAlchemy's SQLite DATETIME storage: naive UTC, always with microseconds."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given; times must carry a UTC offset")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _sqlite_converter(type_):
    if isinstance(type_, UTCDateTime):
        return sqlite_time
    if isinstance(type_, Date):
        return lambda value: value.isoformat()
    if isinstance(type_, Boolean):
        return int
    return None


def _sqlite_params(compiled, rows: list[dict]) -> list[tuple]:
    order = compiled.positiontup
    values = itemgetter(*order) if len(order) > 1 else lambda row: (row[order[0]],)
    convert = [(i, f) for i, name in enumerate(order)
               if (f := _sqlite_converter(compiled.binds[name].type)) is not None]
    if not convert:
        return [values(row) for row in rows]
    memo: dict = {}  # a batch repeats its times (an event's is also its dossier's last one)
    params = []
    for row in rows:
        out = list(values(row))
        for i, f in convert:
            value = out[i]
            if value is not None:
                done = memo.get(value)
                if done is None:
                    done = memo[value] = f(value)
                out[i] = done
        params.append(tuple(out))
    return params


def execute_many(conn, statement, rows: list[dict]) -> None:
    """Run ``statement`` once per row of ``rows`` (dicts keyed by its bind names, all with
    the same keys) in one driver executemany."""
    if not rows:
        return
    compiled = statement.compile(dialect=conn.dialect, column_keys=list(rows[0]))
    if conn.dialect.name == "sqlite":
        params = _sqlite_params(compiled, rows)
    elif compiled.positional:
        values = itemgetter(*compiled.positiontup)
        params = [tuple(values(row)) for row in rows]
    else:
        names = list(compiled.binds)
        params = [{name: row[name] for name in names} for row in rows]
    conn.exec_driver_sql(compiled.string, params)


def insert_many(conn, table, rows: list[dict]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in one driver executemany."""
    execute_many(conn, insert(table), rows)


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
