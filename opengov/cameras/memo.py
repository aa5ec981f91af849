"""Fresh snapshots kept in process memory until they expire, bounded by total bytes.

Viewers of a popular camera then cost no cache read at all (no Redis round trip carrying the
image) until the shared interval ends; the cache is read again once per interval per process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import UTC, datetime


class FreshMemo:
    """``get(key)`` → a value whose ``expires`` is still ahead, else None; LRU by bytes."""

    def __init__(self, max_bytes: int):
        self.max_bytes, self.size = max_bytes, 0
        self._items: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            value = self._items.get(key)
            if value is None:
                return None
            if value.expires <= datetime.now(UTC):
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return value

    def put(self, key: str, value) -> None:
        """Keep ``value`` (with ``expires`` and ``body``) unless it alone exceeds the bound."""
        if len(value.body) > self.max_bytes:
            return
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = value
            self.size += len(value.body)
            while self.size > self.max_bytes:
                self._drop(next(iter(self._items)))

    def _drop(self, key: str) -> None:
        self.size -= len(self._items.pop(key).body)
