"""Operational camera status: ``status`` and ``last_seen`` from snapshot fetches and checks.

These are operational updates (see :mod:`opengov.cameras.collection`): they change the row's
columns and its stored feature JSON, and nothing else — not the collection version, the row
version, the content hash or the change time. A reload of unchanged source data therefore keeps
the live status (the hash still matches), and a camera an operator marked ``maintenance`` keeps
that status whatever its fetches show (only ``last_seen`` moves).
"""

from __future__ import annotations

from datetime import datetime

import orjson
from sqlalchemy import select, update

from opengov.geo.geojson import dumps
from opengov.store.engine import write_transaction

OPERATOR_STATUSES = ("maintenance",)


def record_fetch(store, camera_id: str, ok: bool, at: datetime) -> bool:
    """Mark ``camera_id`` online (seen ``at``) or offline after a fetch; True if it changed."""
    table = store.repo("cameras").table
    at = at.replace(microsecond=0)
    with write_transaction(store.engine) as conn:
        row = conn.execute(select(table.c.status, table.c.last_seen, table.c._feature)
                           .where(table.c.id == camera_id)).one_or_none()
        if row is None:
            return False
        status = row.status
        if status not in OPERATOR_STATUSES:
            status = "online" if ok else "offline"
        last_seen = at if ok else row.last_seen
        if status == row.status and last_seen == row.last_seen:
            return False
        feature = orjson.loads(row._feature)
        props = feature["properties"] if "properties" in feature else feature
        props["status"], props["last_seen"] = status, last_seen
        conn.execute(update(table).where(table.c.id == camera_id)
                     .values(status=status, last_seen=last_seen, _feature=dumps(feature)))
    return True
