"""Which sources are due, and the ``--watch`` loop that runs them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from opengov.gateway.config import Source
from opengov.gateway.state import SourceState, read_states
from opengov.store.types import utcnow

POLL_SECONDS = 60.0


def is_due(source: Source, current: SourceState | None, now: datetime) -> bool:
    """Never tried, or the interval has passed since the last attempt."""
    if current is None or current.last_attempt_at is None:
        return True
    return now - current.last_attempt_at >= timedelta(seconds=source.interval)


def due(store, sources: Iterable[Source], now: datetime | None = None) -> list[Source]:
    """The sources whose interval has passed (one pass per cron tick runs exactly these)."""
    now = now or utcnow()
    states = read_states(store)
    return [s for s in sources if is_due(s, states.get(s.id), now)]


def seconds_until_next(store, sources: list[Source], now: datetime | None = None) -> float:
    """How long until the next source falls due (at most :data:`POLL_SECONDS`)."""
    now = now or utcnow()
    states = read_states(store)
    waits = [POLL_SECONDS]
    for s in sources:
        last = states.get(s.id)
        if last is None or last.last_attempt_at is None:
            return 0.0
        waits.append((last.last_attempt_at + timedelta(seconds=s.interval) - now)
                     .total_seconds())
    return max(0.0, min(waits))


def watch(store, sources: list[Source], run_pass: Callable[[list[Source]], None], *,
          passes: int | None = None, sleep: Callable[[float], None] = time.sleep) -> None:
    """Run due sources, sleep until the next is due, repeat (``passes`` bounds it for tests).
    Several watchers may run side by side: the leases keep each source to one of them."""
    done = 0
    while passes is None or done < passes:
        ready = due(store, sources)
        if ready:
            run_pass(ready)
        done += 1
        if passes is None or done < passes:
            sleep(max(1.0, seconds_until_next(store, sources)))
