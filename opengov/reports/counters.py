"""Rate-limit counters in a SQLite file: one budget for every worker process of a host.

flask-limiter's ``memory://`` storage counts in each worker alone, so ``--workers 4`` let a
client through four times its limit. This storage (URL ``sqlite:///<path>``, the default
``<instance>/ratelimits.sqlite3``) keeps fixed-window counters in a small SQLite file of its
own, next to the instance's data whatever the main database is: each hit is one atomic
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (SQLite ≥ 3.35), serialised by SQLite's file
lock, so concurrent workers and threads never lose an increment. Expired windows are reused in
place and purged now and then. Across hosts, use Redis (``OPENGOV_RATELIMIT_STORAGE_URL``).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from limits.storage import Storage

SCHEMA = ("CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL, "
          "expires REAL NOT NULL)")
HIT = ("INSERT INTO counters (key, value, expires) VALUES (:key, :amount, :expires) "
       "ON CONFLICT (key) DO UPDATE SET "
       "value = CASE WHEN counters.expires <= :now THEN excluded.value "
       "ELSE counters.value + excluded.value END, "
       "expires = CASE WHEN counters.expires <= :now THEN excluded.expires "
       "ELSE counters.expires END "
       "RETURNING value")
PURGE_EVERY = 1000  # hits between deletions of expired windows


def sqlite_path(url: str) -> Path:
    """The file of a ``sqlite:///path`` URL."""
    parsed = urlparse(url)
    if parsed.scheme != "sqlite" or not parsed.path or parsed.path == "/":
        raise ValueError(f"not a SQLite counter URL: {url!r} (expected sqlite:///path)")
    return Path(parsed.path)


class SqliteCounters(Storage):
    """limits storage for the fixed-window strategy, in a SQLite file shared by processes."""

    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options):
        self.path = sqlite_path(uri)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.local = threading.local()
        self.hits = 0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):  # noqa: D102 (limits' API)
        return sqlite3.Error

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self.local, "conn", None)
        if conn is None:  # one connection per thread (opened after fork, in the worker)
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(SCHEMA)
            self.local.conn = conn
        return conn

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount`` to ``key``'s window (a new window of ``expiry`` seconds if none is
        running) and return the count."""
        now = time.time()
        conn = self._conn()
        [value] = conn.execute(HIT, {"key": key, "amount": amount, "expires": now + expiry,
                                     "now": now}).fetchone()
        self.hits += 1
        if self.hits % PURGE_EVERY == 0:
            conn.execute("DELETE FROM counters WHERE expires <= ?", (now,))
        return int(value)

    def _row(self, key: str):
        return self._conn().execute("SELECT value, expires FROM counters WHERE key = ? AND "
                                    "expires > ?", (key, time.time())).fetchone()

    def get(self, key: str) -> int:  # noqa: D102 (limits' API)
        row = self._row(key)
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:  # noqa: D102 (limits' API)
        row = self._row(key)
        return float(row[1]) if row else time.time()

    def check(self) -> bool:  # noqa: D102 (limits' API)
        try:
            self._conn().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:  # noqa: D102 (limits' API)
        return self._conn().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:  # noqa: D102 (limits' API)
        self._conn().execute("DELETE FROM counters WHERE key = ?", (key,))
