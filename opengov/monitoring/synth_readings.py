"""Deterministic hourly readings with diurnal and seasonal shape, gaps and flagged outliers.

Nothing here is a real measurement. Each (station, parameter) series is
``base × station factor × season × daily cycle × noise``, where the noise is an AR(1) process in
log space (pollution episodes last hours to days), plus outage gaps of 1–48 hours and rare
spikes flagged ``suspect`` or ``invalid`` as a quality-control step would. The same seed gives
the same values on every machine (numpy's PCG64).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from opengov.monitoring.catalogue import PARAMETERS

HOUR = 3600
LOCAL = 7  # Asia/Ho_Chi_Minh, UTC+7

# parameter → (base level, seasonal amplitude, daily shape, noise sigma in log space)
SHAPES = {
    "pm25": (24.0, 0.45, "traffic", 0.35), "pm10": (42.0, 0.40, "traffic", 0.32),
    "tsp": (75.0, 0.35, "traffic", 0.30), "o3": (55.0, 0.20, "sun", 0.25),
    "co": (900.0, 0.30, "traffic", 0.30), "so2": (14.0, 0.25, "flat", 0.30),
    "no2": (28.0, 0.30, "traffic", 0.30), "temp_air": (27.0, 0.12, "sun", 0.02),
    "ph": (7.2, 0.02, "flat", 0.01), "do": (6.2, 0.10, "sun", 0.05),
    "bod5": (4.0, 0.30, "flat", 0.20), "cod": (12.0, 0.25, "flat", 0.20),
    "tss": (30.0, 0.50, "flat", 0.35), "nh4": (0.3, 0.40, "flat", 0.30),
    "salinity": (30.0, 0.05, "flat", 0.02), "temp_water": (27.0, 0.08, "sun", 0.01),
}


@dataclass(frozen=True)
class Block:
    """Readings of one station as parallel arrays (one entry per stored reading)."""

    station_id: str
    parameter: np.ndarray
    time: np.ndarray  # epoch seconds, start of hour
    value: np.ndarray
    flag: np.ndarray


def _daily(shape: str, local_hour: np.ndarray) -> np.ndarray:
    if shape == "traffic":  # morning and evening rush, low in the afternoon and at night
        return (0.8 + 0.45 * np.exp(-((local_hour - 8) ** 2) / 4.0)
                + 0.55 * np.exp(-((local_hour - 19) ** 2) / 6.0)
                - 0.15 * np.exp(-((local_hour - 14) ** 2) / 8.0))
    if shape == "sun":  # afternoon maximum (photochemistry, heating)
        return 0.75 + 0.6 * np.exp(-((local_hour - 14) ** 2) / 10.0)
    return np.ones_like(local_hour, dtype=float)


def _season(amplitude: float, day_of_year: np.ndarray) -> np.ndarray:
    # Central Vietnam: dry, dusty first half of the year; rainy season September–December.
    return 1.0 + amplitude * np.cos(2 * np.pi * (day_of_year - 60) / 365.25)


def _ar1(rng: np.random.Generator, n: int, sigma: float, phi: float = 0.92) -> np.ndarray:
    shocks = rng.normal(0.0, sigma * np.sqrt(1 - phi * phi), n)
    out = np.empty(n)
    level = rng.normal(0.0, sigma)
    for i in range(n):  # a short loop per series; vectorised over nothing, but n ≤ 25k
        level = phi * level + shocks[i]
        out[i] = level
    return out


def series(rng: np.random.Generator, parameter: str, start: int, hours: int,
           station_factor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(times, values, flags) of one parameter at one station, gaps removed."""
    base, amplitude, shape, sigma = SHAPES[parameter]
    t = start + HOUR * np.arange(hours, dtype=np.int64)
    local_hour = ((t // HOUR + LOCAL) % 24).astype(float)
    day_of_year = ((t // 86400) % 365.25).astype(float)
    if parameter.startswith("temp") or parameter in ("ph", "salinity"):
        value = base + base * amplitude * (_season(1.0, day_of_year) - 1) \
            + 2.5 * (_daily(shape, local_hour) - 1) + _ar1(rng, hours, sigma * base)
    else:
        value = (base * station_factor * _season(amplitude, day_of_year)
                 * _daily(shape, local_hour) * np.exp(_ar1(rng, hours, sigma)))
    flag = np.full(hours, "valid", dtype=object)
    spikes = rng.random(hours) < 0.002
    value = np.where(spikes, value * rng.uniform(5, 12, hours), value)
    flag[spikes] = np.where(rng.random(spikes.sum()) < 0.25, "invalid", "suspect")
    value = np.clip(value, PARAMETERS[parameter].low, PARAMETERS[parameter].high * 0.9)
    keep = np.ones(hours, dtype=bool)
    for _ in range(rng.poisson(hours / 900)):  # outages: 1–48 missing hours
        first = rng.integers(0, hours)
        keep[first:first + rng.integers(1, 49)] = False
    keep &= rng.random(hours) > 0.01  # isolated missing hours
    return t[keep], np.round(value[keep], 2), flag[keep]


def generate(stations: list[tuple[str, tuple[str, ...]]], start: int, hours: int,
             seed: int) -> Iterator[Block]:
    """Readings of each (station id, parameters) for ``hours`` hours from ``start``."""
    for index, (station_id, parameters) in enumerate(stations):
        rng = np.random.default_rng([seed, index])
        factor = float(rng.lognormal(0.0, 0.25))
        parts = [series(rng, p, start, hours, factor) for p in parameters]
        yield Block(
            station_id,
            np.concatenate([np.full(len(t), p, dtype=object)
                            for p, (t, _, _) in zip(parameters, parts, strict=True)]),
            np.concatenate([t for t, _, _ in parts]),
            np.concatenate([v for _, v, _ in parts]),
            np.concatenate([f for _, _, f in parts]),
        )
