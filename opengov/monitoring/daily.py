"""The daily aggregates table, kept in step with the readings by every write, in its transaction.

A day is local (UTC+7). Each row holds what daily indices and aggregates need: hours with data,
mean of hourly means, lowest and highest reading, highest hourly mean and highest 8-hour running
mean ending in the day. 8-hour means reach 7 hours back, so a write also refreshes the next day.

A write recomputes, per series (station, parameter) it touched, the days from the one of its
first reading to the day after its last. When the series held nothing between the batch's first
and last time before the write, the batch's own rows are the readings of that stretch and only
the margins of the days around it are read back; otherwise the days are read back whole. Either
way the rows equal a recomputation from the stored readings (a test checks this).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select

from opengov.monitoring import aqi
from opengov.monitoring.fetch import fetch
from opengov.monitoring.readings_table import DAILY, READINGS

HOUR, DAY = 3600, 86400
LOCAL_OFFSET = 7 * HOUR
LEAD = 7 * HOUR
LEAD_HOURS = LEAD // HOUR
SLOT = LEAD_HOURS + 24  # hours a day's summary looks at: 7 before it and its own 24
DAILY_COLUMNS = ("station_id", "parameter", "day", "hours", "mean", "low", "high", "peak",
                 "peak8")
CHUNK = 500  # series per statement (bound parameters stay far below SQLite's limit)


def day_start(epoch):
    """Epoch of the local midnight starting the day of ``epoch`` (scalars or arrays)."""
    return (epoch + LOCAL_OFFSET) // DAY * DAY - LOCAL_OFFSET


@dataclass
class Series:
    """The series of a batch: a code per row, and per code its station, parameter and the
    first and last time the batch holds."""

    codes: np.ndarray
    stations: list[str]
    parameters: list[str]
    lo: np.ndarray
    hi: np.ndarray

    @classmethod
    def of(cls, station, parameter, time) -> Series:
        """Group parallel columns of a batch by series; codes follow (station, parameter)
        order, the order of the primary key."""
        s_codes, s_names = pd.factorize(np.asarray(station, dtype=object), sort=True)
        p_codes, p_names = pd.factorize(np.asarray(parameter, dtype=object), sort=True)
        codes, keys = pd.factorize(s_codes.astype(np.int64) * len(p_names) + p_codes,
                                   sort=True)
        t = np.asarray(time, dtype=np.int64)
        lo = np.full(len(keys), np.iinfo(np.int64).max)
        hi = np.full(len(keys), np.iinfo(np.int64).min)
        np.minimum.at(lo, codes, t)
        np.maximum.at(hi, codes, t)
        return cls(codes, [s_names[k // len(p_names)] for k in keys.tolist()],
                   [p_names[k % len(p_names)] for k in keys.tolist()], lo, hi)

    def __len__(self) -> int:
        return len(self.stations)

    def chunks(self, *columns: np.ndarray) -> Iterable[list[tuple]]:
        """``(code, station, parameter, *columns)`` rows, ``CHUNK`` series at a time."""
        rows = list(zip(range(len(self)), self.stations, self.parameters,
                        *(c.tolist() for c in columns), strict=True))
        for i in range(0, len(rows), CHUNK):
            yield rows[i:i + CHUNK]


# The statements of a refresh are written as SQL text for the driver's cursor: they carry one
# row per series in a VALUES list, which SQLAlchemy would compile anew for every batch (tens of
# milliseconds for a few hundred series). Every value is still a bound parameter.
SPAN_TYPES = {"k": "integer", "s": "text", "p": "text"}


def _spans(dialect: str, names: tuple[str, ...], rows: list[tuple]) -> tuple[str, list]:
    """``WITH spans(k, s, p, …) AS (VALUES …)`` with one bound row per series, and its
    parameters flattened."""
    names = ("k", "s", "p", *names)
    if dialect == "sqlite":
        row = "(" + ", ".join("?" for _ in names) + ")"
    else:  # psycopg: typed placeholders, so the VALUES columns get their types
        row = "(" + ", ".join(f"%s::{SPAN_TYPES.get(n, 'bigint')}" for n in names) + ")"
    sql = f"WITH spans({', '.join(names)}) AS (VALUES {', '.join([row] * len(rows))}) "
    return sql, [value for r in rows for value in r]


def _query(conn, sql: str, params) -> list[tuple]:
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(sql, params)
        return cursor.fetchall()
    finally:
        cursor.close()


def _many(conn, sql: str, rows: list[tuple]) -> None:
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()


def _mark(conn) -> str:
    return "?" if conn.dialect.name == "sqlite" else "%s"


def untouched(conn, series: Series) -> np.ndarray:
    """Per series: True when nothing is stored between the batch's first and last time.

    Asked before the insert: for such a series, the batch's rows are afterwards exactly the
    readings of that stretch, so the daily refresh need not read them back.
    """
    out = np.ones(len(series), dtype=bool)
    for rows in series.chunks(series.lo, series.hi):
        cte, params = _spans(conn.dialect.name, ("lo", "hi"), rows)
        found = _query(conn, cte + (
            f"SELECT k FROM spans WHERE EXISTS (SELECT 1 FROM {READINGS} r "
            "WHERE r.station_id = spans.s AND r.parameter = spans.p "
            "AND r.time >= spans.lo AND r.time <= spans.hi)"), params)
        out[[k for k, in found]] = False
    return out


def _stored(conn, series: Series, own: np.ndarray, first: np.ndarray,
            end: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Valid stored readings (code, time, value) the refresh needs: for a series in ``own``
    those of [first − 7 h, end) outside the batch's stretch, for the others all of them."""
    lo = np.where(own, series.lo, end)
    hi = np.where(own, series.hi, end)
    join = (f"SELECT spans.k, r.time, r.value FROM spans JOIN {READINGS} r "
            "ON r.station_id = spans.s AND r.parameter = spans.p AND r.flag = 'valid' ")
    found = []
    for rows in series.chunks(first - LEAD, lo, hi, end):
        cte, params = _spans(conn.dialect.name, ("a", "lo", "hi", "b"), rows)
        found += _query(conn, cte + join + "AND r.time >= spans.a AND r.time < spans.lo "
                        "UNION ALL " + join + "AND r.time > spans.hi AND r.time < spans.b",
                        params)
    if not found:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    k, t, v = zip(*found, strict=True)
    return np.array(k, np.int64), np.array(t, np.int64), np.array(v, float)


def refresh(conn, series: Series, own: np.ndarray, time: np.ndarray, value: np.ndarray,
            valid: np.ndarray) -> None:
    """Recompute the daily rows of every series of a batch just written, from the day of its
    first reading to the day after its last (whose 8-hour means reach back into it).

    ``own`` (from :func:`untouched`) marks the series whose batch rows (``time``, ``value``,
    ``valid`` flag, parallel to ``series.codes``) are all that is stored in their stretch.
    """
    first = day_start(series.lo)
    end = day_start(series.hi) + 2 * DAY
    k, t, v = _stored(conn, series, own, first, end)
    mine = valid & own[series.codes]
    k = np.concatenate([k, series.codes[mine]])
    t = np.concatenate([t, time[mine]])
    v = np.concatenate([v, value[mine]])
    m = _mark(conn)
    _many(conn, f"DELETE FROM {DAILY} WHERE station_id = {m} AND parameter = {m} "
                f"AND day >= {m} AND day < {m}",
          list(zip(series.stations, series.parameters, first.tolist(), end.tolist(),
                   strict=True)))
    first, end = first.tolist(), end.tolist()
    rows = [(series.stations[code], series.parameters[code], *rest)
            for code, *rest in summarise(k, t, v) if first[code] <= rest[0] < end[code]]
    if rows:
        _many(conn, f"INSERT INTO {DAILY} ({', '.join(DAILY_COLUMNS)}) "
                    f"VALUES ({', '.join([m] * len(DAILY_COLUMNS))})", rows)


def summarise(series, times, values) -> list[tuple]:
    """(series, day, hours, mean, low, high, peak, peak8) of each series-day with a reading.

    ``series`` numbers each reading's series; readings are valid ones. Readings of the 7 hours
    before a day count only in its 8-hour means. Readings are first grouped per hour, then each
    series-day is one row of a (series-days × 31 hours) grid, so memory follows the data, not
    the time span it covers.
    """
    series = np.asarray(series, dtype=np.int64)
    times = np.asarray(times, dtype=np.int64)
    values = np.asarray(values, dtype=float)
    if not len(times):
        return []
    hour = times // HOUR
    base = int(hour.min())
    keys, at = np.unique(series << 32 | (hour - base), return_inverse=True)
    count = len(keys)
    hourly = np.bincount(at, weights=values, minlength=count) / np.bincount(at, minlength=count)
    low, high = np.full(count, np.inf), np.full(count, -np.inf)
    np.minimum.at(low, at, values)
    np.maximum.at(high, at, values)
    h_series = keys >> 32
    h_time = ((keys & 0xFFFFFFFF) + base) * HOUR
    h_day = day_start(h_time)
    h_pos = (h_time - h_day) // HOUR
    # An hour sits in its own day's slot and, in a day's last 7 hours, in the next day's lead.
    tail = np.flatnonzero(h_pos >= 24 - LEAD_HOURS)
    slot_series = np.concatenate([h_series, h_series[tail]])
    slot_day = np.concatenate([h_day, h_day[tail] + DAY])
    slot_pos = np.concatenate([h_pos + LEAD_HOURS, h_pos[tail] - (24 - LEAD_HOURS)])
    source = np.concatenate([np.arange(count), tail])
    day0 = int(slot_day.min())
    slots, slot = np.unique(slot_series << 32 | (slot_day - day0) // DAY, return_inverse=True)
    grid = np.full((len(slots), SLOT), np.nan)
    grid[slot, slot_pos] = hourly[source]
    own = grid[:, LEAD_HOURS:]
    present = ~np.isnan(own)
    hours = present.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(own, axis=1) / hours
    peak = np.max(np.where(present, own, -np.inf), axis=1)
    # 8-hour running means ending at each hour of the day (≥ aqi.MIN_8H hours present).
    sums = np.zeros((len(slots), SLOT + 1))
    hits = np.zeros((len(slots), SLOT + 1))
    np.cumsum(np.nan_to_num(grid), axis=1, out=sums[:, 1:])
    np.cumsum(~np.isnan(grid), axis=1, out=hits[:, 1:])
    window_sum, window_hits = sums[:, 8:] - sums[:, :-8], hits[:, 8:] - hits[:, :-8]
    with np.errstate(invalid="ignore", divide="ignore"):
        eight = np.where(window_hits >= aqi.MIN_8H, window_sum / window_hits, -np.inf)
    peak8 = eight.max(axis=1)
    day_low, day_high = np.full(len(slots), np.inf), np.full(len(slots), -np.inf)
    np.minimum.at(day_low, slot[:count], low)
    np.maximum.at(day_high, slot[:count], high)
    out = []
    for i in np.flatnonzero(hours > 0).tolist():
        out.append((int(slots[i] >> 32), day0 + int(slots[i] & 0xFFFFFFFF) * DAY,
                    int(hours[i]), float(mean[i]), float(day_low[i]), float(day_high[i]),
                    float(peak[i]), None if np.isinf(peak8[i]) else float(peak8[i])))
    return out


def read(store, stations: Iterable[str], parameters: Iterable[str], start: int,
         end: int) -> list[tuple]:
    """Daily rows (station, parameter, day, hours, mean, low, high, peak, peak8) of the days
    starting in [start, end)."""
    d = store.table(DAILY)
    stmt = (select(d.c.station_id, d.c.parameter, d.c.day, d.c.hours, d.c.mean, d.c.low,
                   d.c.high, d.c.peak, d.c.peak8)
            .where(d.c.station_id.in_(list(stations)), d.c.parameter.in_(list(parameters)),
                   d.c.day >= start, d.c.day < end)
            .order_by(d.c.station_id, d.c.parameter, d.c.day))
    return fetch(store, stmt)
