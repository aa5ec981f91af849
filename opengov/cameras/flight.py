"""Single-flight: concurrent misses for one key wait for one fetch.

Within a process, the first caller for a key runs the fetch and the callers that arrive while it
runs get its outcome (value or exception) instead of fetching again. Across worker processes,
the leader of each process also takes a short lock shared by the processes that share the HTTP
cache, and looks in the cache again once it holds it: Redis ``SET NX`` with expiry (redis-py's
``Lock``) when the HTTP cache is Redis, otherwise an ``flock`` on a file in the instance folder
(the SQLite HTTP cache is a file in that folder too, so the lock covers exactly the processes that
share the cache). A lock that cannot be had within its wait gives up waiting and fetches anyway,
so a stuck holder delays viewers but never fails them.
"""

from __future__ import annotations

import fcntl
import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from opengov.redis_client import DEFAULT_TIMEOUT_MS, connect, is_redis


class _Call:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


class SingleFlight:
    """``run(key, fn)``: one ``fn()`` at a time per key in this process; waiters share it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[str, _Call] = {}

    def run(self, key: str, fn: Callable[[], Any]) -> Any:
        with self._lock:
            call = self._calls.get(key)
            leader = call is None
            if leader:
                call = self._calls[key] = _Call()
        if not leader:
            call.done.wait()
        else:
            try:
                call.value = fn()
            except BaseException as exc:  # noqa: BLE001 (handed to every waiter)
                call.error = exc
            finally:
                with self._lock:
                    del self._calls[key]
                call.done.set()
        if call.error is not None:
            raise call.error
        return call.value


def _lock_name(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class FileLocks:
    """Cross-process locks for processes on one host: ``flock`` on ``<folder>/<hash>.lock``."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def hold(self, key: str, wait: float) -> Iterator[bool]:
        """Hold the lock for ``key`` (True), or give up after ``wait`` seconds (False)."""
        path = self.folder / f"{_lock_name(key)}.lock"
        with open(path, "a+b") as fh:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        yield False
                        return
                    time.sleep(0.02)
            try:
                yield True
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


class RedisLocks:
    """Cross-process, cross-host locks in Redis (expire by themselves if a holder dies).

    A Redis that is down or hangs raises ``redis.RedisError`` from :meth:`hold` within the
    client's short timeout; the caller decides how to go on without the lock.
    """

    def __init__(self, url: str, prefix: str, timeout_ms: int = DEFAULT_TIMEOUT_MS):
        self.redis, self.prefix = connect(url, timeout_ms), prefix

    @contextmanager
    def hold(self, key: str, wait: float) -> Iterator[bool]:
        """Hold the lock for ``key`` (True), or give up after ``wait`` seconds (False)."""
        lock = self.redis.lock(f"{self.prefix}:{_lock_name(key)}", timeout=wait + 5,
                               blocking_timeout=wait, sleep=0.02)
        acquired = lock.acquire()
        try:
            yield acquired
        finally:
            if acquired:
                from redis.exceptions import RedisError

                try:
                    lock.release()
                except RedisError:  # expired meanwhile (another process may hold it now), or
                    pass  # Redis went away: either way the lock expires by itself


def process_locks(http_cache_url: str, instance_path: Path, namespace: str,
                  timeout_ms: int = DEFAULT_TIMEOUT_MS):
    """The cross-process lock matching where the HTTP cache lives."""
    if is_redis(http_cache_url):
        return RedisLocks(http_cache_url, f"opengov:lock:{namespace}", timeout_ms)
    return FileLocks(Path(instance_path) / "locks" / namespace)
