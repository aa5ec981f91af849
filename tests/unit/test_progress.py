"""Progress of long work: plain lines by records when the output is not a terminal."""

from __future__ import annotations

import io

from opengov.progress import PlainProgress, progress


def test_not_a_terminal_gets_plain_lines_by_records():
    out = io.StringIO()
    reporter = progress("parcels", 3000, stream=out)
    assert isinstance(reporter, PlainProgress)
    reporter.every = 0  # a line per update, instead of every few seconds
    reporter.update(1000)
    reporter.update(2000)
    assert out.getvalue().splitlines() == ["parcels: 1,000 / 3,000 records",
                                           "parcels: 3,000 / 3,000 records"]
    assert "\r" not in out.getvalue()
