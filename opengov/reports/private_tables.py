"""Private tables of reports: never read by collection views, never published.

- ``report_private``: what identifies a reporter (contacts, device id) and the tracking token's
  hash; contacts are erased a while after the report closes.
- ``report_history``: every status change with its public note.
- ``report_photos``: uploads (already stripped of metadata) awaiting an official's approval.
- ``report_idempotency``: replays of retried submissions; the token is kept only until the
  idempotency window ends, so the same client can be given it again.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    false,
)

from opengov.store.types import UTCDateTime

PRIVATE_TABLES = ("report_private", "report_history", "report_photos", "report_idempotency")
PHOTO_ID_MAX = 2**31 - 1  # ``report_photos.id`` is a 32-bit INTEGER on PostgreSQL


def photo_id_is(photos: Table, photo_id: int):
    """``photos.id == photo_id``; an id the column cannot hold matches nothing (the database
    would refuse the parameter with an error)."""
    return photos.c.id == photo_id if 0 <= photo_id <= PHOTO_ID_MAX else false()


def define(metadata: MetaData) -> None:
    """Add the private report tables to ``metadata`` (idempotent)."""
    if "report_private" in metadata.tables:
        return
    private = Table(
        "report_private", metadata,
        Column("report_id", String(64), primary_key=True),
        Column("token_sha256", String(64), nullable=False, unique=True),
        Column("name", Text), Column("email", Text), Column("phone", Text),
        Column("device_id", Text), Column("account_id", Text),
        Column("closed_at", UTCDateTime),
        Column("erased_at", UTCDateTime),
    )
    Index(None, private.c.closed_at)
    history = Table(
        "report_history", metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("report_id", String(64), nullable=False),
        Column("at", UTCDateTime, nullable=False),
        Column("kind", String(20), nullable=False),
        Column("status", String(20), nullable=False),
        Column("agency", Text),
        Column("note", Text),
        Column("actor_role", String(50)),
    )
    Index(None, history.c.report_id, history.c.id)
    photos = Table(
        "report_photos", metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("report_id", String(64), nullable=False),
        Column("media_type", String(20), nullable=False),
        Column("data", LargeBinary, nullable=False),
        Column("approved", Boolean, nullable=False, default=False),
        Column("created_at", UTCDateTime, nullable=False),
    )
    Index(None, photos.c.report_id)
    idem = Table(
        "report_idempotency", metadata,
        Column("key_sha256", String(64), primary_key=True),
        Column("fingerprint", String(64), nullable=False),
        Column("report_id", String(64), nullable=False),
        Column("token", Text),
        Column("created_at", UTCDateTime, nullable=False),
    )
    Index(None, idem.c.created_at)
