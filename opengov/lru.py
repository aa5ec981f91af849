"""A small thread-safe least-recently-used map, bounded by its number of entries."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock


class LRU:
    """``get``/``put`` (None means absent) and ``get_or_compute``; at most ``size`` entries.
    ``hits`` and ``misses`` count the lookups (for the metrics)."""

    def __init__(self, size: int):
        self.size, self.data, self.lock = size, OrderedDict(), Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable):
        with self.lock:
            if key in self.data:
                self.hits += 1
                self.data.move_to_end(key)
                return self.data[key]
            self.misses += 1
        return None

    def put(self, key: Hashable, value) -> None:
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)

    def get_or_compute(self, key: Hashable, compute: Callable[[], object]):
        """The kept value, or ``compute()`` kept (computed outside the lock)."""
        value = self.get(key)
        if value is None:
            value = compute()
            self.put(key, value)
        return value

    def clear(self) -> None:
        with self.lock:
            self.data.clear()
