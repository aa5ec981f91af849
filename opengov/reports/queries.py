"""Reading reports beyond the shared collection views: items with row ETags, history,
tracking, photos and statistics."""

from __future__ import annotations

import statistics

from sqlalchemy import func, select

from opengov.reports.collection import REPORTS, STATUSES
from opengov.reports.private_tables import photo_id_is
from opengov.reports.service import digest


def iso(value) -> str:
    """ISO 8601 in UTC with ``Z``, as every public time is written."""
    return value.isoformat().replace("+00:00", "Z")


def item(store, report_id: str, conn) -> tuple[str, int] | None:
    """The stored feature of a report and its row version."""
    t = store.table(REPORTS.table_name)
    row = conn.execute(select(t.c._feature, t.c._row_version).where(t.c.id == report_id)).first()
    return (row[0], row[1]) if row else None


def responsible(store, report_id: str, conn):
    """A row with the ``agency`` responsible for a report, or None when there is no report."""
    t = store.table(REPORTS.table_name)
    return conn.execute(select(t.c.agency).where(t.c.id == report_id)).first()


def history(store, report_ids: list[str], conn) -> dict[str, list[dict]]:
    """Public history entries of each report, oldest first (the Open311 ``notes[]``)."""
    t = store.table("report_history")
    out: dict[str, list[dict]] = {i: [] for i in report_ids}
    if not report_ids:
        return out
    rows = conn.execute(select(t.c.report_id, t.c.at, t.c.kind, t.c.status, t.c.agency,
                               t.c.note).where(t.c.report_id.in_(report_ids))
                        .order_by(t.c.report_id, t.c.id))
    for r in rows:
        out[r.report_id].append({"datetime": iso(r.at), "type": r.kind, "status": r.status,
                                 "agency": r.agency, "description": r.note})
    return out


def report_for_token(store, token: str, conn) -> str | None:
    """The id of the report a tracking token belongs to."""
    t = store.table("report_private")
    return conn.execute(select(t.c.report_id).where(t.c.token_sha256 == digest(token))
                        ).scalar_one_or_none()


def photo(store, report_id: str, photo_id: int, conn):
    """(bytes, media type, approved) of a photo, or None when the report has no such photo."""
    t = store.table("report_photos")
    row = conn.execute(select(t.c.data, t.c.media_type, t.c.approved)
                       .where(t.c.report_id == report_id, photo_id_is(t, photo_id))).first()
    return (row[0], row[1], bool(row[2])) if row else None


def photo_ids(store, report_id: str, conn) -> list[dict]:
    """Every photo of a report with its approval state (for officials)."""
    t = store.table("report_photos")
    rows = conn.execute(select(t.c.id, t.c.media_type, t.c.approved)
                        .where(t.c.report_id == report_id).order_by(t.c.id))
    return [{"id": r.id, "media_type": r.media_type, "approved": r.approved} for r in rows]


def stats(store, where, conn) -> dict:
    """Counts by status, category and agency; median hours to resolve; share within target."""
    t = store.table(REPORTS.table_name)

    def counts(col):
        stmt = select(col, func.count()).group_by(col).order_by(col)
        if where is not None:
            stmt = stmt.where(where)
        return {k or "": n for k, n in conn.execute(stmt)}

    total_stmt = select(func.count()).select_from(t)
    total = conn.execute(total_stmt if where is None else total_stmt.where(where)).scalar_one()
    by_status = {s: 0 for s in STATUSES} | counts(t.c.status)
    stmt = select(t.c.requested_at, t.c.closed_at, t.c.expected_at).where(
        t.c.status == "resolved")
    if where is not None:
        stmt = stmt.where(where)
    resolved = conn.execute(stmt).all()
    hours = [(r.closed_at - r.requested_at).total_seconds() / 3600 for r in resolved]
    within = sum(1 for r in resolved if r.closed_at <= r.expected_at)
    return {
        "total": total,
        "by_status": by_status,
        "by_category": counts(t.c.category),
        "by_agency": counts(t.c.agency),
        "resolved": len(resolved),
        "median_hours_to_resolve": round(statistics.median(hours), 2) if hours else None,
        "share_resolved_within_target": round(within / len(resolved), 4) if resolved else None,
    }
