"""Wall-clock seconds as ISO 8601 text, formatted once per second.

The access log writes a time on every line and every page carries a ``timeStamp``: formatting
a datetime each time was a tenth of an access-log line's cost. Both read the text of the
current second here.
"""

from __future__ import annotations

from datetime import UTC, datetime

_last: tuple[int, str] = (-1, "")  # the last second formatted, and its text


def second_text(second: int) -> str:
    """``second`` (a Unix time) as ``YYYY-MM-DDTHH:MM:SS`` in UTC, without a zone."""
    global _last
    if _last[0] != second:
        _last = (second, datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    return _last[1]
