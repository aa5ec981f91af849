"""The readings table: one row per station, parameter and time (a live table, not a collection).

``time`` is whole seconds since the Unix epoch (UTC), the start of the hour for hourly data:
integers keep the primary-key index compact and the time arithmetic of aggregates identical on
SQLite and PostgreSQL. The primary key is the uniqueness rule ingestion relies on; on SQLite the
table is ``WITHOUT ROWID`` so a station-parameter range is one contiguous b-tree scan.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
)

READINGS = "monitoring_readings"
DAILY = "monitoring_daily"


def define_tables(metadata: MetaData) -> None:
    """Add the monitoring tables to ``metadata``."""
    Table(
        READINGS, metadata,
        Column("station_id", String(64), nullable=False),
        Column("parameter", String(16), nullable=False),
        Column("time", BigInteger, nullable=False),
        Column("value", Float, nullable=False),
        Column("flag", String(8), nullable=False),
        PrimaryKeyConstraint("station_id", "parameter", "time"),
        sqlite_with_rowid=False,
    )
    # Per local day (UTC+7) and series, from valid readings, kept in step by every write
    # (opengov.monitoring.daily): the inputs of daily indices and daily/monthly aggregates.
    Table(
        DAILY, metadata,
        Column("station_id", String(64), nullable=False),
        Column("parameter", String(16), nullable=False),
        Column("day", BigInteger, nullable=False),  # epoch seconds of local midnight
        Column("hours", Integer, nullable=False),  # hours with a mean
        Column("mean", Float, nullable=False),  # mean of hourly means
        Column("low", Float, nullable=False),  # lowest reading
        Column("high", Float, nullable=False),  # highest reading
        Column("peak", Float, nullable=False),  # highest hourly mean
        Column("peak8", Float),  # highest 8-hour running mean ending in the day
        PrimaryKeyConstraint("station_id", "parameter", "day"),
        sqlite_with_rowid=False,
    )
