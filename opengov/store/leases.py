"""Claiming a row for a while: the lease pattern that makes one holder, across threads,
processes and hosts, run a task (a harvest, a month's extract, a camera check).

A claim is one conditional ``UPDATE`` (the row's lease expired, or is already ours), else one
``INSERT`` that the primary key lets only one contender win. Both run inside a write
transaction (``BEGIN IMMEDIATE`` on SQLite; on PostgreSQL the row lock makes a concurrent
``UPDATE`` re-check its condition). A crashed holder's claim lapses after its ``ttl``. The
table has a ``holder`` and an ``expires_at`` column next to its key columns.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from datetime import timedelta

from sqlalchemy import and_, delete, insert, or_, update
from sqlalchemy.exc import IntegrityError

from opengov.store.engine import write_transaction
from opengov.store.types import utcnow

# The table of harvest leases (declared by the gateway capability), which scheduled tasks share
# under the key ``task:<name>``.
LEASES = "gateway_leases"


def new_holder() -> str:
    """A name for this process's claims: host, process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def key_clause(table, key: dict):
    """``WHERE`` the row's key columns equal ``key``."""
    return and_(*(table.c[name] == value for name, value in key.items()))


def claim(engine, table, key: dict, holder: str, ttl: float, *, only_if=(),
          values: dict | None = None) -> bool:
    """Take (or renew) the claim on the row ``key`` of ``table`` for ``ttl`` seconds; False
    when another holder's claim runs (or a condition of ``only_if`` fails on the row).
    ``values`` are written with the claim (e.g. when it was taken)."""
    now = utcnow()
    written = {"holder": holder, "expires_at": now + timedelta(seconds=ttl), **(values or {})}
    try:
        with write_transaction(engine) as conn:
            taken = conn.execute(
                update(table).where(key_clause(table, key), *only_if,
                                    or_(table.c.expires_at < now, table.c.holder == holder))
                .values(**written)).rowcount
            if taken:
                return True
            conn.execute(insert(table).values(**key, **written))
            return True
    except IntegrityError:
        return False


def give_back(engine, table, key: dict, holder: str, *, only_if=()) -> None:
    """Delete the row ``key`` if ``holder`` still holds it (and ``only_if`` holds)."""
    with write_transaction(engine) as conn:
        conn.execute(delete(table).where(key_clause(table, key), table.c.holder == holder,
                                         *only_if))


class TaskLease:
    """The lease on a scheduled task (``task:<name>`` in :data:`LEASES`) for one run:
    :meth:`take` once, then :meth:`renew` as the work goes on (a database write at most every
    quarter ``ttl``), and :meth:`release` at the end. Without that table (the gateway capability
    disabled) every run takes it: there is nothing to coordinate through."""

    def __init__(self, store, task: str, ttl: float):
        self._store, self.key, self.ttl = store, {"source_id": f"task:{task}"}, ttl
        self._holder = new_holder()
        self._table = store.metadata.tables.get(LEASES)
        self._lock = threading.Lock()
        self._renewed = 0.0

    def _claim(self) -> bool:
        return claim(self._store.engine, self._table, self.key, self._holder, self.ttl,
                     values={"acquired_at": utcnow()})

    def take(self) -> bool:
        """True when this run holds the task (False: another host runs it now)."""
        self._renewed = time.monotonic()
        return self._table is None or self._claim()

    def renew(self) -> None:
        """Push the expiry on, if a quarter of the ``ttl`` passed since the last time."""
        with self._lock:
            if self._table is None or time.monotonic() - self._renewed < self.ttl / 4:
                return
            self._renewed = time.monotonic()
        self._claim()

    def release(self) -> None:
        if self._table is not None:
            give_back(self._store.engine, self._table, self.key, self._holder)
