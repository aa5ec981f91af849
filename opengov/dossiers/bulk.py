"""Many rows in one driver ``executemany``, values converted once, in plain Python.

SQLAlchemy Core runs each bound value of each row through its type processors; for ten
thousand events and their dossiers that costs more than the database's own work. The dossier
tables use few types (text, integer, boolean, date, aware UTC time), so :func:`insert_many`
converts them here, exactly as those types store them, and hands the rows to the driver.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import insert


def _sqlite_time(value: datetime) -> str:
    """SQLAlchemy's SQLite DATETIME storage: naive UTC, always with microseconds."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given; times must carry a UTC offset")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


#: SQLite conversions by exact type (str, int, None pass through).
SQLITE = {datetime: _sqlite_time, date: date.isoformat, bool: int}


#: Converted values by value: a batch repeats its times (an event's time is also its
#: dossier's last event time, one ingest time for every event…). Bounded, cleared when full.
_MEMO: dict = {}


def _sqlite_value(value):
    convert = SQLITE.get(type(value))
    if convert is None:
        return value
    done = _MEMO.get(value)
    if done is None:
        if len(_MEMO) > 100_000:
            _MEMO.clear()
        done = _MEMO[value] = convert(value)
    return done


def _postgres_value(value):
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError("naive datetime given; times must carry a UTC offset")
    return value


def execute_many(conn, statement, rows: list[dict]) -> None:
    """Run ``statement`` once per row of ``rows`` (dicts keyed by its bind names, all with
    the same keys) in one driver executemany."""
    if not rows:
        return
    compiled = statement.compile(dialect=conn.dialect, column_keys=list(rows[0]))
    if compiled.positional:
        order = compiled.positiontup
        convert = _sqlite_value if conn.dialect.name == "sqlite" else _postgres_value
        params = [tuple(convert(row[name]) for name in order) for row in rows]
    else:
        names = list(compiled.binds)
        params = [{name: _postgres_value(row[name]) for name in names} for row in rows]
    conn.exec_driver_sql(compiled.string, params)


def insert_many(conn, table, rows: list[dict]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in one driver executemany."""
    execute_many(conn, insert(table), rows)
