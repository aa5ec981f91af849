"""Bulk writes of readings: ``executemany`` (SQLite) or ``COPY`` (PostgreSQL), duplicates skipped.

The primary key (station, parameter, time) decides what a duplicate is; a reading already stored
is left as it is (first write wins) and counted as a duplicate, so a resent batch changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from opengov.monitoring import daily
from opengov.monitoring.readings_table import READINGS
from opengov.store.engine import write_transaction
from opengov.store.repository import Store

COLUMNS = ("station_id", "parameter", "time", "value", "flag")


def _sqlite(conn, rows: list[tuple]) -> int:
    raw = conn.connection.driver_connection
    before = raw.total_changes
    cur = raw.cursor()
    cur.executemany(f"INSERT INTO {READINGS} ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT DO NOTHING", rows)
    cur.close()
    return raw.total_changes - before


def _postgres(conn, rows: list[tuple]) -> int:
    raw = conn.connection.driver_connection
    with raw.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE _incoming (LIKE {READINGS}) ON COMMIT DROP")
        with cur.copy(f"COPY _incoming ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cur.execute(f"INSERT INTO {READINGS} SELECT * FROM _incoming ON CONFLICT DO NOTHING")
        return cur.rowcount


def insert_rows(store: Store, rows: Sequence[tuple]) -> int:
    """Insert ``(station_id, parameter, time, value, flag)`` rows in one transaction, with the
    daily aggregates of the days they touch.

    Returns how many were new; the others were already stored.
    """
    if not rows:
        return 0
    rows = list(rows)
    with write_transaction(store.engine) as conn:
        new = _sqlite(conn, rows) if store.dialect == "sqlite" else _postgres(conn, rows)
        if new:
            columns = list(zip(*rows, strict=True))
            daily.refresh(conn, store, daily.spans(columns[0], columns[1], columns[2]))
    return new
