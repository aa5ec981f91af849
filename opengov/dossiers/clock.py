"""The statutory clock of a dossier: due date from the processing time, paused for supplements.

A processing time is ``(n, unit)`` from the procedures catalogue: ``working_day`` counts
working days (:mod:`opengov.dossiers.workdays`), ``day`` counts calendar days. Counting starts
the day after receipt (the day of receipt never counts), and the due date is the ``n``-th
counted day. While the applicant is asked for a supplement the clock stops: the days already
used are kept and counting resumes the day after the supplement arrives (docs/dossiers.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from opengov.dossiers.workdays import WorkCalendar

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
UNITS = ("working_day", "day")


def local_date(moment: datetime) -> date:
    """The date in Vietnam of an aware ``moment``."""
    return moment.astimezone(LOCAL).date()


@dataclass(frozen=True)
class Clock:
    """Adds and counts days of one unit."""

    calendar: WorkCalendar
    unit: str

    def add(self, start: date, n: int) -> date:
        if self.unit == "day":
            return start + timedelta(days=max(n, 0))
        return self.calendar.add(start, n)

    def count(self, start: date, end: date) -> int:
        if self.unit == "day":
            return max((end - start).days, 0)
        return self.calendar.count(start, end)


def clock_of(calendar: WorkCalendar, unit: str) -> Clock:
    """The clock of ``unit`` over ``calendar`` (made once, kept by the calendar)."""
    clock = calendar.clocks.get(unit)
    if clock is None:
        clock = calendar.clocks[unit] = Clock(calendar, unit)
    return clock


class Progress(NamedTuple):
    """Where a dossier's clock stands: ``used`` days before ``since`` (None while paused); a
    tuple, cheap to make for each event that moves the clock."""

    used: int
    since: date | None

    def due(self, clock: Clock, allowed: int) -> date | None:
        """The due date, or None while the clock is paused."""
        if self.since is None:
            return None
        return clock.add(self.since, max(allowed - self.used, 0))

    def pause(self, clock: Clock, on: date) -> Progress:
        if self.since is None:
            return self
        return Progress(self.used + clock.count(self.since, on), None)

    def resume(self, on: date) -> Progress:
        return self if self.since is not None else Progress(self.used, on)

    def taken(self, clock: Clock, on: date) -> int:
        """Days counted from receipt to ``on``, pauses left out."""
        return self.used + (clock.count(self.since, on) if self.since is not None else 0)
