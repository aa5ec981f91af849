"""Bounds on values taken from requests, checked at the edge before they reach SQL or arithmetic.

Each check returns ``None`` when the value is acceptable, else a sentence saying why not, so
every parser (query arguments, JSON bodies, CQL2, cursors) can wrap it in its own error type.

- Datetimes and dates lie in ``[1000-01-01, 9000-01-01)`` UTC: far from the ends of Python's
  ``datetime`` range, so converting to UTC or adding a day or a 90-day window cannot overflow,
  and well inside what SQLite and PostgreSQL store.
- Integers fit in a signed 64-bit integer (SQLite ``INTEGER``, PostgreSQL ``bigint``).
- Text holds no NUL character (PostgreSQL refuses it in ``text``) and no lone surrogate (not
  encodable as UTF-8).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

EARLIEST = datetime(1000, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

_RANGE = "between years 1000 and 8999"


def datetime_problem(value: datetime) -> str | None:
    """Why an aware ``value`` is outside the safe range (naive values are left to the caller)."""
    if value.tzinfo is None:
        return None
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        return f"time must be {_RANGE} (UTC)"
    if not EARLIEST <= utc < LATEST:
        return f"time must be {_RANGE} (UTC)"
    return None


def date_problem(value: date) -> str | None:
    """Why a date (or datetime) is outside the safe range."""
    if isinstance(value, datetime):
        return datetime_problem(value)
    if not EARLIEST.year <= value.year < LATEST.year:
        return f"date must be {_RANGE}"
    return None


def int_problem(value: int) -> str | None:
    """Why an integer does not fit in 64 bits."""
    if not INT64_MIN <= value <= INT64_MAX:
        return "integer is outside the 64-bit range"
    return None


def text_problem(value: str) -> str | None:
    """Why a string cannot be stored as text: a NUL character or a lone surrogate."""
    if "\x00" in value:
        return "text must not contain NUL characters"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "text must not contain lone surrogates (invalid Unicode)"
    return None


def value_problem(value: object) -> str | None:
    """The check that fits ``value``'s type (bools and floats always pass)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return int_problem(value)
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, date):
        return date_problem(value)
    return None
