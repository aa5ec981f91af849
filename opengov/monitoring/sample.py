"""Sample readings, generated deterministically at load time (never committed as data).

``full``: every sample station, one year of hours (2025-03-01 → 2026-03-01, local time), so the
sample spans the QCVN 05:2023 PM2.5 change of 2026-01-01. ``small`` (tests): six stations for
three weeks around that date.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
from sqlalchemy import func, select

from opengov.monitoring.readings_table import DAILY, READINGS
from opengov.monitoring.synth_readings import generate
from opengov.monitoring.writer import insert_columns
from opengov.store.repository import LoadResult, Store

LOCAL = timezone(timedelta(hours=7))
SEED = 5
PROFILES = {
    "full": (datetime(2025, 3, 1, tzinfo=LOCAL), 365 * 24, None),
    "small": (datetime(2025, 12, 21, tzinfo=LOCAL), 21 * 24,
              ("aq-001", "aq-002", "aq-003", "aq-004", "sw-001", "cw-001")),
}
BATCH = 200_000


def sample_stations(store: Store, only: tuple[str, ...] | None) -> list[tuple[str, tuple]]:
    """(station id, parameter codes) of the stations in the database, in id order."""
    t = store.repo("monitoring-stations").table
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.c.id, t.c.parameters).order_by(t.c.id)).all()
    return [(r[0], tuple(r[1] or ())) for r in rows if only is None or r[0] in only]


def write_blocks(store: Store, blocks) -> int:
    """Insert generated :class:`~opengov.monitoring.synth_readings.Block` s in large batches."""
    pending: list = []
    new = size = 0
    for block in blocks:
        pending.append(block)
        size += len(block.time)
        if size >= BATCH:
            new += _write(store, pending)
            pending, size = [], 0
    return new + _write(store, pending)


def _write(store: Store, blocks: list) -> int:
    if not blocks:
        return 0
    return insert_columns(
        store, np.concatenate([np.full(len(b.time), b.station_id, dtype=object) for b in blocks]),
        *(np.concatenate([getattr(b, name) for b in blocks])
          for name in ("parameter", "time", "value", "flag")))


def load_sample_readings(store: Store, profile: str) -> LoadResult:
    """Fill an empty readings table with the ``profile`` sample; a filled one is left alone."""
    table = store.table(READINGS)
    with store.engine.connect() as conn:
        existing = conn.execute(select(func.count()).select_from(table)).scalar_one()
    result = LoadResult("monitoring-readings")
    if existing:  # live data: a reload never rewrites it
        result.unchanged = existing
        return result
    start, hours, only = PROFILES[profile if profile in PROFILES else "full"]
    stations = sample_stations(store, only)
    result.new = write_blocks(store, generate(stations, int(start.timestamp()), hours, SEED))
    return result


def synth_readings(store: Store, datasets: Path, stations: int, hours: int, seed: int,
                   echo=print) -> int:
    """The benchmark set: ``stations`` air stations × 8 parameters × ``hours`` hours.

    Replaces the stations collection with a network of that many air stations (plus the water
    stations of the sample) and the readings table with freshly generated readings.
    """
    from tqdm import tqdm

    from opengov.loader import load_all, prepare_rows
    from opengov.monitoring.synth_stations import station_features
    from opengov.store.engine import write_transaction

    load_all(store, datasets, only=("monitoring-parameters",))
    collection = store.registry.get("monitoring-stations")
    features = station_features(SEED, air=stations)
    pairs = ((f["properties"], f["geometry"]) for f in features)
    store.repo(collection.id).replace_all(prepare_rows(collection, pairs, source="synth"),
                                          source=f"synth:monitoring:seed={seed}")
    with write_transaction(store.engine) as conn:
        conn.execute(store.table(READINGS).delete())
        conn.execute(store.table(DAILY).delete())
    chosen = [(f["id"], tuple(f["properties"]["parameters"])) for f in features
              if f["properties"]["kind"] == "air"]
    start = int(datetime(2024, 1, 1, tzinfo=LOCAL).timestamp())
    blocks = tqdm(generate(chosen, start, hours, seed), total=len(chosen), unit=" station",
                  desc="readings")
    count = write_blocks(store, blocks)
    echo(f"monitoring-readings: {count} readings for {len(chosen)} stations × {hours} hours")
    return count

