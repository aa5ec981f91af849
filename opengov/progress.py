"""Progress of long work by records: a live bar on a terminal, plain periodic lines otherwise.

Logs of cron jobs and CI keep readable lines (``parcels: 12,000 / 24,979 records``) every few
seconds instead of a bar's carriage returns.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO

from tqdm import tqdm

PLAIN_EVERY_S = 10.0


class PlainProgress:
    """``tqdm``'s ``update``/``close`` interface, writing one line every ``every`` seconds."""

    def __init__(self, desc: str, total: int | None, stream: TextIO,
                 every: float = PLAIN_EVERY_S):
        self.desc, self.total, self.stream, self.every = desc, total, stream, every
        self.n = 0
        self.started = self.last = time.monotonic()

    def update(self, n: int = 1) -> None:
        self.n += n
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self._line()

    def _line(self, suffix: str = "") -> None:
        of = f" / {self.total:,}" if self.total else ""
        print(f"{self.desc}: {self.n:,}{of} records{suffix}", file=self.stream, flush=True)

    def close(self) -> None:
        if time.monotonic() - self.started >= self.every:  # short work stays silent
            self._line(f" in {time.monotonic() - self.started:.0f} s")

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def progress(desc: str, total: int | None = None, *, enabled: bool = True,
             stream: TextIO | None = None):
    """A progress reporter with ``update(n)`` and ``close()`` (also a context manager)."""
    stream = stream or sys.stderr
    if enabled and not stream.isatty():
        return PlainProgress(desc, total, stream)
    return tqdm(total=total, desc=desc, unit=" rec", disable=not enabled, file=stream,
                leave=False)


def tracked(items: Iterable, desc: str, total: int | None = None, *,
            enabled: bool = True) -> Iterator:
    """``items`` unchanged, reporting each one to a :func:`progress` reporter."""
    with progress(desc, total, enabled=enabled) as reporter:
        for item in items:
            yield item
            reporter.update()
