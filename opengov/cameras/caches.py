"""Where snapshots are cached: the configured cache, or this host's files while Redis is out.

With ``OPENGOV_HTTP_CACHE_URL=redis://…`` every process shares one Redis cache and lock. When
that Redis is stopped or hangs, each Redis call fails within ``OPENGOV_REDIS_TIMEOUT_MS``; the
proxy then answers from this host's file cache (the default setup: SQLite files and ``flock``
locks in the instance folder) for :data:`RETRY_SHARED_S` seconds before trying Redis again.
Viewers keep getting images (at worst one fetch per interval per host instead of per service),
never a 500, and only the first request after each retry pays the timeout.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

log = logging.getLogger(__name__)
RETRY_SHARED_S = 30.0


@dataclass(frozen=True)
class SnapshotCache:
    """A cached session and the cross-process lock of the processes sharing its cache."""

    session: Any  # opengov.upstream.session.GatewaySession
    locks: Any  # opengov.cameras.flight.FileLocks or RedisLocks


class SnapshotCaches:
    """``current()``: the configured cache, or this host's while the configured one is out."""

    def __init__(self, settings, build: Callable[[Any], SnapshotCache]):
        self.configured = build(settings)
        self._local_settings = replace(settings, http_cache_url="")
        self._build = build
        self._local: SnapshotCache | None = None
        self._out_until = 0.0
        self._lock = threading.Lock()

    def current(self) -> SnapshotCache:
        if time.monotonic() < self._out_until:
            return self.local()
        return self.configured

    def local(self) -> SnapshotCache:
        """This host's file cache (built on first need)."""
        with self._lock:
            if self._local is None:
                self._local = self._build(self._local_settings)
            return self._local

    def failed(self, error: Exception) -> SnapshotCache:
        """Note that the configured cache failed; the cache to use instead."""
        with self._lock:
            newly = time.monotonic() >= self._out_until
            self._out_until = time.monotonic() + RETRY_SHARED_S
        if newly:
            log.warning("camera snapshots: the Redis cache is unreachable (%s); serving from "
                        "this host's file cache, trying Redis again in %g s",
                        type(error).__name__, RETRY_SHARED_S)
        return self.local()
