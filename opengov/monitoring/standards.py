"""Exceedances of the QCVN 05:2023/BTNMT ambient air limits (µg/Nm³, DOMAIN.md §3).

QCVN 05:2023/BTNMT, issued by TT 01/2023/TT-BTNMT (13/03/2023), in force since 12/09/2023, Table 1
(https://sonnmt.langson.gov.vn/upload/105376/20250319/01-btnmt-qc05_c7c2a.pdf). The PM2.5 24-hour
limit is 50 µg/Nm³ until 31/12/2025 and 45 µg/Nm³ from 01/01/2026.

How each averaging period is evaluated (a value *above* the limit exceeds it):

- ``1h``: every hour's mean;
- ``8h``: each local day's highest 8-hour running mean. Each running mean (≥ 6 of 8 hours
  present) belongs to exactly one day, the day in which its period *ends*: the means of a day
  are those ending 01:00 … 24:00 local, the first reaching back to 17:00 of the day before, as
  in QĐ 1459/QĐ-TCMT §2.2.2 a (QCVN 05:2023 §1.3.7 defines the 8-hour mean but no day). A day
  is evaluated only when at least ``MIN_8H_MEANS`` (18, 75 %) of its 24 means exist — the same
  75 % completeness as the 24-hour mean; neither text sets one. So the evening before cannot
  make a day without readings count as evaluated (or exceeded) a second time;
- ``24h``: each local day's mean of hourly means (≥ 18 of 24 hours), the limit of that day;
- ``year``: each local calendar year wholly inside the range, mean of hourly means, when at
  least 75 % of its hours are present.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from opengov.monitoring import aqi
from opengov.monitoring.indices import hourly_grids, iso
from opengov.monitoring.queries import DAY, HOUR, LOCAL_OFFSET
from opengov.store.repository import Store

TIGHTENING = date(2026, 1, 1)
LIMITS: dict[str, dict[str, float]] = {
    "so2": {"1h": 350, "24h": 125, "year": 50},
    "co": {"1h": 30_000, "8h": 10_000},
    "no2": {"1h": 200, "24h": 100, "year": 40},
    "o3": {"1h": 200, "8h": 120},
    "tsp": {"1h": 300, "24h": 200, "year": 100},
    "pm10": {"24h": 100, "year": 50},
    "pm25": {"24h": 50, "year": 25},
}
PM25_24H_FROM_2026 = 45.0
PERIODS = ("1h", "8h", "24h", "year")
MIN_8H_MEANS = 18  # of the 24 running means ending in a day (75 %), see the module docstring
MAX_ITEMS = 1000


def limit_for(parameter: str, period: str, day: date | None = None) -> float:
    """The limit of ``parameter`` over ``period`` on local ``day`` (for the PM2.5 change)."""
    if parameter == "pm25" and period == "24h" and day is not None and day >= TIGHTENING:
        return PM25_24H_FROM_2026
    return LIMITS[parameter][period]


def _local_date(epoch: int) -> date:
    return date.fromordinal(date(1970, 1, 1).toordinal() + (epoch + LOCAL_OFFSET) // DAY)


def _daily(x: np.ndarray, minimum: int) -> np.ndarray:
    days = x.reshape(-1, 24)
    count = (~np.isnan(days)).sum(axis=1)
    with np.errstate(all="ignore"):
        mean = np.nansum(days, axis=1) / count
    return np.where(count >= minimum, mean, np.nan)


def _periods(parameter: str, period: str, x: np.ndarray, lead: np.ndarray, start: int):
    """(period starts, values, limits) of one averaging period over a day-aligned series."""
    n = len(x)
    if period == "1h":
        starts = start + HOUR * np.arange(n)
        return starts, x, np.full(n, limit_for(parameter, "1h"))
    day_starts = start + DAY * np.arange(n // 24)
    if period == "8h":
        eight = aqi._rolling_mean(np.concatenate([lead, x]), 8, aqi.MIN_8H)[len(lead):]
        days = eight.reshape(-1, 24)
        with np.errstate(all="ignore"):
            peak = np.where((~np.isnan(days)).sum(axis=1) >= MIN_8H_MEANS,
                            np.nanmax(np.where(np.isnan(days), -np.inf, days), axis=1), np.nan)
        return day_starts, peak, np.full(len(day_starts), limit_for(parameter, "8h"))
    if period == "24h":
        limits = np.array([limit_for(parameter, "24h", _local_date(int(s))) for s in day_starts])
        return day_starts, _daily(x, aqi.MIN_24H), limits
    return _years(parameter, x, start)


def _years(parameter: str, x: np.ndarray, start: int):
    starts, values = [], []
    first = _local_date(start)
    for year in range(first.year, _local_date(start + HOUR * len(x) - 1).year + 1):
        y0 = (date(year, 1, 1).toordinal() - date(1970, 1, 1).toordinal()) * DAY - LOCAL_OFFSET
        y1 = (date(year + 1, 1, 1).toordinal() - date(1970, 1, 1).toordinal()) * DAY \
            - LOCAL_OFFSET
        i0, i1 = (y0 - start) // HOUR, (y1 - start) // HOUR
        if i0 < 0 or i1 > len(x):
            continue
        part = x[i0:i1]
        present = (~np.isnan(part)).sum()
        starts.append(y0)
        values.append(float(np.nanmean(part)) if present >= 0.75 * len(part) else np.nan)
    return (np.array(starts, dtype=np.int64), np.array(values, dtype=float),
            np.full(len(starts), limit_for(parameter, "year")))


def exceedances(store: Store, stations: list[str], parameters: tuple[str, ...], start: int,
                end: int, periods: tuple[str, ...] = PERIODS) -> list[dict]:
    """Per station, parameter and averaging period: what was evaluated and what exceeded."""
    grids = hourly_grids(store, stations, start - 7 * HOUR, end)
    out = []
    for station in stations:
        grid = grids.get(station, {})
        for parameter in parameters:
            if parameter not in grid:
                continue
            lead, x = grid[parameter][:7], grid[parameter][7:]
            for period in periods:
                if period not in LIMITS[parameter]:
                    continue
                starts, values, limits = _periods(parameter, period, x, lead, start)
                out.append(_summary(station, parameter, period, starts, values, limits))
    return out


def _summary(station, parameter, period, starts, values, limits) -> dict:
    evaluated = ~np.isnan(values)
    over = evaluated & (np.nan_to_num(values, nan=-1.0) > limits)
    items = [{"start": iso(int(s)), "value": round(float(v), 2), "limit": float(lim)}
             for s, v, lim in zip(starts[over], values[over], limits[over], strict=True)]
    worst = None
    if evaluated.any():
        i = int(np.nanargmax(np.where(evaluated, values, -np.inf)))
        worst = {"start": iso(int(starts[i])), "value": round(float(values[i]), 2)}
    return {
        "station": station, "parameter": parameter, "averaging": period, "unit": "µg/Nm³",
        "limits": sorted({float(v) for v in limits}),
        "evaluated": int(evaluated.sum()), "exceeded": int(over.sum()), "worst": worst,
        "items": items[:MAX_ITEMS], "truncated": len(items) > MAX_ITEMS,
    }
