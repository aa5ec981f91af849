"""The access log's ``time`` (formatted once per second, the milliseconds per line) is the
text ``datetime`` gives for the same instant, across second boundaries and rounding; the
pages' ``timeStamp`` reads the same per-second clock text (``opengov.clock``)."""

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


@given(st.lists(SECONDS, min_size=1, max_size=6))
def test_log_times_and_page_timestamps_share_one_clock_text(seconds):
    """The access log and the pages' ``timeStamp`` read the same per-second text: a line
    logged for an earlier arrival never leaves its second in a page's timestamp."""
    from opengov.clock import second_text
    from opengov.encoders import _now

    for second in seconds:
        assert _time(second + 0.25) == datetime.fromtimestamp(second + 0.25, UTC).isoformat(
            timespec="milliseconds")
        assert second_text(second) == datetime.fromtimestamp(second, UTC).strftime(
            "%Y-%m-%dT%H:%M:%S")
        before = datetime.now(UTC).replace(microsecond=0)
        stamp = datetime.fromisoformat(_now().replace("Z", "+00:00"))
        assert before <= stamp <= datetime.now(UTC)
