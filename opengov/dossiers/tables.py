"""The dossier tables. No column holds personal data: no name, ID number, address or phone.

- ``dossiers``: one row per dossier, its state, clock and step dates (the pin only hashed);
- ``dossier_events``: every accepted event, keyed by the one-stop system's event id (a resend
  finds its id and stores nothing);
- ``dossier_monthly``: counts per (month of receipt, agency, procedure, commune, channel),
  kept up to date by every ingested batch, so statistics never scan the dossiers;
- ``dossier_days``: per cell, how many resolved dossiers took how many days against which
  statutory time (a histogram: medians and percentiles without reading the dossiers);
- ``dossier_agency_monthly`` / ``dossier_agency_days``: the same per (month, agency, channel),
  a rollup small enough for agency × month statistics over millions of dossiers.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
)

from opengov.store.types import UTCDateTime

#: The finest aggregate's key (``commune`` is "" when the one-stop system sent none).
CELL = ("month", "agency", "procedure_code", "commune", "channel_in")
LENGTHS = {"month": 7, "agency": 100, "procedure_code": 40, "commune": 100, "channel_in": 20}


@dataclass(frozen=True)
class Level:
    """One rollup of the aggregates: its key, its counts table and its days histogram."""

    key: tuple[str, ...]
    counts: str
    days: str


#: Finest first. Statistics read the coarsest level whose key holds every grouping and filter.
LEVELS = (Level(CELL, "dossier_monthly", "dossier_days"),
          Level(("month", "agency", "channel_in"), "dossier_agency_monthly",
                "dossier_agency_days"))
TABLES = ("dossiers", "dossier_events", *(t for lv in LEVELS for t in (lv.counts, lv.days)))
#: The aggregate's counters.
COUNTS = ("received", "resolved", "on_time", "late", "withdrawn", "online", "postal")


def define(metadata: MetaData) -> None:
    """Add the dossier tables to ``metadata`` (idempotent)."""
    if "dossiers" in metadata.tables:
        return
    dossiers = Table(
        "dossiers", metadata,
        Column("code", String(64), primary_key=True),
        Column("pin_sha256", String(64), nullable=False),
        Column("procedure_code", String(40), nullable=False),
        Column("field_code", String(100)),
        Column("level", String(30)),
        Column("agency", String(100), nullable=False),
        Column("centre", String(100), nullable=False),
        Column("commune", String(100)),
        Column("channel_in", String(20), nullable=False),
        Column("channel_out", String(20), nullable=False),
        Column("postal_code", String(64)),
        Column("received_at", UTCDateTime, nullable=False),
        Column("month", String(7), nullable=False),
        Column("statutory_days", Integer, nullable=False),
        Column("time_unit", String(20), nullable=False),
        Column("due_date", Date),
        Column("used_days", Integer, nullable=False),
        Column("clock_from", Date),
        Column("state", String(30), nullable=False),
        Column("appraisal_at", UTCDateTime),
        Column("decided_at", UTCDateTime),
        Column("ready_at", UTCDateTime),
        Column("returned_at", UTCDateTime),
        Column("resolved_at", UTCDateTime),
        Column("days_taken", Integer),
        Column("on_time", Boolean),
        Column("last_event_at", UTCDateTime, nullable=False),
    )
    Index(None, dossiers.c.state, dossiers.c.due_date)
    Index(None, dossiers.c.month, dossiers.c.agency)
    events = Table(
        "dossier_events", metadata,
        Column("event_id", String(100), primary_key=True),
        Column("dossier_code", String(64), nullable=False),
        Column("kind", String(30), nullable=False),
        Column("at", UTCDateTime, nullable=False),
        Column("batch", String(40), nullable=False),
        Column("ingested_at", UTCDateTime, nullable=False),
    )
    Index(None, events.c.dossier_code, events.c.at)
    for level in LEVELS:
        _aggregate_tables(metadata, level)


def _key_columns(key: tuple[str, ...]) -> list[Column]:
    return [Column(name, String(LENGTHS[name]), nullable=False) for name in key]


def _aggregate_tables(metadata: MetaData, level: Level) -> None:
    extra = [Column("field_code", String(100)), Column("level", String(30))] \
        if "procedure_code" in level.key else []
    counts = Table(level.counts, metadata, *_key_columns(level.key), *extra,
                   *(Column(name, Integer, nullable=False) for name in COUNTS),
                   PrimaryKeyConstraint(*level.key))
    Index(None, counts.c.agency, counts.c.month)
    days = Table(level.days, metadata, *_key_columns(level.key),
                 Column("days_taken", Integer, nullable=False),
                 Column("statutory_days", Integer, nullable=False),
                 Column("dossiers", Integer, nullable=False),
                 PrimaryKeyConstraint(*level.key, "days_taken", "statutory_days"))
    Index(None, days.c.agency, days.c.month)
