"""A lease in the database: only one harvester runs a given source (or one host a scheduled
task, e.g. ``task:cameras-check``) at a time, across threads, processes and hosts (a local
file lock would not see other hosts). The claim itself is :mod:`opengov.store.leases`.
"""

from __future__ import annotations

import threading
import time

from opengov.gateway.tables import LEASES
from opengov.store import leases
from opengov.store.types import utcnow

new_holder = leases.new_holder


def acquire(store, source_id: str, holder: str, ttl: float) -> bool:
    """Take (or renew) the lease on ``source_id`` for ``ttl`` seconds; False if held."""
    return leases.claim(store.engine, store.table(LEASES), {"source_id": source_id}, holder,
                        ttl, values={"acquired_at": utcnow()})


def release(store, source_id: str, holder: str) -> None:
    """Give the lease back (only if we still hold it)."""
    leases.give_back(store.engine, store.table(LEASES), {"source_id": source_id}, holder)


class TaskLease:
    """The lease on a scheduled task (``task:<name>``) for one run: :meth:`take` once, then
    :meth:`renew` as the work goes on (a database write at most every quarter ``ttl``), and
    :meth:`release` at the end. Without the gateway's tables (capability disabled) every run
    takes it: there is nothing to coordinate through."""

    def __init__(self, store, task: str, ttl: float):
        self._store, self.key, self.ttl = store, f"task:{task}", ttl
        self._holder = new_holder()
        self._shared = LEASES in store.metadata.tables
        self._lock = threading.Lock()
        self._renewed = 0.0

    def take(self) -> bool:
        """True when this run holds the task (False: another host runs it now)."""
        self._renewed = time.monotonic()
        return not self._shared or acquire(self._store, self.key, self._holder, self.ttl)

    def renew(self) -> None:
        """Push the expiry on, if a quarter of the ``ttl`` passed since the last time."""
        with self._lock:
            if not self._shared or time.monotonic() - self._renewed < self.ttl / 4:
                return
            self._renewed = time.monotonic()
        acquire(self._store, self.key, self._holder, self.ttl)

    def release(self) -> None:
        if self._shared:
            release(self._store, self.key, self._holder)
