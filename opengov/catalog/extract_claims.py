"""Monthly extracts kept in the database, so that every host serves the same bytes.

Two tables, created on first use (as the database tile cache is; they belong to the extract
builder alone and no migration branch needs them):

- ``catalog_extracts``: one row per (dataset, month). While a host builds the month the row is
  its *claim* (``holder``, ``expires_at``; ``sha256`` empty); once built it is the published
  manifest (file name, size, sha256, time). Claiming is :mod:`opengov.store.leases`, on
  unpublished rows only.
- ``catalog_extract_parts``: the file itself, in parts of :data:`PART_BYTES`, written in the
  same transaction that fills in the manifest, so a published month always has all its bytes.

All of it goes to the primary (``store.engine``): a claim or a publication must not be read
from a replica that has not replayed it yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    insert,
    select,
    update,
)

from opengov.store import leases
from opengov.store.ddl import create_shared
from opengov.store.engine import write_transaction
from opengov.store.types import UTCDateTime, utcnow

EXTRACTS, PARTS = "catalog_extracts", "catalog_extract_parts"
PART_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Published:
    """A month's extract as published in the database."""

    filename: str
    media_type: str
    byte_size: int
    sha256: str
    modified: str  # ISO 8601, the same on every host (Last-Modified)


new_holder = leases.new_holder


def _define(metadata: MetaData) -> tuple[Table, Table]:
    extracts = Table(
        EXTRACTS, metadata,
        Column("dataset_id", String(100), nullable=False),
        Column("period", String(7), nullable=False),
        Column("holder", String(200), nullable=False),
        Column("expires_at", UTCDateTime, nullable=False),
        Column("filename", String(300)),
        Column("media_type", String(100)),
        Column("byte_size", BigInteger),
        Column("sha256", String(64)),
        Column("modified", String(40)),
        PrimaryKeyConstraint("dataset_id", "period", name="pk_catalog_extracts"),
    )
    parts = Table(
        PARTS, metadata,
        Column("dataset_id", String(100), nullable=False),
        Column("period", String(7), nullable=False),
        Column("seq", Integer, nullable=False),
        Column("data", LargeBinary, nullable=False),
        PrimaryKeyConstraint("dataset_id", "period", "seq", name="pk_catalog_extract_parts"),
    )
    return extracts, parts


class ExtractClaims:
    """Claims and published extracts in the database behind ``engine`` (the primary)."""

    def __init__(self, engine):
        self._engine = engine
        self._metadata = MetaData()
        self._extracts, self._parts = _define(self._metadata)
        self._ready = False

    def _ensure_tables(self) -> None:
        if self._ready:
            return
        create_shared(lambda: self._metadata.create_all(self._engine, checkfirst=True))
        self._ready = True

    @staticmethod
    def _row(dataset_id: str, key: str) -> dict:
        return {"dataset_id": dataset_id, "period": key}

    def _key(self, dataset_id: str, key: str):
        return leases.key_clause(self._extracts, self._row(dataset_id, key))

    def published(self, dataset_id: str, key: str) -> Published | None:
        """The month's published manifest, or None (not built yet, or being built)."""
        self._ensure_tables()
        t = self._extracts.c
        with self._engine.connect() as conn:
            row = conn.execute(select(t.filename, t.media_type, t.byte_size, t.sha256,
                                      t.modified)
                               .where(self._key(dataset_id, key), t.sha256.is_not(None))).first()
        return None if row is None else Published(*row)

    def claim(self, dataset_id: str, key: str, holder: str, ttl: float) -> bool:
        """Take (or renew) the claim to build the month for ``ttl`` seconds; False when
        another holder's claim runs or the month is published."""
        self._ensure_tables()
        return leases.claim(self._engine, self._extracts, self._row(dataset_id, key), holder,
                            ttl, only_if=[self._extracts.c.sha256.is_(None)])

    def release(self, dataset_id: str, key: str, holder: str) -> None:
        """Give an unpublished claim back (after a failed build); a published row stays."""
        leases.give_back(self._engine, self._extracts, self._row(dataset_id, key), holder,
                         only_if=[self._extracts.c.sha256.is_(None)])

    def publish(self, dataset_id: str, key: str, holder: str, info: Published,
                path: Path) -> bool:
        """Store the built file and its manifest, if ``holder`` still holds the claim (False
        when it expired and another host took it over)."""
        t = self._extracts
        with write_transaction(self._engine) as conn:
            ours = conn.execute(
                update(t).where(self._key(dataset_id, key), t.c.holder == holder,
                                t.c.sha256.is_(None))
                .values(filename=info.filename, media_type=info.media_type,
                        byte_size=info.byte_size, sha256=info.sha256,
                        modified=info.modified)).rowcount
            if not ours:
                return False
            with path.open("rb") as fh:
                seq = 0
                while part := fh.read(PART_BYTES):
                    conn.execute(insert(self._parts).values(dataset_id=dataset_id, period=key,
                                                            seq=seq, data=part))
                    seq += 1
        return True

    def copy_to(self, dataset_id: str, key: str, target: Path) -> None:
        """Write the published month's bytes to ``target``, one part at a time."""
        p = self._parts.c
        with target.open("wb") as fh, self._engine.connect() as conn:
            seq = 0
            while True:
                part = conn.execute(select(p.data).where(
                    p.dataset_id == dataset_id, p.period == key, p.seq == seq)).scalar()
                if part is None:
                    return
                fh.write(part)
                seq += 1


def modified_now() -> str:
    """The publication time as the manifests write it (UTC, whole seconds)."""
    return utcnow().replace(microsecond=0).isoformat()
