"""The monitoring readings as a live dataset: a plain table (not a collection) read by month.

Columns are those of the raw ``/monitoring/readings`` CSV (station, parameter, time, value,
unit, flag); units come from the ``monitoring-parameters`` dataset. Rows come in the table's
key order (station, parameter, time). Contributed to the catalogue as the
``live_sources`` of the monitoring capability (:mod:`opengov.monitoring`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import func, select

from opengov.catalog.datapackage import SCHEMA_PROFILE
from opengov.catalog.live import LiveSource, Stats
from opengov.collections import Collection, Field
from opengov.store.repository import Store

TABLE = "monitoring_readings"
BATCH = 5000
COLUMNS = ("station", "parameter", "time", "value", "unit", "flag")

READINGS = Collection(
    id="monitoring-readings",
    title={"vi": "Số liệu quan trắc môi trường", "en": "Environmental monitoring readings"},
    description={
        "vi": "Số liệu đo theo giờ tại các trạm quan trắc, kèm cờ chất lượng; công bố theo "
              "từng tháng đã kết thúc.",
        "en": "Hourly readings of the monitoring stations with their quality flags, published "
              "as one extract per finished month.",
    },
    fields=(
        Field("station", "string", "Mã trạm", "Station id", required=True),
        Field("parameter", "string", "Mã thông số", "Parameter code", required=True),
        Field("time", "datetime", "Thời điểm (UTC)", "Time of the reading (UTC, hour start)",
              required=True),
        Field("value", "number", "Giá trị", "Measured value", required=True),
        Field("unit", "string", "Đơn vị", "Unit of the value"),
        Field("flag", "string", "Cờ chất lượng", "Quality flag", required=True,
              enum=("valid", "suspect", "invalid")),
    ),
    id_field="station",
    time_field="time",
    kind="live",
    cache_seconds=3600,
    keywords=("air quality", "water quality", "monitoring", "readings", "quan trắc"),
)


def _epoch(value: datetime) -> int:
    return int(value.timestamp())


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _time(epoch: int | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def _stats(store: Store) -> Stats:
    t = store.table(TABLE)
    with store.engine.connect() as conn:
        first, last, count = conn.execute(
            select(func.min(t.c.time), func.max(t.c.time), func.count())).one()
    return Stats(_time(first), _time(last), count)


def _batches(store: Store, start: datetime, end: datetime) -> Iterator[list[tuple]]:
    t = store.table(TABLE)
    stmt = (select(t.c.station_id, t.c.parameter, t.c.time, t.c.value, t.c.flag)
            .where(t.c.time >= _epoch(start), t.c.time < _epoch(end))
            .order_by(t.c.station_id, t.c.parameter, t.c.time))
    with store.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(stmt)
        for part in result.partitions(BATCH):
            yield [tuple(r) for r in part]


def _units(store: Store) -> dict[str, str]:
    if "monitoring-parameters" not in store.registry:
        return {}
    t = store.repo("monitoring-parameters").table
    with store.engine.connect() as conn:
        return {r[0]: r[1] or "" for r in conn.execute(select(t.c.id, t.c.unit))}


def _csv(store: Store, start: datetime, end: datetime) -> Iterator[bytes]:
    """RFC 4180 CSV (UTF-8, CRLF), one batch of readings per chunk."""
    units = _units(store)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield buf.getvalue().encode()
    for batch in _batches(store, start, end):
        buf.seek(0)
        buf.truncate()
        writer.writerows((station, parameter, _iso(t), value, units.get(parameter, ""), flag)
                         for station, parameter, t, value, flag in batch)
        yield buf.getvalue().encode()


# The extract CSV's columns; one reading per station, parameter and hour.
SCHEMA = {
    "$schema": SCHEMA_PROFILE,
    "fields": [
        {"name": "station", "type": "string", "description": "Station id",
         "constraints": {"required": True}},
        {"name": "parameter", "type": "string", "description": "Parameter code",
         "constraints": {"required": True}},
        {"name": "time", "type": "datetime", "description": "Time of the reading (UTC)",
         "constraints": {"required": True}},
        {"name": "value", "type": "number", "description": "Measured value",
         "constraints": {"required": True}},
        {"name": "unit", "type": "string", "description": "Unit of the value"},
        {"name": "flag", "type": "string", "description": "Quality flag",
         "constraints": {"required": True, "enum": ["valid", "suspect", "invalid"]}},
    ],
    "primaryKey": ["station", "parameter", "time"],
}

SOURCE = LiveSource(READINGS, _stats, _csv, SCHEMA, parent="monitoring-stations")


def sources(store: Store) -> list[LiveSource]:
    """The readings source when this application has the readings table."""
    return [SOURCE] if TABLE in store.metadata.tables else []
