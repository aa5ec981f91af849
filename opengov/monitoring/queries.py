"""Reading the readings: raw ranges (keyset), hourly and daily buckets, latest values. No HTTP.

Times are epoch seconds; an hour starts at ``time // 3600 * 3600``, a local day (UTC+7) at
``(time + 25200) // 86400 * 86400 − 25200``. Aggregates and indices use only readings flagged
``valid``; raw output shows every flag.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import and_, literal, select, tuple_

from opengov.monitoring import daily
from opengov.monitoring.catalogue import PARAMETERS
from opengov.monitoring.fetch import fetch
from opengov.monitoring.readings_table import READINGS
from opengov.store.repository import Store

HOUR, DAY = 3600, 86400
LOCAL_OFFSET = 7 * HOUR
AGGREGATES = ("avg", "min", "max", "count")


@dataclass(frozen=True)
class Selection:
    """Which readings: stations, parameters (empty = all) and a half-open time range."""

    stations: tuple[str, ...]
    parameters: tuple[str, ...] = ()
    start: int | None = None
    end: int | None = None


def _where(t, sel: Selection, *, valid_only: bool = False):
    parts = [t.c.station_id.in_(sel.stations) if len(sel.stations) > 1
             else t.c.station_id == sel.stations[0]]
    if sel.parameters:
        parts.append(t.c.parameter.in_(sel.parameters) if len(sel.parameters) > 1
                     else t.c.parameter == sel.parameters[0])
    if sel.start is not None:
        parts.append(t.c.time >= sel.start)
    if sel.end is not None:
        parts.append(t.c.time < sel.end)
    if valid_only:
        parts.append(t.c.flag == "valid")
    return and_(*parts)


def raw(store: Store, sel: Selection, *, after: tuple | None = None, limit: int | None = None,
        batch: int = 5000) -> Iterator[list[tuple]]:
    """Batches of (station, parameter, time, value, flag) in key order, streamed from the DB.

    ``after`` is the key of the last row already sent (keyset paging); ``limit`` caps the rows.
    """
    t = store.table(READINGS)
    stmt = select(t.c.station_id, t.c.parameter, t.c.time, t.c.value, t.c.flag).where(
        _where(t, sel))
    if after is not None:
        key = tuple_(t.c.station_id, t.c.parameter, t.c.time)
        stmt = stmt.where(key > tuple_(literal(after[0]), literal(after[1]), literal(after[2])))
    stmt = stmt.order_by(t.c.station_id, t.c.parameter, t.c.time)
    if limit is not None:
        stmt = stmt.limit(limit)
    with store.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=batch).execute(stmt)
        for part in result.partitions(batch):
            yield [tuple(r) for r in part]


def hourly(store: Store, sel: Selection) -> list[tuple]:
    """(station, parameter, hour start, mean, min, max, readings) of each hour with valid data.

    The rows come in key order, so the hours are grouped with numpy instead of a SQL GROUP BY
    (which would sort them again).
    """
    t = store.table(READINGS)
    stmt = (select(t.c.station_id, t.c.parameter, t.c.time, t.c.value)
            .where(_where(t, sel, valid_only=True))
            .order_by(t.c.station_id, t.c.parameter, t.c.time))
    rows = fetch(store, stmt)
    if not rows:
        return []
    columns = list(zip(*rows, strict=True))
    stations = np.array(columns[0], dtype=object)
    parameters = np.array(columns[1], dtype=object)
    times = np.array(columns[2], dtype=np.int64) // HOUR * HOUR
    values = np.array(columns[3], dtype=float)
    change = np.ones(len(rows), dtype=bool)
    change[1:] = ((times[1:] != times[:-1]) | (stations[1:] != stations[:-1])
                  | (parameters[1:] != parameters[:-1]))
    starts = np.flatnonzero(change)
    counts = np.diff(np.append(starts, len(rows)))
    return list(zip(stations[starts].tolist(), parameters[starts].tolist(),
                    times[starts].tolist(), (np.add.reduceat(values, starts) / counts).tolist(),
                    np.minimum.reduceat(values, starts).tolist(),
                    np.maximum.reduceat(values, starts).tolist(), counts.tolist(), strict=True))


def days(store: Store, sel: Selection) -> list[tuple]:
    """(station, parameter, local day start, mean of hourly means, min, max, hours) per day,
    from the daily aggregates table; ``start``/``end`` select days by their start."""
    parameters = sel.parameters or tuple(PARAMETERS)
    start = -(2 ** 62) if sel.start is None else sel.start
    end = 2 ** 62 if sel.end is None else sel.end
    rows = daily.read(store, sel.stations, parameters, start, end)
    return [(r[0], r[1], int(r[2]), r[4], r[5], r[6], r[3]) for r in rows]


def latest(store: Store, pairs: Sequence[tuple[str, str]]) -> list[tuple]:
    """The newest (station, parameter, time, value, flag) of each pair that has readings.

    One index seek per pair: cheaper than a GROUP BY over millions of rows.
    """
    t = store.table(READINGS)
    out = []
    with store.engine.connect() as conn:
        for station, parameter in pairs:
            row = conn.execute(
                select(t.c.station_id, t.c.parameter, t.c.time, t.c.value, t.c.flag)
                .where(t.c.station_id == station, t.c.parameter == parameter)
                .order_by(t.c.time.desc()).limit(1)).first()
            if row is not None:
                out.append(tuple(row))
    return out
