"""What the gateway remembers about each source (``gateway_sources``), and the provenance it
adds to the dataset's metadata (``collection_state.metadata["sources"]``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update

from opengov.gateway.tables import SOURCES
from opengov.store.engine import write_transaction
from opengov.store.types import utcnow


@dataclass
class RunReport:
    """One harvest of one source: the per-source summary ``opengov harvest`` prints."""

    source: str
    collection: str
    status: str = "ok"  # ok | failed | busy
    fetched: int = 0
    new: int = 0
    changed: int = 0
    removed: int = 0
    rejected: int = 0
    from_cache: int = 0
    requests: int = 0
    version: int | None = None
    error: str | None = None
    rejects: list[dict] = field(default_factory=list)
    fingerprint: str | None = None  # upstream bytes + declaration, to skip identical runs
    feed: dict | None = None  # a feed's pull: cursor, since, pages, events, stored, duplicates

    def counts(self) -> dict:
        return {k: getattr(self, k) for k in ("fetched", "new", "changed", "removed",
                                              "rejected", "from_cache", "requests")}


@dataclass(frozen=True)
class SourceState:
    """The stored state of one source."""

    source_id: str
    collection_id: str
    status: str
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    upstream_url: str | None
    etag: str | None
    last_modified: str | None
    checksum: str | None
    record_count: int | None
    version: int | None
    last_run: dict | None

    def stale(self, stale_after: float, now: datetime | None = None) -> bool:
        """Served data is stale: the last attempt failed after a success, or the last success
        is older than ``stale_after`` seconds."""
        if self.last_success_at is None:
            return False  # nothing harvested yet: nothing is being served from this source
        if self.status == "failed":
            return True
        return (now or utcnow()) - self.last_success_at > timedelta(seconds=stale_after)


def read_states(store) -> dict[str, SourceState]:
    """Every source's stored state, by source id."""
    t = store.table(SOURCES)
    with store.engine.connect() as conn:
        rows = conn.execute(select(*[t.c[name] for name in SourceState.__dataclass_fields__]))
        return {r[0]: SourceState(*r) for r in rows}


def _upsert(conn, t, source_id: str, values: dict) -> None:
    if not conn.execute(update(t).where(t.c.source_id == source_id).values(**values)).rowcount:
        conn.execute(insert(t).values(source_id=source_id, **values))


def record_success(store, report: RunReport, provenance: dict, now: datetime) -> None:
    """Store a successful run and the upstream's provenance (URL, ETag, checksum)."""
    t = store.table(SOURCES)
    with write_transaction(store.engine) as conn:
        _upsert(conn, t, report.source, {
            "collection_id": report.collection, "status": "ok", "last_attempt_at": now,
            "last_success_at": now, "upstream_url": provenance["url"],
            "etag": provenance.get("etag"), "last_modified": provenance.get("last_modified"),
            "checksum": provenance["checksum"], "record_count": provenance["records"],
            "version": report.version, "last_run": _run_json(report, now)})


def record_failure(store, report: RunReport, url: str, now: datetime) -> None:
    """Store a failed run; the last success and its provenance stay as they were."""
    t = store.table(SOURCES)
    with write_transaction(store.engine) as conn:
        _upsert(conn, t, report.source, {
            "collection_id": report.collection, "status": "failed", "last_attempt_at": now,
            "last_error_at": now, "last_error": report.error,
            "last_run": _run_json(report, now),
            **({} if _exists(conn, t, report.source) else {"upstream_url": url})})


def _exists(conn, t, source_id: str) -> bool:
    return conn.execute(select(t.c.source_id).where(t.c.source_id == source_id)).first() \
        is not None


def _run_json(report: RunReport, now: datetime) -> dict:
    return {"at": now.isoformat().replace("+00:00", "Z"), "status": report.status,
            **report.counts(), "error": report.error, "rejects": report.rejects[:20],
            "fingerprint": report.fingerprint, **({"feed": report.feed} if report.feed else {})}


def mark_dataset(store, collection_id: str, entry: dict) -> None:
    """Put this source's provenance entry (and its ``stale`` flag) into the dataset's
    metadata ``sources`` list, replacing its previous entry and keeping everything else."""
    t = store.table("collection_state")
    with write_transaction(store.engine) as conn:
        row = conn.execute(select(t.c.metadata).where(t.c.collection_id == collection_id)) \
            .first()
        if row is None:
            return  # nothing published yet: no dataset to mark
        metadata = dict(row[0] or {})
        kept = [s for s in metadata.get("sources") or []
                if not (isinstance(s, dict) and s.get("harvested_by") == entry["harvested_by"])]
        metadata["sources"] = [*kept, entry]
        conn.execute(update(t).where(t.c.collection_id == collection_id)
                     .values(metadata=metadata))
