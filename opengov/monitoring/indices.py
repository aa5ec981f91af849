"""VN_AQI series for stations over time ranges, from the readings table (uses :mod:`.aqi`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import groupby
from operator import itemgetter

import numpy as np

from opengov.monitoring import aqi, daily, queries
from opengov.monitoring.queries import DAY, HOUR, LOCAL_OFFSET, Selection, hourly
from opengov.store.repository import Store


def iso(epoch: int) -> str:
    """Epoch seconds as ISO 8601 UTC with ``Z``."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def align(start: int, end: int, resolution: str) -> tuple[int, int]:
    """Widen [start, end) to whole hours, or whole local days for the daily index."""
    size = HOUR if resolution == "hour" else DAY
    shift = 0 if resolution == "hour" else LOCAL_OFFSET
    first = (start + shift) // size * size - shift
    last = -((-(end + shift)) // size) * size - shift
    return first, last


def hourly_grids(store: Store, stations: Iterable[str], start: int, end: int
                 ) -> dict[str, dict[str, np.ndarray]]:
    """Per station, per pollutant: hourly means over [start, end) on a dense grid (NaN = none)."""
    stations = tuple(stations)
    hours = (end - start) // HOUR
    grids: dict[str, dict[str, np.ndarray]] = {}
    if not stations:
        return grids
    for b in hourly(store, Selection(stations, aqi.POLLUTANTS, start, end)):
        series = grids.setdefault(b.station, {})[b.parameter] = np.full(hours, np.nan)
        series[(b.time - start) // HOUR] = b.mean
    return grids


def _rounded(values: np.ndarray) -> list:
    """:func:`aqi.round_index` of every value (half up; None where missing), vectorised."""
    whole = np.floor(np.asarray(values, dtype=float) + 0.5)
    return [None if v != v else int(v) for v in whole.tolist()]


CATEGORY_TOPS = np.array([c[0] for c in aqi.CATEGORIES])
CATEGORY_OBJECTS = [aqi.category(top) for top in CATEGORY_TOPS.tolist()] + [None]


def _entries(start: int, step: int, overall: np.ndarray, dominant: np.ndarray,
             subs: dict[str, np.ndarray]) -> list[dict]:
    """One entry per step with an index: time, index, category, dominant, sub-indices."""
    keep = np.flatnonzero(~np.isnan(overall))
    if not len(keep):
        return []
    times = (start + keep * step).astype("datetime64[s]").astype(str).tolist()
    values = _rounded(overall[keep])
    bands = np.searchsorted(CATEGORY_TOPS, np.array(values), side="left").tolist()
    parts = {p: _rounded(s[keep]) for p, s in subs.items()}
    return [{"time": t + "Z", "aqi": v, "category": CATEGORY_OBJECTS[b],
             "dominant": d or None,
             "subindices": {p: x[j] for p, x in parts.items() if x[j] is not None}}
            for j, (t, v, b, d) in enumerate(zip(times, values, bands,
                                                  dominant[keep].tolist(), strict=True))]


def _daily_series(store: Store, stations: tuple[str, ...], start: int, end: int
                  ) -> dict[str, tuple]:
    """Daily index per station from the daily aggregates table (no hourly data read)."""
    count = (end - start) // DAY
    rows = daily.read(store, stations, aqi.POLLUTANTS, start, end)  # in series, day order
    summaries: dict[str, dict[str, list[np.ndarray]]] = {}
    for (station, parameter), group in groupby(rows, key=itemgetter(0, 1)):
        block = np.array([(r[2], r[3], r[4], r[7], r[8]) for r in group], dtype=float)
        at = (block[:, 0].astype(np.int64) - start) // DAY
        arrays = [np.zeros(count), *(np.full(count, np.nan) for _ in range(3))]
        for column, array in enumerate(arrays, start=1):  # hours, mean, peak, peak8
            array[at] = block[:, column]
        summaries.setdefault(station, {})[parameter] = arrays
    return {station: aqi.daily_from_summaries(found, count)
            for station, found in summaries.items()}


def series(store: Store, stations: Iterable[str], start: int, end: int,
           resolution: str) -> dict[str, list[dict]]:
    """Hourly or daily VN_AQI per station for [start, end) (aligned to hours or local days)."""
    stations = tuple(stations)
    start, end = align(start, end, resolution)
    out: dict[str, list[dict]] = {}
    if resolution == "day":
        for station, (overall, dominant, subs) in _daily_series(store, stations, start,
                                                                 end).items():
            out[station] = _entries(start, DAY, overall, dominant, subs)
        return out
    lead = aqi.NOWCAST_HOURS - 1
    for station, grid in hourly_grids(store, stations, start - lead * HOUR, end).items():
        overall, dominant, subs = aqi.hourly(grid)
        subs = {p: s[lead:] for p, s in subs.items()}
        overall, dominant = overall[lead:], dominant[lead:]
        out[station] = _entries(start, HOUR, overall, dominant, subs)
    return out


def latest(store: Store, stations: Iterable[str]) -> dict[str, dict]:
    """Each station's hourly index at the hour of its newest PM2.5 or PM10 reading."""
    newest: dict[str, int] = {}
    for station, _parameter, at, *_ in queries.latest(
            store, [(s, p) for s in stations for p in aqi.PM]):
        newest[station] = max(newest.get(station, at), at)
    out = {}
    for station, at in newest.items():
        found = series(store, [station], at, at + HOUR, "hour").get(station)
        if found:
            out[station] = found[-1]
    return out
