"""Opaque keyset cursors: the sort-key values of a boundary row, base64url-encoded JSON."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime

_COMPACT = json.JSONEncoder(separators=(",", ":"))  # one encoder, not one per cursor


class CursorError(ValueError):
    """The cursor is not one this service issued."""


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return {"$t": value.isoformat()}
    return value


def _typed(value: object) -> object:
    if isinstance(value, dict) and set(value) == {"$t"}:
        text = value["$t"]
        return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    return value


@dataclass(frozen=True)
class Cursor:
    """``after`` (direction "next") or ``before`` (direction "prev") the row with ``key``."""

    key: tuple
    direction: str = "next"

    def encode(self) -> str:
        body = _COMPACT.encode({"d": self.direction[0], "k": [_plain(v) for v in self.key]})
        return base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str, width: int) -> Cursor:
        """Parse ``token``; ``width`` is the number of sort keys the query uses."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            body = json.loads(raw)
            direction = {"n": "next", "p": "prev"}[body["d"]]
            key = tuple(_typed(v) for v in body["k"])
        except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise CursorError("malformed cursor") from exc
        if len(key) != width:
            raise CursorError("cursor does not belong to this sort order")
        for v in key:
            if v is not None and not isinstance(v, str | int | float | bool | date):
                raise CursorError("malformed cursor")
        return cls(key=key, direction=direction)
