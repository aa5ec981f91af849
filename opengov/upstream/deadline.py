"""A wall-clock deadline on every upstream request, whatever pace the server keeps.

Socket timeouts bound each read, not the whole: a server that sends one byte every two seconds
never trips a five-second read timeout, and a buffered read waits for a whole chunk. So each
request sent through :class:`DeadlineAdapter` during a :func:`deadline` block is watched by a
timer: when ``seconds`` pass before the answer is complete (connection, TLS, headers and body),
the timer shuts the socket down, the blocked read returns at once, and :func:`deadline` raises
``requests.ReadTimeout``. Each attempt (a retry, a redirect hop) gets its own ``seconds``.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_current = threading.local()


class _Watch:
    """The timers of one :func:`deadline` block, one per connection it is using."""

    def __init__(self, seconds: float):
        self.seconds, self.expired = seconds, False
        self._timers: dict[int, threading.Timer] = {}
        self._lock = threading.Lock()

    def arm(self, conn) -> None:
        """Give ``conn`` ``seconds`` from now to finish its current request."""
        timer = threading.Timer(self.seconds, self._expire, (conn,))
        timer.daemon = True
        with self._lock:
            previous = self._timers.pop(id(conn), None)
            self._timers[id(conn)] = timer
        if previous is not None:
            previous.cancel()
        timer.start()

    def disarm(self, conn) -> None:
        """``conn`` finished its request (it goes back to the pool)."""
        with self._lock:
            timer = self._timers.pop(id(conn), None)
        if timer is not None:
            timer.cancel()

    def _expire(self, conn) -> None:
        self.expired = True
        sock = getattr(conn, "sock", None)
        if sock is not None:
            try:  # the plain socket's shutdown, also under TLS: a blocked read returns now
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        with self._lock:
            timers, self._timers = list(self._timers.values()), {}
        for timer in timers:
            timer.cancel()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Bound each upstream request sent in this block (this thread) to ``seconds`` of wall
    clock; raise ``requests.ReadTimeout`` when one ran out."""
    watch, outer = _Watch(seconds), getattr(_current, "watch", None)
    _current.watch = watch
    try:
        yield
    except requests.RequestException as exc:
        if watch.expired and not isinstance(exc, requests.Timeout):
            raise requests.ReadTimeout(f"the upstream did not answer completely within "
                                       f"{seconds:g} s") from exc
        raise
    finally:
        _current.watch = outer
        watch.close()


class _Armed:
    """Pool mixin: every attempt's connection is armed before the request is sent."""

    def _make_request(self, conn, *args, **kwargs):
        watch = getattr(_current, "watch", None)
        if watch is not None:
            watch.arm(conn)
        return super()._make_request(conn, *args, **kwargs)  # type: ignore[misc]

    def _put_conn(self, conn):
        watch = getattr(_current, "watch", None)
        if watch is not None and conn is not None:
            watch.disarm(conn)  # another thread may take it from the pool next
        return super()._put_conn(conn)  # type: ignore[misc]


class _HTTPPool(_Armed, HTTPConnectionPool):
    pass


class _HTTPSPool(_Armed, HTTPSConnectionPool):
    pass


class DeadlineAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` whose connections honour the current :func:`deadline`."""

    def init_poolmanager(self, *args, **kwargs):  # noqa: D102 (HTTPAdapter API)
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}

    def proxy_manager_for(self, proxy, **proxy_kwargs):  # noqa: D102 (HTTPAdapter API)
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
        return manager
