"""The gateway's tables: the state of each source and the harvest leases."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Integer, MetaData, String, Table, Text

from opengov.store.leases import LEASES
from opengov.store.types import UTCDateTime

SOURCES = "gateway_sources"


def define_tables(metadata: MetaData) -> None:
    """``gateway_sources`` (last run, provenance, counts) and ``gateway_leases``."""
    Table(
        SOURCES, metadata,
        Column("source_id", String(100), primary_key=True),
        Column("collection_id", String(100), nullable=False),
        Column("status", String(20), nullable=False),
        Column("last_attempt_at", UTCDateTime),
        Column("last_success_at", UTCDateTime),
        Column("last_error_at", UTCDateTime),
        Column("last_error", Text),
        Column("upstream_url", Text),
        Column("etag", Text),
        Column("last_modified", Text),
        Column("checksum", String(64)),
        Column("record_count", BigInteger),
        Column("version", Integer),
        Column("last_run", JSON),
    )
    Table(
        LEASES, metadata,
        Column("source_id", String(100), primary_key=True),
        Column("holder", String(200), nullable=False),
        Column("acquired_at", UTCDateTime, nullable=False),
        Column("expires_at", UTCDateTime, nullable=False),
    )
