"""VN_AQI series for stations over time ranges, from the readings table (uses :mod:`.aqi`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import numpy as np
import pandas as pd

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
    rows = hourly(store, Selection(stations, aqi.POLLUTANTS, start, end))
    for station, parameter, at, mean, *_ in rows:
        grid = grids.setdefault(station, {})
        series = grid.get(parameter)
        if series is None:
            series = grid[parameter] = np.full(hours, np.nan)
        series[(at - start) // HOUR] = mean
    return grids


def _entry(at: int, overall: float, dominant: str, subs: dict[str, np.ndarray], i: int) -> dict:
    value = aqi.round_index(overall)
    return {
        "time": iso(at),
        "aqi": value,
        "category": aqi.category(value),
        "dominant": dominant or None,
        "subindices": {p: aqi.round_index(float(s[i])) for p, s in subs.items()
                       if not np.isnan(s[i])},
    }


def _daily_series(store: Store, stations: tuple[str, ...], start: int, end: int
                  ) -> dict[str, tuple]:
    """Daily index per station from the daily aggregates table (no hourly data read)."""
    count = (end - start) // DAY
    rows = daily.read(store, stations, aqi.POLLUTANTS, start, end)
    frame = pd.DataFrame(rows, columns=["station", "parameter", "day", "hours", "mean", "low",
                                        "high", "peak", "peak8"])
    summaries: dict[str, dict[str, list[np.ndarray]]] = {}
    for (station, parameter), group in frame.groupby(["station", "parameter"], sort=False):
        at = (group["day"].to_numpy(dtype=np.int64) - start) // DAY
        arrays = [np.zeros(count), *(np.full(count, np.nan) for _ in range(3))]
        for array, column in zip(arrays, ("hours", "mean", "peak", "peak8"), strict=True):
            array[at] = group[column].to_numpy(dtype=float, na_value=np.nan)
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
            out[station] = [_entry(start + i * DAY, float(overall[i]), dominant[i], subs, i)
                            for i in range(len(overall)) if not np.isnan(overall[i])]
        return out
    lead = aqi.NOWCAST_HOURS - 1
    for station, grid in hourly_grids(store, stations, start - lead * HOUR, end).items():
        overall, dominant, subs = aqi.hourly(grid)
        subs = {p: s[lead:] for p, s in subs.items()}
        overall, dominant = overall[lead:], dominant[lead:]
        out[station] = [_entry(start + i * HOUR, float(overall[i]), dominant[i], subs, i)
                        for i in range(len(overall)) if not np.isnan(overall[i])]
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
