"""VN_AQI as Decision 1459/QĐ-TCMT (2019) prescribes: hourly (with NowCast) and daily indices.

Source: QĐ 1459/QĐ-TCMT of 12/11/2019 (https://vea.mae.gov.vn/Data/files/QD%201459%20TCMT%20
ngay%2012_11_2019%20AQI(1).pdf), via the checked transcription noted in DOMAIN.md §3. Section
numbers below are the decision's.

Inputs are hourly means on a regular grid of hours (``NaN`` = missing), the hour labelled by its
*start* (our readings' convention; the decision labels an hour by its end, so its "01:00" hour is
our 00:00 hour). Everything is vectorised with numpy so a year of every station is cheap.

Rounding: the decision says the index "is rounded to an integer" (§2.2.1 c, §2.2.2 c). We compute
sub-indices from unrounded concentrations, in exact integer arithmetic, and round half up
(:func:`sub_index`): PM2.5 at 50.3 µg/m³ is exactly 100 + (50/30)·0.3 = 100.5, hence 101 "Kém",
where binary floating point gives 100.49999999999999 and the band below. This reproduces every
printed value of the decision's worked example (§2.3) except NO₂ in the hourly example:
(50/100)·(118.7−100)+50 = 59.35, which rounds to 59 while the decision prints 60 (only rounding
up would give 60, and the text says rounding). We publish 59.
"""

from __future__ import annotations

import math

import numpy as np

# Table 2 (§2.2.1 b): breakpoints BP_i in µg/m³ for the index levels I_i.
LEVELS = (0, 50, 100, 150, 200, 300, 400, 500)
BREAKPOINTS: dict[str, tuple[float, ...]] = {
    "o3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "o3_8h": (0, 100, 120, 170, 210, 400),  # no levels above 300 (Table 2 shows "-")
    "co": (0, 10_000, 30_000, 45_000, 60_000, 90_000, 120_000, 150_000),
    "so2": (0, 125, 350, 550, 800, 1600, 2100, 2630),
    "no2": (0, 100, 200, 700, 1200, 2350, 3100, 3850),
    "pm10": (0, 50, 150, 250, 350, 420, 500, 600),
    "pm25": (0, 25, 50, 80, 150, 250, 350, 500),
}
POLLUTANTS = ("pm25", "pm10", "o3", "co", "so2", "no2")
PM = ("pm25", "pm10")
O3_8H_CEILING = 400.0  # §2.2.2 b: no 8-h sub-index when the day's max 8-h mean exceeds it

# Table 1 (§1.4): bands, names and official colours.
CATEGORIES = (
    (50, "Tốt", "Good", "#00E400", (0, 228, 0)),
    (100, "Trung bình", "Moderate", "#FFFF00", (255, 255, 0)),
    (150, "Kém", "Poor", "#FF7E00", (255, 126, 0)),
    (200, "Xấu", "Bad", "#FF0000", (255, 0, 0)),
    (300, "Rất xấu", "Very bad", "#8F3F97", (143, 63, 151)),
    (500, "Nguy hại", "Hazardous", "#7E0023", (126, 0, 35)),
)

NOWCAST_HOURS = 12
# Completeness of the 8-h and 24-h means: the decision sets none; we require 75 % of the hours
# (6 of 8, 18 of 24), the usual rule for such averages, and say so in docs/monitoring.md.
MIN_8H, MIN_24H = 6, 18
LOCAL_OFFSET_S = 7 * 3600  # Asia/Ho_Chi_Minh, UTC+7 all year


def round_index(value: float) -> int | None:
    """Round half up to an integer; None for a missing value."""
    if value is None or math.isnan(value):
        return None
    return int(math.floor(value + 0.5))


# Concentrations enter the index as decimals of MICRO µg/m³ (six decimal places): far finer
# than any instrument reports, and it removes the binary noise of float means (50.3 arriving
# as 50.29999999999999). From there on the arithmetic is exact.
MICRO = 1_000_000


def sub_index(table: str, concentration):
    """Formula 1/2 (§2.2.1 b), rounded half up: the sub-index of Table 2, exactly.

    Between breakpoints BPᵢ ≤ C < BPᵢ₊₁ the index is Iᵢ + (Iᵢ₊₁ − Iᵢ)·(C − BPᵢ)/(BPᵢ₊₁ − BPᵢ);
    with C in integer micro-units this is a fraction of integers, and rounding half up is
    Iᵢ + ⌊(2·ΔI·(C − BPᵢ) + ΔBP) / (2·ΔBP)⌋, computed with integers (no float rounding). At or
    above the last breakpoint the index is that breakpoint's level (500; 300 for O₃ 8-h, which
    Table 2 does not continue), below 0 it is 0. NaN (missing) stays NaN. Returns floats
    holding whole numbers, like the input's shape.
    """
    bp = np.array(BREAKPOINTS[table], dtype=np.int64) * MICRO
    levels = np.array(LEVELS[: len(bp)], dtype=np.int64)
    c = np.asarray(concentration, dtype=float)
    missing = np.isnan(c)
    clipped = np.clip(np.where(missing, 0.0, c), 0.0, float(BREAKPOINTS[table][-1]))
    micro = np.rint(clipped * MICRO).astype(np.int64)
    i = np.clip(np.searchsorted(bp, micro, side="right") - 1, 0, len(bp) - 2)
    span_bp, span_level = bp[i + 1] - bp[i], levels[i + 1] - levels[i]
    index = levels[i] + (2 * span_level * (micro - bp[i]) + span_bp) // (2 * span_bp)
    out = np.where(missing, np.nan, index.astype(float))
    return out if out.ndim else float(out)


def category(aqi: int | None) -> dict | None:
    """Band of Table 1 for a rounded index: names vi/en, colour hex and RGB."""
    if aqi is None:
        return None
    for top, vi, en, hex_colour, rgb in CATEGORIES:
        if aqi <= top:
            return {"name": {"vi": vi, "en": en}, "colour": hex_colour, "rgb": list(rgb)}
    return None


def nowcast(series) -> np.ndarray:
    """NowCast (§2.2.1 a) at every hour of a regular hourly series (NaN = missing).

    c₁ is the current hour, c₁₂ eleven hours earlier. w* = Cmin/Cmax over the available values;
    w = ½ when w* ≤ ½, else w*. A missing cᵢ gets weight 0; fewer than 2 of c₁..c₃ gives no
    value. We always use Σwⁱ⁻¹cᵢ / Σwⁱ⁻¹: for w = ½ the decision writes Σ(½)ⁱcᵢ, the same
    weighted mean up to the factor 1 − 2⁻¹² (0.02 %), and only the normalised form stays a mean
    when hours are missing.
    """
    x = np.asarray(series, dtype=float)
    padded = np.concatenate([np.full(NOWCAST_HOURS - 1, np.nan), x])
    windows = np.lib.stride_tricks.sliding_window_view(padded, NOWCAST_HOURS)[:, ::-1]
    present = ~np.isnan(windows)
    with np.errstate(invalid="ignore", divide="ignore", all="ignore"):
        cmin = np.nanmin(np.where(present, windows, np.inf), axis=1)
        cmax = np.nanmax(np.where(present, windows, -np.inf), axis=1)
        w = np.where(cmax > 0, cmin / cmax, 1.0)
    w = np.where(w <= 0.5, 0.5, w)
    weights = w[:, None] ** np.arange(NOWCAST_HOURS)[None, :]
    weights = np.where(present, weights, 0.0)
    values = np.where(present, windows, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = (weights * values).sum(axis=1) / weights.sum(axis=1)
    enough = present[:, :3].sum(axis=1) >= 2
    return np.where(enough, result, np.nan)


def _rolling_mean(x: np.ndarray, hours: int, minimum: int) -> np.ndarray:
    """Mean of the ``hours`` hours ending at each hour, or NaN with fewer than ``minimum``."""
    padded = np.concatenate([np.full(hours - 1, np.nan), x])
    windows = np.lib.stride_tricks.sliding_window_view(padded, hours)
    count = (~np.isnan(windows)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(windows, axis=1) / count
    return np.where(count >= minimum, mean, np.nan)


def _combine(subs: dict[str, np.ndarray], length: int) -> tuple[np.ndarray, np.ndarray]:
    """Overall index = max of sub-indices (§2.2.1 c), only where PM2.5 or PM10 exists (§2.1 b)."""
    names = list(subs)
    if not names:
        return np.full(length, np.nan), np.full(length, "", dtype=object)
    stack = np.vstack([subs[n] for n in names])
    has_pm = np.zeros(length, dtype=bool)
    for n in PM:
        if n in subs:
            has_pm |= ~np.isnan(subs[n])
    filled = np.where(np.isnan(stack), -1.0, stack)
    best = filled.argmax(axis=0)
    overall = np.where(has_pm, filled.max(axis=0), np.nan)
    dominant = np.where(has_pm, np.array(names, dtype=object)[best], "")
    return overall, dominant


def hourly(grid: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Hourly index (§2.2.1) for every hour of ``grid`` (pollutant → hourly means).

    Returns (overall, dominant pollutant, sub-indices per pollutant); sub-indices are whole
    numbers (:func:`sub_index`), and of equal ones the first in ``POLLUTANTS`` dominates.
    """
    length = len(next(iter(grid.values()))) if grid else 0
    subs: dict[str, np.ndarray] = {}
    for name in POLLUTANTS:
        if name not in grid:
            continue
        x = np.asarray(grid[name], dtype=float)
        if name in PM:
            subs[name] = sub_index(name, nowcast(x))
        else:
            subs[name] = sub_index("o3_1h" if name == "o3" else name, x)
    overall, dominant = _combine(subs, length)
    return overall, dominant, subs


def _nanmax_rows(x: np.ndarray) -> np.ndarray:
    present = (~np.isnan(x)).any(axis=1)
    return np.where(present, np.max(np.where(np.isnan(x), -np.inf, x), axis=1), np.nan)


def day_summary(x, lead=None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(hours present, mean, highest 1-h, highest 8-h) per whole day of hourly series ``x``.

    The 8-hour means ending in the first hours of a day reach back into the day before (the
    decision's §2.2.2 a example): ``lead`` gives the 7 hours before ``x`` (NaN if unknown).
    """
    x = np.asarray(x, dtype=float)
    days = len(x) // 24
    by_day = x[: days * 24].reshape(days, 24)
    hours = (~np.isnan(by_day)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(by_day, axis=1) / hours
    before = np.full(7, np.nan) if lead is None else np.asarray(lead, dtype=float)[-7:]
    eight = _rolling_mean(np.concatenate([before, x[: days * 24]]), 8, MIN_8H)[len(before):]
    return hours, mean, _nanmax_rows(by_day), _nanmax_rows(eight.reshape(days, 24))


def daily_from_summaries(summaries: dict[str, tuple], days: int
                         ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Daily index (§2.2.2) from each pollutant's (hours, mean, highest 1-h, highest 8-h).

    PM: the 24-h mean (needs ``MIN_24H`` hours); SO₂, NO₂, CO: the highest 1-h mean; O₃: the
    larger of its 1-h and 8-h sub-indices, without the 8-h one above 400 µg/m³.
    """
    subs: dict[str, np.ndarray] = {}
    for name in POLLUTANTS:
        if name not in summaries:
            continue
        hours, mean, peak, peak8 = (np.asarray(v, dtype=float) for v in summaries[name])
        if name in PM:
            subs[name] = sub_index(name, np.where(hours >= MIN_24H, mean, np.nan))
        elif name == "o3":
            eight = np.where(peak8 > O3_8H_CEILING, np.nan, sub_index("o3_8h", peak8))
            subs[name] = np.fmax(sub_index("o3_1h", peak), eight)
        else:
            subs[name] = sub_index(name, peak)
    overall, dominant = _combine(subs, days)
    return overall, dominant, subs


def daily(grid: dict[str, np.ndarray], lead: dict[str, np.ndarray] | None = None
          ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Daily index (§2.2.2) for whole local days: ``grid`` starts at local midnight.

    The day is the decision's 01:00→24:00 window (hours ending 01:00 … 24:00), i.e. the hours
    *starting* 00:00 … 23:00 local. ``lead`` may give the 7 hours before the first day.
    """
    length = len(next(iter(grid.values()))) if grid else 0
    summaries = {name: day_summary(x, (lead or {}).get(name)) for name, x in grid.items()
                 if name in POLLUTANTS}
    return daily_from_summaries(summaries, length // 24)
