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


def dumps_each(values: list, head: str) -> list[str]:
    """``[dumps(v) for v in values]`` for objects whose text starts with ``head`` (e.g.
    ``'{"id":'``), from one serialisation of the whole list cut at each ``,`` + ``head``
    (outside strings, where ``"`` is always escaped); one by one when a nested value holds
    that text too."""
    if not values:
        return []
    text = orjson.dumps(values, default=_default, option=orjson.OPT_PASSTHROUGH_DATETIME)
    parts = text[1:-1].decode().split("," + head)
    if len(parts) != len(values):
        return [dumps(v) for v in values]
    return [parts[0], *(head + p for p in parts[1:])]
