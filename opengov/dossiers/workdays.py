"""Working days in Vietnam: weekends and public holidays excluded (the ``holidays`` package).

The ``holidays`` package computes the lunar-calendar days (Tết Nguyên đán, Hùng Kings'
commemoration) and the government's annual swaps (a Saturday worked to bridge a holiday is a
working day, the bridged weekday is a day off). :class:`WorkCalendar` turns that into a sorted
array of working days, so adding working days and counting them are binary searches.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, timedelta

import holidays

FIRST_YEAR, LAST_YEAR = 2015, 2035


class CalendarRangeError(ValueError):
    """A date outside the years the calendar covers."""


class WorkCalendar:
    """Working days between ``first_year`` and ``last_year`` inclusive.

    ``days_off`` / ``working_days`` override the library for single dates (a province's own
    decision, or a swap announced after the installed ``holidays`` release).
    """

    def __init__(self, first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR, *,
                 days_off: Iterable[date] = (), working_days: Iterable[date] = ()):
        vn = holidays.Vietnam(years=range(first_year, last_year + 1))
        off, extra = set(days_off), set(working_days)
        day, end = date(first_year, 1, 1), date(last_year, 12, 31)
        days = []
        while day <= end:
            if day in extra or (day not in off and vn.is_working_day(day)):
                days.append(day)
            day += timedelta(days=1)
        self.first, self.last = date(first_year, 1, 1), end
        self._days = days
        self.clocks: dict = {}  # unit → its Clock over this calendar (opengov.dossiers.clock)

    def _check(self, day: date) -> None:
        if not self.first <= day <= self.last:
            raise CalendarRangeError(f"{day.isoformat()} is outside the working-day calendar "
                                     f"({self.first.year}–{self.last.year})")

    def is_working(self, day: date) -> bool:
        self._check(day)
        i = bisect_left(self._days, day)
        return i < len(self._days) and self._days[i] == day

    def add(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself never counts); ``n = 0``
        is ``start``."""
        self._check(start)
        if n <= 0:
            return start
        i = bisect_right(self._days, start) + n - 1
        if i >= len(self._days):
            raise CalendarRangeError(f"{n} working days after {start} is past {self.last.year}")
        return self._days[i]

    def count(self, start: date, end: date) -> int:
        """Working days in ``(start, end]``: how many working days ``end`` is after ``start``
        (0 when ``end <= start``)."""
        self._check(start)
        self._check(end)
        if end <= start:
            return 0
        return bisect_right(self._days, end) - bisect_right(self._days, start)
