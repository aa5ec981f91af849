"""Request reads on a streaming replica, with the primary as the fallback.

With ``OPENGOV_DATABASE_READ_URL`` set, :meth:`Store.reading` blocks opened while serving a
request take their connection from the replica's engine (:meth:`ReadRouter.connect`); every
other database access uses the primary (``store.engine``): writes, ``write_transaction``,
commands, loads, background work, and the paths that read with ``store.engine`` directly (a
report's tracking page and answers, the ingest answer, keys, leases).

A request reads from the primary instead when its :class:`ReadRoute` says so: the request is
not a GET/HEAD, it carries an API key, the client wrote moments ago (the sticky window of
:mod:`opengov.read_routing`), or it has already written (``write_transaction`` marks it).

The replica is used only while it is reachable and its lag is within ``max_lag_s``. The check
runs at most every ``check_s`` seconds, in whichever request finds it due (one at a time; the
others use the last answer); each change of state is logged once. A replica that refuses a
connection between two checks is marked unreachable at once and the read goes to the primary.

Lag (:func:`replication_lag`) is 0 when the replica has replayed everything the primary has
written (an idle primary writes nothing, so "time since the last replayed transaction" alone
would grow without end); otherwise it is how long the replica has been behind: the age of its
last replayed transaction, but no more than the time since a check first saw it behind.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

REPLICA_CONNECT_TIMEOUT_S = 2  # a host that does not answer costs one check at most this


@dataclass
class ReadRoute:
    """Where one request's reads go: ``primary`` forces the primary; ``used_replica`` records
    that a read went to the replica (a failure there may be retried on the primary)."""

    primary: bool = False
    used_replica: bool = False


_route: ContextVar[ReadRoute | None] = ContextVar("opengov_read_route", default=None)


@contextmanager
def routed(route: ReadRoute) -> Iterator[ReadRoute]:
    """Serve the block's reads as ``route`` says (entered once per request)."""
    token = _route.set(route)
    try:
        yield route
    finally:
        _route.reset(token)


def current_route() -> ReadRoute | None:
    """The route of the request being served on this thread, or None outside requests."""
    return _route.get()


def after_write() -> None:
    """Called by ``write_transaction``: the rest of this request reads from the primary."""
    route = _route.get()
    if route is not None:
        route.primary = True


def parse_lsn(lsn: str | None) -> int | None:
    """A PostgreSQL LSN (``16/B374D848``) as an integer."""
    if not lsn:
        return None
    high, _, low = lsn.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


def replication_lag(replay_lsn: int | None, primary_lsn: int | None,
                    replay_age_s: float | None, behind_for_s: float) -> float:
    """Seconds the replica is behind (see the module docstring)."""
    if replay_lsn is not None and primary_lsn is not None and replay_lsn >= primary_lsn:
        return 0.0
    if replay_age_s is None:
        return behind_for_s
    return max(0.0, min(replay_age_s, behind_for_s))


_REPLICA_SQL = text(
    "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, "
    "extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8")
_PRIMARY_SQL = text("SELECT pg_current_wal_lsn()::text")


class ReadRouter:
    """Chooses the engine of request reads and keeps the replica's state."""

    def __init__(self, primary: Engine, replica: Engine, max_lag_s: float, check_s: float):
        self.primary = primary
        self.replica = replica
        self.max_lag_s = max_lag_s
        self.check_s = check_s
        self.state = "unknown"  # ok | lagging | unreachable | unknown (not checked yet)
        self.lag_s: float | None = None
        self._checked_at: float | None = None
        self._behind_since: float | None = None
        self._lock = threading.Lock()

    @property
    def using_replica(self) -> bool:
        return self.state == "ok"

    def status(self) -> dict:
        """The replica's state for ``/health/ready``."""
        self._check_if_due()
        lag = None if self.lag_s is None else round(self.lag_s, 3)
        return {"state": self.state, "lag_s": lag, "max_lag_s": self.max_lag_s,
                "reads": "replica" if self.using_replica else "primary"}

    def connect(self) -> Connection:
        """A connection for a request read: the replica's when the route and its state allow."""
        route = _route.get()
        if route is None or route.primary:
            return self.primary.connect()
        self._check_if_due()
        if not self.using_replica:
            return self.primary.connect()
        try:
            conn = self.replica.connect()
        except SQLAlchemyError as exc:
            self.mark_unreachable(exc)
            return self.primary.connect()
        route.used_replica = True
        return conn

    def mark_unreachable(self, error: BaseException) -> None:
        """The replica failed a request: reads go to the primary until a check finds it back."""
        with self._lock:
            self._checked_at = time.monotonic()
            self._set_state("unreachable", None, f"{type(error).__name__}")
        self.replica.dispose()  # its pooled connections are dead

    def _check_if_due(self) -> None:
        checked = self._checked_at
        if checked is not None and time.monotonic() - checked < self.check_s:
            return
        if not self._lock.acquire(blocking=False):
            return  # another thread is checking; use the last answer
        try:
            self.check()
        finally:
            self._lock.release()

    def check(self) -> None:
        """Measure the replica's reachability and lag now (the caller holds the lock)."""
        now = time.monotonic()
        self._checked_at = now
        try:
            with self.replica.connect() as conn:
                in_recovery, replay, replay_age = conn.execute(_REPLICA_SQL).one()
                conn.rollback()
        except SQLAlchemyError as exc:
            self.replica.dispose()
            self._set_state("unreachable", None, type(exc).__name__)
            return
        if not in_recovery:  # promoted: it is a primary now, as current as it gets
            self._behind_since = None
            self._set_state("ok", 0.0, "not in recovery")
            return
        try:
            with self.primary.connect() as conn:
                primary_lsn = parse_lsn(conn.execute(_PRIMARY_SQL).scalar_one())
                conn.rollback()
        except SQLAlchemyError:
            primary_lsn = None  # the primary is down: the replica is the best there is
        replay_lsn = parse_lsn(replay)
        if primary_lsn is not None and replay_lsn is not None and replay_lsn >= primary_lsn:
            self._behind_since = None
        elif self._behind_since is None:
            self._behind_since = now
        behind_for = 0.0 if self._behind_since is None else now - self._behind_since
        if primary_lsn is None:
            lag = None
        else:
            lag = replication_lag(replay_lsn, primary_lsn, replay_age, behind_for)
        state = "lagging" if lag is not None and lag > self.max_lag_s else "ok"
        self._set_state(state, lag, "")

    def _set_state(self, state: str, lag: float | None, detail: str) -> None:
        self.lag_s = lag
        if state == self.state:
            return
        previous, self.state = self.state, state
        reads = "replica" if state == "ok" else "primary"
        lag_text = "unknown" if lag is None else f"{lag:.1f}s"
        level = logging.INFO if state == "ok" else logging.WARNING
        log.log(level, "replica %s (was %s; lag %s, bound %ss)%s: reads go to the %s",
                state, previous, lag_text, self.max_lag_s, f" [{detail}]" if detail else "",
                reads)


def make_router(primary: Engine, read_url: str, max_lag_s: float, check_s: float,
                make_engine) -> ReadRouter | None:
    """A router for ``read_url`` (None when empty); only PostgreSQL has replicas to route to."""
    if not read_url:
        return None
    if primary.dialect.name != "postgresql" or not read_url.startswith("postgresql"):
        raise ValueError("OPENGOV_DATABASE_READ_URL needs PostgreSQL for both the primary "
                         "(OPENGOV_DATABASE_URL) and the replica")
    replica = make_engine(read_url, connect_timeout=REPLICA_CONNECT_TIMEOUT_S)
    return ReadRouter(primary, replica, max_lag_s, check_s)
