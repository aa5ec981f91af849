"""Writing reports: submission (exactly once per Idempotency-Key) and official changes.

Every write is one short transaction that also bumps the ``reports`` collection version, so
ETags and cached counts of public views change with the data. No HTTP here beyond raising
:class:`~opengov.errors.ApiError` for problems the caller must answer.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from opengov.errors import ApiError
from opengov.reports import attributes, workflow
from opengov.reports.categories import agencies, get_category
from opengov.reports.collection import CLOSED_STATUSES, REPORTS
from opengov.reports.private_tables import photo_id_is
from opengov.reports.rows import record_of, report_row
from opengov.store.engine import write_transaction
from opengov.store.types import utcnow


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Submission:
    """A validated report as the resident (or an Open311 app) sent it."""

    category: str
    description: str | None = None
    lon: float | None = None
    lat: float | None = None
    address: str | None = None
    contact: dict = field(default_factory=dict)  # name, email, phone, device_id, account_id
    photos: list[tuple[bytes, str]] = field(default_factory=list)  # cleaned bytes, media type
    source: str = "web"
    attributes: dict = field(default_factory=dict)  # raw answers by code, checked on submit
    location: str = "json"  # where the body came from, for error messages

    def fingerprint(self) -> str:
        parts = [self.category, self.description, self.lon, self.lat, self.address,
                 sorted(self.contact.items()), [digest(p.hex()) for p, _ in self.photos]]
        if self.attributes:  # appended only when sent: earlier fingerprints stay valid
            parts.append(sorted((k, repr(v)) for k, v in self.attributes.items()))
        return digest(repr(parts))


@dataclass(frozen=True)
class Receipt:
    report_id: str
    token: str | None
    replayed: bool = False


def _new_id(now: datetime) -> str:
    return f"{now:%Y%m%d}-{secrets.token_hex(5)}"


def _bump(store, conn, now: datetime, new_records: int) -> None:
    """Bump the reports collection version inside the caller's transaction."""
    st = store.table("collection_state")
    dialect_insert = pg_insert if store.dialect == "postgresql" else sqlite_insert
    conn.execute(dialect_insert(st).values(collection_id=REPORTS.id, version=0, modified=now,
                                           record_count=0, source="api")
                 .on_conflict_do_nothing(index_elements=["collection_id"]))
    conn.execute(update(st).where(st.c.collection_id == REPORTS.id).values(
        version=st.c.version + 1, modified=now, record_count=st.c.record_count + new_records))


def submit(store, sub: Submission, *, idempotency_key: str | None,
           idempotency_hours: int) -> Receipt:
    """Store a new report (or replay the one stored under the same Idempotency-Key)."""
    key_hash = digest(idempotency_key) if idempotency_key else None
    expired_before = utcnow() - timedelta(hours=idempotency_hours)  # one cut-off for both steps
    if key_hash:
        replay = _replay(store, key_hash, sub, expired_before)
        if replay:
            return replay
    category = get_category(store, sub.category)
    answers = attributes.validate(category, sub.attributes, sub.location)
    now = utcnow().replace(microsecond=0)
    report_id, token = _new_id(now), "trk_" + secrets.token_urlsafe(24)
    note = workflow.DEFAULT_NOTES["received"]
    record = {
        "id": report_id, "category": category.code, "category_name": category.name,
        "description": sub.description, "address": sub.address, "status": "received",
        "agency": category.agency, "requested_at": now, "updated_at": now,
        "expected_at": now + timedelta(hours=category.target_hours), "closed_at": None,
        "status_note": note, "photos": [], "attributes": answers,
    }
    point = None if sub.lon is None else {"type": "Point", "coordinates": [sub.lon, sub.lat]}
    row = {**report_row(record, point), "_updated_at": now, "_row_version": 1,
           "_source": sub.source, "_fetched_at": now}
    try:
        with write_transaction(store.engine) as conn:
            conn.execute(insert(store.table(REPORTS.table_name)).values(row))
            conn.execute(insert(store.table("report_private")).values(
                report_id=report_id, token_sha256=digest(token), **_contact(sub.contact)))
            conn.execute(insert(store.table("report_history")).values(
                report_id=report_id, at=now, kind="status_change", status="received",
                agency=category.agency, note=note, actor_role="resident"))
            if sub.photos:
                conn.execute(insert(store.table("report_photos")), [
                    {"report_id": report_id, "media_type": media, "data": data,
                     "approved": False, "created_at": now} for data, media in sub.photos])
            if key_hash:
                _claim_key(store, conn, key_hash, expired_before)
                conn.execute(insert(store.table("report_idempotency")).values(
                    key_sha256=key_hash, fingerprint=sub.fingerprint(), report_id=report_id,
                    token=token, created_at=now))
            _bump(store, conn, now, 1)
    except IntegrityError:
        # Another worker stored the same Idempotency-Key first: answer with its report.
        replay = _replay(store, key_hash, sub, expired_before) if key_hash else None
        if replay is None:
            raise
        return replay
    return Receipt(report_id, token)


def _contact(contact: dict) -> dict:
    keys = ("name", "email", "phone", "device_id", "account_id")
    return {k: (contact.get(k) or None) for k in keys}


def _claim_key(store, conn, key_hash: str, expired_before: datetime) -> None:
    """Drop this key's row when its window has ended, so the key counts as new on every path
    (native and Open311) whether or not the janitor has run yet; a live row stays and makes
    the insert fail, as a concurrent first use should."""
    t = store.table("report_idempotency")
    conn.execute(delete(t).where(t.c.key_sha256 == key_hash, t.c.created_at < expired_before))


def _replay(store, key_hash: str, sub: Submission, expired_before: datetime) -> Receipt | None:
    t = store.table("report_idempotency")
    with store.engine.connect() as conn:
        row = conn.execute(select(t.c.fingerprint, t.c.report_id, t.c.token, t.c.created_at)
                           .where(t.c.key_sha256 == key_hash)).first()
    if row is None or row.created_at < expired_before:
        return None
    if row.fingerprint != sub.fingerprint():
        raise ApiError(422, "This Idempotency-Key was already used for a different report.",
                       errors=[{"location": "headers", "field": "Idempotency-Key",
                                "messages": ["Reused with a different body."]}])
    return Receipt(row.report_id, row.token, replayed=True)


def change(store, report_id: str, ch: workflow.Change, *, role: str, scope: str | None,
           if_match: Callable[[int], None]) -> tuple[str, int]:
    """Apply an official's change; returns the new feature and row version.

    ``if_match(row_version)`` raises 412/428 when the client's ETag is stale or missing; it is
    called inside the write transaction, so two officials cannot overwrite each other.
    """
    now = utcnow().replace(microsecond=0)
    with write_transaction(store.engine) as conn:
        current = _lock(store, conn, report_id, role, scope, if_match)
        if ch.agency is not None and ch.agency not in agencies(store, conn):
            raise ApiError(422, f"Unknown agency {ch.agency!r}.",
                           errors=[{"location": "json", "field": "agency",
                                    "messages": ["Not a known agency."]}])
        record, geometry = record_of(current._feature)
        steps = workflow.plan(record["status"], record["agency"], ch,
                              may_reassign=role in ("dispatcher", "admin"))
        history = store.table("report_history")
        for step in steps:
            conn.execute(insert(history).values(
                report_id=report_id, at=now, kind=step.kind, status=step.status,
                agency=step.agency, note=step.note, actor_role=role))
        last = steps[-1]
        record.update(status=last.status, agency=last.agency, updated_at=now,
                      status_note=last.note or record.get("status_note"))
        if last.status in CLOSED_STATUSES:
            record["closed_at"] = now
            conn.execute(update(store.table("report_private"))
                         .where(store.table("report_private").c.report_id == report_id)
                         .values(closed_at=now))
        version = current._row_version + 1
        _write_record(store, conn, record, geometry, now, version)
    return _feature_of(store, report_id), version


def _lock(store, conn, report_id: str, role: str, scope: str | None,
          if_match: Callable[[int], None]):
    """The report's row, locked for this transaction, once the caller may change it."""
    t = store.table(REPORTS.table_name)
    current = conn.execute(select(t.c._feature, t.c._row_version, t.c.agency)
                           .where(t.c.id == report_id).with_for_update()).first()
    if current is None:
        raise ApiError(404, f"No report with id {report_id!r}.")
    check_agency(role, scope, current.agency)
    if_match(current._row_version)
    return current


def check_agency(role: str, scope: str | None, agency: str | None) -> None:
    """403 when an official's key is limited to another agency than the report's."""
    if scope is not None and role == "official" and agency != scope:
        raise ApiError(403, f"Your key is limited to agency {scope!r}.")


def _write_record(store, conn, record: dict, geometry, now: datetime, version: int) -> None:
    t = store.table(REPORTS.table_name)
    row = report_row(record, geometry)
    row.pop("id")
    conn.execute(update(t).where(t.c.id == record["id"]).values(
        **row, _updated_at=now, _row_version=version))
    _bump(store, conn, now, 0)


def _feature_of(store, report_id: str) -> str:
    return store.repo(REPORTS.id).get(report_id)


def approve_photo(store, report_id: str, photo_id: int, approved: bool, *, role: str,
                  scope: str | None, if_match: Callable[[int], None],
                  photo_url: Callable[[str, int], str]) -> tuple[str, int]:
    """Publish (or withdraw) a photo; the report's public ``photos`` list follows."""
    photos = store.table("report_photos")
    now = utcnow().replace(microsecond=0)
    with write_transaction(store.engine) as conn:
        current = _lock(store, conn, report_id, role, scope, if_match)
        done = conn.execute(update(photos).where(photos.c.report_id == report_id,
                                                 photo_id_is(photos, photo_id))
                            .values(approved=approved))
        if done.rowcount != 1:
            raise ApiError(404, f"Report {report_id} has no photo {photo_id}.")
        ids = conn.execute(select(photos.c.id).where(photos.c.report_id == report_id,
                                                     photos.c.approved.is_(True))
                           .order_by(photos.c.id)).scalars().all()
        record, geometry = record_of(current._feature)
        record["photos"] = [photo_url(report_id, i) for i in ids]
        version = current._row_version + 1
        _write_record(store, conn, record, geometry, now, version)
    return _feature_of(store, report_id), version
