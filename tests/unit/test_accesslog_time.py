"""The access log's ``time`` (formatted once per second, the milliseconds per line) is the
text ``datetime`` gives for the same instant, across second boundaries and rounding."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from opengov.accesslog import _time

SECONDS = st.integers(0, 4_000_000_000)
FRACTIONS = st.one_of(st.floats(0, 1, exclude_max=True),
                      st.sampled_from([0.0, 0.0004999, 0.0005, 0.9994999, 0.9995, 0.9999995]))


@given(SECONDS, FRACTIONS)
def test_time_is_what_datetime_writes(second, fraction):
    arrived = second + fraction
    assert _time(arrived) == datetime.fromtimestamp(arrived, UTC).isoformat(
        timespec="milliseconds")


def test_consecutive_times_in_one_second_and_the_next():
    base = 1_765_000_000.0
    assert [_time(base + f) for f in (0.001, 0.999, 1.0004)] == [
        datetime.fromtimestamp(base + f, UTC).isoformat(timespec="milliseconds")
        for f in (0.001, 0.999, 1.0004)]
