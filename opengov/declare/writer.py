"""Batches inserted by a second thread while the next batch is made.

SQLite inserts without holding Python's GIL (``sqlite3`` releases it while a statement
steps), so making a batch's rows (Python) and inserting the previous batch (SQLite) overlap
on two cores. One batch is inserted at a time, in order; at most two are in memory (the one
being inserted, the one being made). A failure is reported for the earliest record: an
insert's failure (a duplicate id) wins over a later batch's.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor


class BackgroundWriter:
    """``submit(rows)`` runs ``write(rows)`` on the writer thread after the previous one is
    done (and raises that one's error, if any); ``wait()`` after the last batch."""

    def __init__(self, write: Callable[[dict], None]):
        self._write = write
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="opengov-load-writer")
        self._pending: Future | None = None

    def wait(self) -> None:
        """Until the batch being written is in; its error raised here."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def submit(self, rows: dict) -> None:
        self.wait()
        self._pending = self._pool.submit(self._write, rows)

    def __enter__(self) -> BackgroundWriter:
        return self

    def __exit__(self, kind, error, _traceback) -> None:
        try:
            if error is None:
                self.wait()
            elif self._pending is not None:  # the earlier batch's failure comes first
                earlier = self._pending.exception()
                self._pending = None
                if earlier is not None:
                    raise earlier from None
        finally:
            self._pool.shutdown(wait=True)
