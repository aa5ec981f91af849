"""Reading the readings: raw ranges (keyset), hourly and daily buckets, latest values. No HTTP.

Times are epoch seconds; an hour starts at ``time // 3600 * 3600``, a local day (UTC+7) at
``(time + 25200) // 86400 * 86400 − 25200``. Aggregates and indices use only readings flagged
``valid``; raw output shows every flag.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, groupby

import numpy as np
from sqlalchemy import and_, bindparam, literal, select, tuple_

from opengov.monitoring import daily
from opengov.monitoring.catalogue import PARAMETERS
from opengov.monitoring.fetch import Prepared
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
    parts += _range(t, sel)
    if valid_only:
        parts.append(t.c.flag == "valid")
    return and_(*parts)


def _range(t, sel: Selection) -> list:
    parts = []
    if sel.start is not None:
        parts.append(t.c.time >= sel.start)
    if sel.end is not None:
        parts.append(t.c.time < sel.end)
    return parts


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


@dataclass
class Buckets:
    """Aggregates of one series (station, parameter): bucket starts and, per bucket, the mean,
    lowest and highest value and the count, as parallel arrays."""

    station: str
    parameter: str
    time: np.ndarray
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    count: np.ndarray


def page_buckets(series: list[Buckets], after: tuple | None, limit: int
                 ) -> tuple[list[Buckets], tuple | None]:
    """At most ``limit`` buckets after the key ``after`` (station, parameter, time), in key
    order, and the key of the last one when more follow (else None): keyset paging of
    aggregates, with the same cursor as raw readings."""
    page: list[Buckets] = []
    left, last = limit, None
    for b in series:
        key = (b.station, b.parameter)
        if after is None or key > tuple(after[:2]):
            rows = np.arange(len(b.time))
        elif key == tuple(after[:2]):
            rows = np.flatnonzero(b.time > after[2])
        else:
            continue
        if not len(rows):
            continue
        if left == 0:  # a full page, and this series has more
            return page, last
        taken = rows[:left]
        page.append(Buckets(b.station, b.parameter, *(getattr(b, f)[taken] for f in (
            "time", "mean", "low", "high", "count"))))
        left -= len(taken)
        last = (b.station, b.parameter, int(b.time[taken[-1]]))
        if len(taken) < len(rows):
            return page, last
    return page, None


def _series(sel: Selection) -> list[tuple[str, str]]:
    """The (station, parameter) pairs of a selection, in primary-key order."""
    return [(s, p) for s in sorted(set(sel.stations))
            for p in sorted(set(sel.parameters or PARAMETERS))]


def hourly(store: Store, sel: Selection) -> list[Buckets]:
    """Per series with valid readings: the hours with data, their mean, min, max and count.

    One index range per series, read as bare (time, value) pairs in time order, so hours are
    grouped with numpy instead of a SQL GROUP BY (which would sort them again); hourly data,
    one reading per hour, need no grouping at all.
    """
    t = store.table(READINGS)
    stmt = (select(t.c.time, t.c.value)
            .where(t.c.station_id == bindparam("s"), t.c.parameter == bindparam("p"),
                   *_range(t, sel), t.c.flag == "valid")
            .order_by(t.c.time))
    out = []
    with store.engine.connect() as conn:
        prepared = Prepared(conn, stmt)
        for station, parameter in _series(sel):
            rows = prepared.rows(conn, s=station, p=parameter)
            if rows:
                pairs = np.fromiter(chain.from_iterable(rows), dtype=float, count=2 * len(rows))
                out.append(_group(station, parameter, pairs.reshape(-1, 2)))
    return out


def _group(station: str, parameter: str, rows: np.ndarray) -> Buckets:
    times = rows[:, 0].astype(np.int64) // HOUR * HOUR
    values = rows[:, 1]
    change = np.ones(len(times), dtype=bool)
    change[1:] = times[1:] != times[:-1]
    if change.all():  # one reading per hour: the hour's mean, min and max are that reading
        return Buckets(station, parameter, times, values, values, values,
                       np.ones(len(times), dtype=np.int64))
    starts = np.flatnonzero(change)
    counts = np.diff(np.append(starts, len(times)))
    return Buckets(station, parameter, times[starts], np.add.reduceat(values, starts) / counts,
                   np.minimum.reduceat(values, starts), np.maximum.reduceat(values, starts),
                   counts)


def days(store: Store, sel: Selection) -> list[Buckets]:
    """Per series: local days with their mean of hourly means, min, max and hours (as count),
    from the daily aggregates table; ``start``/``end`` select days by their start."""
    parameters = sel.parameters or tuple(PARAMETERS)
    start = -(2 ** 62) if sel.start is None else sel.start
    end = 2 ** 62 if sel.end is None else sel.end
    out = []
    for (station, parameter), group in groupby(
            daily.read(store, sel.stations, parameters, start, end), key=lambda r: r[:2]):
        rows = np.array([r[2:7] for r in group], dtype=float)  # day, hours, mean, low, high
        out.append(Buckets(station, parameter, rows[:, 0].astype(np.int64), rows[:, 2],
                           rows[:, 3], rows[:, 4], rows[:, 1].astype(np.int64)))
    return out


def months(series: list[Buckets]) -> list[Buckets]:
    """Daily buckets folded into local calendar months (hour-weighted means)."""
    out = []
    for b in series:
        local = (b.time + LOCAL_OFFSET).astype("datetime64[s]").astype("datetime64[M]")
        month = local.astype("datetime64[s]").astype(np.int64) - LOCAL_OFFSET
        starts = np.flatnonzero(np.r_[True, month[1:] != month[:-1]])
        hours = np.add.reduceat(b.count, starts)
        out.append(Buckets(b.station, b.parameter, month[starts],
                           np.add.reduceat(b.mean * b.count, starts) / hours,
                           np.minimum.reduceat(b.low, starts),
                           np.maximum.reduceat(b.high, starts), hours))
    return out


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
