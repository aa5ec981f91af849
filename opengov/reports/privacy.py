"""Erasing reporters' personal data once it is no longer needed.

Law 91/2025/QH15 and Decree 356/2025/NĐ-CP (DOMAIN.md §5) treat names, phone numbers and
contact addresses as basic personal data; we keep them only while a report is open and for
``reports_contact_retention_days`` after it closes, so officials can still call back about a
closing decision. Idempotency replays (which hold a tracking token) expire after
``reports_idempotency_hours``.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from opengov.store.engine import write_transaction
from opengov.store.types import utcnow

CONTACT_COLUMNS = ("name", "email", "phone", "device_id", "account_id")
_PERIOD_S = 600.0


def _expired(private, now: datetime, retention_days: int):
    return (private.c.closed_at < now - timedelta(days=retention_days),
            private.c.erased_at.is_(None))


def count_expired(store, *, retention_days: int, now: datetime | None = None) -> int:
    """How many reports' contacts :func:`erase_expired` would erase now."""
    private = store.table("report_private")
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(private).where(
            *_expired(private, now or utcnow(), retention_days))).scalar_one()


def erase_expired(store, *, retention_days: int, idempotency_hours: int,
                  now: datetime | None = None) -> int:
    """Erase contacts of reports closed more than ``retention_days`` ago; returns how many."""
    now = now or utcnow()
    private = store.table("report_private")
    idem = store.table("report_idempotency")
    with write_transaction(store.engine) as conn:
        erased = conn.execute(
            update(private).where(*_expired(private, now, retention_days))
            .values(erased_at=now, **dict.fromkeys(CONTACT_COLUMNS))).rowcount
        conn.execute(delete(idem).where(idem.c.created_at < now - timedelta(
            hours=idempotency_hours)))
    return erased


class Janitor:
    """Runs :func:`erase_expired` at most every ten minutes per process, from requests."""

    def __init__(self):
        self._next = 0.0
        self._lock = threading.Lock()

    def maybe_run(self, store, settings) -> None:
        with self._lock:
            if time.monotonic() < self._next:
                return
            self._next = time.monotonic() + _PERIOD_S
        erase_expired(store, retention_days=settings.reports_contact_retention_days,
                      idempotency_hours=settings.reports_idempotency_hours)
