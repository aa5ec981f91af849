"""Working days: weekends, Vietnamese public holidays (lunar ones too) and swapped days."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opengov.dossiers.clock import Clock, Progress
from opengov.dossiers.workdays import CalendarRangeError, WorkCalendar

CAL = WorkCalendar()
DAYS = st.dates(min_value=date(2016, 1, 1), max_value=date(2034, 6, 30))


def test_weekends_and_holidays_are_not_working_days():
    assert not CAL.is_working(date(2026, 2, 14))  # Saturday
    assert not CAL.is_working(date(2026, 2, 17))  # Tết (lunar new year), a Tuesday
    assert not CAL.is_working(date(2025, 4, 7))   # Hùng Kings (10th day, 3rd lunar month)
    assert not CAL.is_working(date(2026, 9, 2))   # National Day
    assert CAL.is_working(date(2026, 2, 23))      # the Monday after Tết 2026


def test_a_swapped_saturday_is_worked_and_the_bridge_day_is_off():
    assert CAL.is_working(date(2025, 4, 26))      # Saturday worked …
    assert not CAL.is_working(date(2025, 5, 2))   # … for Friday 2 May off


def test_tet_pushes_the_due_date_past_the_holiday():
    # Friday 13 Feb 2026 + 3 working days: Tết closes 16–20 Feb → Wed 25 Feb.
    assert CAL.add(date(2026, 2, 13), 3) == date(2026, 2, 25)


def test_overrides_from_data():
    cal = WorkCalendar(2026, 2026, days_off=[date(2026, 3, 2)], working_days=[date(2026, 3, 7)])
    assert not cal.is_working(date(2026, 3, 2)) and cal.is_working(date(2026, 3, 7))


def test_outside_the_calendar_is_an_error():
    with pytest.raises(CalendarRangeError):
        CAL.add(date(2040, 1, 1), 1)


@settings(max_examples=200, deadline=None)
@given(DAYS, st.integers(min_value=0, max_value=120))
def test_add_and_count_are_inverse(start, n):
    due = CAL.add(start, n)
    assert CAL.count(start, due) == n
    if n:
        assert CAL.is_working(due)
        assert CAL.count(start, due - timedelta(days=1)) == n - 1  # the earliest such day


@settings(max_examples=100, deadline=None)
@given(DAYS, st.integers(min_value=0, max_value=60))
def test_count_matches_a_day_by_day_walk(start, span):
    end = start + timedelta(days=span)
    walked = sum(CAL.is_working(start + timedelta(days=i)) for i in range(1, span + 1))
    assert CAL.count(start, end) == walked


@settings(max_examples=150, deadline=None)
@given(DAYS, st.integers(min_value=1, max_value=40), st.integers(min_value=0, max_value=60),
       st.integers(min_value=0, max_value=60))
def test_a_supplement_pause_moves_the_due_date_by_the_days_waited(start, n, before, waited):
    clock = Clock(CAL, "working_day")
    asked = start + timedelta(days=before)
    supplied = asked + timedelta(days=waited)
    paused = Progress(0, start).pause(clock, asked)
    assert paused.due(clock, n) is None
    due = paused.resume(supplied).due(clock, n)
    used = CAL.count(start, asked)
    assert due == CAL.add(supplied, max(n - used, 0))
    # Working days counted on the statutory clock never exceed n up to the due date.
    assert used + CAL.count(supplied, due) == max(n, used)


def test_calendar_days_unit():
    clock = Clock(CAL, "day")
    assert Progress(0, date(2026, 2, 13)).due(clock, 3) == date(2026, 2, 16)
