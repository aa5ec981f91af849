"""Compact JSON text for every answer: UTF-8, non-ASCII kept, times in ISO 8601 with ``Z``."""

from __future__ import annotations

from datetime import date, datetime

import orjson


def _default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat().replace("+00:00", "Z")
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(value: object) -> str:
    """Compact UTF-8 JSON text (non-ASCII kept), times in ISO 8601 with ``Z``."""
    return orjson.dumps(value, default=_default, option=orjson.OPT_PASSTHROUGH_DATETIME).decode()
