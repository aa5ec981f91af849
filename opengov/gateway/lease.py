"""A lease in the database: only one harvester runs a given source at a time, across
threads, processes and hosts (a local file lock would not see other hosts).

Taking a lease is one conditional ``UPDATE`` (free or expired, or already ours), else one
``INSERT`` that the primary key lets only one contender win. Both run inside a write
transaction (``BEGIN IMMEDIATE`` on SQLite; on PostgreSQL the row lock makes a concurrent
``UPDATE`` re-check its condition). A crashed holder's lease expires after its ``ttl``.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta

from sqlalchemy import and_, delete, insert, or_, update
from sqlalchemy.exc import IntegrityError

from opengov.gateway.tables import LEASES
from opengov.store.engine import write_transaction
from opengov.store.types import utcnow


def new_holder() -> str:
    """A name for this harvester: host, process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(store, source_id: str, holder: str, ttl: float) -> bool:
    """Take (or renew) the lease on ``source_id`` for ``ttl`` seconds; False if held."""
    t = store.table(LEASES)
    now = utcnow()
    expires = now + timedelta(seconds=ttl)
    try:
        with write_transaction(store.engine) as conn:
            taken = conn.execute(
                update(t).where(and_(t.c.source_id == source_id,
                                     or_(t.c.expires_at < now, t.c.holder == holder)))
                .values(holder=holder, acquired_at=now, expires_at=expires)).rowcount
            if taken:
                return True
            conn.execute(insert(t).values(source_id=source_id, holder=holder, acquired_at=now,
                                          expires_at=expires))
            return True
    except IntegrityError:
        return False


def release(store, source_id: str, holder: str) -> None:
    """Give the lease back (only if we still hold it)."""
    t = store.table(LEASES)
    with write_transaction(store.engine) as conn:
        conn.execute(delete(t).where(and_(t.c.source_id == source_id, t.c.holder == holder)))
