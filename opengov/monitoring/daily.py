"""The daily aggregates table, recomputed for the days a write touched, in the same transaction.

A day is local (UTC+7). Each row holds what daily indices and aggregates need: hours with data,
mean of hourly means, lowest and highest reading, highest hourly mean and highest 8-hour running
mean ending in the day. 8-hour means reach 7 hours back, so a write also refreshes the next day.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import and_, delete, insert, select

from opengov.monitoring import aqi
from opengov.monitoring.fetch import fetch, fetch_on
from opengov.monitoring.readings_table import DAILY, READINGS

HOUR, DAY = 3600, 86400
LOCAL_OFFSET = 7 * HOUR
LEAD = 7 * HOUR


def day_start(epoch):
    """Epoch of the local midnight starting the day of ``epoch`` (scalars or arrays)."""
    return (epoch + LOCAL_OFFSET) // DAY * DAY - LOCAL_OFFSET


def spans(station, parameter, time) -> dict[tuple[str, str], tuple[int, int]]:
    """First and last time written per (station, parameter), from parallel columns."""
    s_codes, s_names = pd.factorize(np.asarray(station, dtype=object))
    p_codes, p_names = pd.factorize(np.asarray(parameter, dtype=object))
    codes, keys = pd.factorize(s_codes * len(p_names) + p_codes)
    t = np.asarray(time, dtype=np.int64)
    lo = np.full(len(keys), np.iinfo(np.int64).max)
    hi = np.full(len(keys), np.iinfo(np.int64).min)
    np.minimum.at(lo, codes, t)
    np.maximum.at(hi, codes, t)
    return {(s_names[k // len(p_names)], p_names[k % len(p_names)]): (int(a), int(b))
            for k, a, b in zip(keys.tolist(), lo.tolist(), hi.tolist(), strict=True)}


def summarise(series: np.ndarray, times: np.ndarray, values: np.ndarray, count: int,
              first: int, days: int) -> list[tuple]:
    """(series, day, hours, mean, low, high, peak, peak8) of each series-day with data.

    ``series`` numbers each reading's series (0 … count−1); readings are valid ones between
    ``first − 7 h`` and the end of the last day. All series are summarised at once on a
    (series × hours) grid.
    """
    lead = LEAD // HOUR
    n = days * 24 + lead
    cell = series * n + (times - (first - LEAD)) // HOUR
    size = count * n
    total = np.bincount(cell, weights=values, minlength=size).reshape(count, n)
    seen = np.bincount(cell, minlength=size).reshape(count, n)
    low, high = np.full(size, np.inf), np.full(size, -np.inf)
    np.minimum.at(low, cell, values)
    np.maximum.at(high, cell, values)
    with np.errstate(invalid="ignore", divide="ignore"):
        hourly = np.where(seen > 0, total / np.maximum(seen, 1), np.nan)
    present = ~np.isnan(hourly)
    # 8-hour running means from cumulative sums (≥ aqi.MIN_8H hours present).
    sums = np.concatenate([np.zeros((count, 1)), np.cumsum(np.nan_to_num(hourly), axis=1)], 1)
    hits = np.concatenate([np.zeros((count, 1)), np.cumsum(present, axis=1)], axis=1)
    window_sum, window_hits = sums[:, 8:] - sums[:, :-8], hits[:, 8:] - hits[:, :-8]
    with np.errstate(invalid="ignore", divide="ignore"):
        eight = np.where(window_hits >= aqi.MIN_8H, window_sum / window_hits, np.nan)
    eight = eight[:, lead - 7:].reshape(count, days, 24)  # windows ending in each day's hours
    day_hourly = hourly[:, lead:].reshape(count, days, 24)
    hours = present[:, lead:].reshape(count, days, 24).sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(day_hourly, axis=2) / hours
    peak = np.max(np.where(np.isnan(day_hourly), -np.inf, day_hourly), axis=2)
    peak8 = np.max(np.where(np.isnan(eight), -np.inf, eight), axis=2)
    low_day = low.reshape(count, n)[:, lead:].reshape(count, days, 24).min(axis=2)
    high_day = high.reshape(count, n)[:, lead:].reshape(count, days, 24).max(axis=2)
    out = []
    for k, d in zip(*np.nonzero(hours > 0), strict=True):
        out.append((int(k), first + int(d) * DAY, int(hours[k, d]), float(mean[k, d]),
                    float(low_day[k, d]), float(high_day[k, d]), float(peak[k, d]),
                    None if np.isinf(peak8[k, d]) else float(peak8[k, d])))
    return out


def refresh(conn, store, changed: dict[tuple[str, str], tuple[int, int]]) -> None:
    """Recompute the daily rows of the days touched by ``changed`` (and the day after).

    One read and one delete cover every series of the batch: the stations × parameters it
    names, over the union of its days (series it did not touch are recomputed unchanged).
    """
    r, d = store.table(READINGS), store.table(DAILY)
    stations = sorted({s for s, _ in changed})
    parameters = sorted({p for _, p in changed})
    first = int(min(day_start(lo) for lo, _ in changed.values()))
    end = int(max(day_start(hi) for _, hi in changed.values())) + 2 * DAY
    rows = fetch_on(conn, select(r.c.station_id, r.c.parameter, r.c.time, r.c.value).where(
        r.c.station_id.in_(stations), r.c.parameter.in_(parameters), r.c.flag == "valid",
        r.c.time >= first - LEAD, r.c.time < end)
        .order_by(r.c.station_id, r.c.parameter, r.c.time))
    conn.execute(delete(d).where(and_(d.c.station_id.in_(stations), d.c.parameter.in_(parameters),
                                      d.c.day >= first, d.c.day < end)))
    if not rows:
        return
    station, parameter, times, values = (np.array(c) for c in zip(*rows, strict=True))
    codes, keys = pd.factorize(pd.MultiIndex.from_arrays([station, parameter]))
    new_rows = [{"station_id": keys[k][0], "parameter": keys[k][1], "day": day, "hours": hours,
                 "mean": mean, "low": low, "high": high, "peak": peak, "peak8": peak8}
                for k, day, hours, mean, low, high, peak, peak8 in summarise(
                    codes, times.astype(np.int64), values.astype(float), len(keys), first,
                    (end - first) // DAY)]
    if new_rows:
        conn.execute(insert(d), new_rows)


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
