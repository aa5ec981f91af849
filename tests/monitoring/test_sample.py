"""The generators: deterministic, ≥ 30 stations, gaps, flagged outliers, daily and yearly shape."""

from __future__ import annotations

import json

import numpy as np

from opengov.monitoring import daily
from opengov.monitoring.synth_readings import generate
from opengov.monitoring.synth_stations import station_features
from tests.conftest import DATASETS

AIR = ("pm25", "pm10", "tsp", "o3", "co", "so2", "no2", "temp_air")
START = 1735664400  # 2025-01-01 00:00 local


def test_committed_stations_are_what_the_generator_writes():
    committed = json.loads((DATASETS / "monitoring-stations" / "stations.geojson").read_text(
        encoding="utf-8"))["features"]
    assert committed == station_features()
    assert len(committed) >= 30


def test_readings_are_deterministic_and_seed_dependent():
    one = next(generate([("aq-001", AIR)], START, 500, seed=3))
    two = next(generate([("aq-001", AIR)], START, 500, seed=3))
    other = next(generate([("aq-001", AIR)], START, 500, seed=4))
    assert np.array_equal(one.value, two.value) and np.array_equal(one.time, two.time)
    assert not np.array_equal(one.value[:100], other.value[:100])


def test_year_has_gaps_flags_and_seasonal_and_daily_shape():
    block = next(generate([("aq-001", ("pm25",))], START, 365 * 24, seed=5))
    assert 0.9 * 8760 < len(block.time) < 8760  # some hours missing
    assert set(block.flag) == {"valid", "suspect", "invalid"}
    valid = block.flag == "valid"
    hour = (block.time // 3600 + 7) % 24
    month = (block.time - START) // (30.4 * 86400)
    pm = block.value
    assert pm[valid & (hour == 19)].mean() > 1.3 * pm[valid & (hour == 3)].mean()
    dry = valid & (month >= 1) & (month <= 3)  # February–April
    wet = valid & (month >= 8) & (month <= 10)  # September–November
    assert pm[dry].mean() > 1.3 * pm[wet].mean()
    spikes = block.value[block.flag != "valid"]
    assert np.median(spikes) > 3 * np.median(pm[valid])


def test_day_summaries_by_hand():
    first = daily.day_start(START + 5 * 3600)
    times = np.array([first + h * 3600 for h in range(24)] + [first + 3600 + 60])
    values = np.array([10.0] * 24 + [30.0])  # hour 1 has two readings: mean 20
    series = np.zeros(len(times), dtype=np.int64)
    rows = daily.summarise(series, times, values)
    (number, day, hours, mean, low, high, peak, peak8), = rows
    assert number == 0
    assert day == first and hours == 24
    assert mean == np.mean([10.0] * 23 + [20.0]) and low == 10.0 and high == 30.0
    # No readings before midnight: the 8-h window ending at 05:00 is the first with 6 hours,
    # and it holds the 20 of hour 1: (5 · 10 + 20) / 6.
    assert peak == 20.0 and peak8 == (5 * 10.0 + 20.0) / 6


def test_evening_before_counts_only_in_the_eight_hour_means():
    first = daily.day_start(START + 5 * 3600)
    evening = [first - h * 3600 for h in range(1, 8)]  # 17:00 … 23:00 of the day before
    times = np.array(evening + [first + h * 3600 for h in range(24)] + [first + 3600])
    values = np.array([50.0] * 7 + [10.0] * 24 + [10.0])
    series = np.array([0] * 31 + [1])  # a second series with one reading
    before, today, other = daily.summarise(series, times, values)
    assert before[:3] == (0, first - 86400, 7) and before[3] == 50.0
    assert before[7] == 50.0  # the 8-h window ending at 23:00 holds 7 hours
    assert today[:4] == (0, first, 24, 10.0) and today[4:7] == (10.0, 10.0, 10.0)
    assert today[7] == (7 * 50.0 + 10.0) / 8  # window ending 00:00 reaches back 7 hours
    assert other == (1, first, 1, 10.0, 10.0, 10.0, 10.0, None)  # 1 hour: no 8-h mean
