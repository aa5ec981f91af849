"""A lease in the database: only one harvester runs a given source at a time, across threads,
processes and hosts (a local file lock would not see other hosts). The claim itself, and the
leases of scheduled tasks in the same table, are :mod:`opengov.store.leases`.
"""

from __future__ import annotations

from opengov.store import leases
from opengov.store.leases import LEASES
from opengov.store.types import utcnow

new_holder = leases.new_holder


def acquire(store, source_id: str, holder: str, ttl: float) -> bool:
    """Take (or renew) the lease on ``source_id`` for ``ttl`` seconds; False if held."""
    return leases.claim(store.engine, store.table(LEASES), {"source_id": source_id}, holder,
                        ttl, values={"acquired_at": utcnow()})


def release(store, source_id: str, holder: str) -> None:
    """Give the lease back (only if we still hold it)."""
    leases.give_back(store.engine, store.table(LEASES), {"source_id": source_id}, holder)

