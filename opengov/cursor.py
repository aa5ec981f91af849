"""Opaque keyset cursors: the sort-key values of a boundary row, base64url-encoded JSON.

Cursors are not signed: anyone can build one, so a decoded cursor is validated in full against
the types of the sort keys it is used with (the field types of :mod:`opengov.collections`) and
the bounds of :mod:`opengov.bounds`. A forged cursor that passes is just another position in
the same ordering, which ``offset`` gives too; a cursor stays valid across workers, hosts and
restarts without a shared secret.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass
from datetime import date, datetime

from opengov import bounds

_COMPACT = json.JSONEncoder(separators=(",", ":"))  # one encoder, not one per cursor
MAX_LENGTH = 2048  # characters of a token; real ones are far shorter


class CursorError(ValueError):
    """The cursor is not one this service issued."""


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return {"$t": value.isoformat()}
    return value


def _typed(value: object) -> object:
    if isinstance(value, dict) and set(value) == {"$t"}:
        text = value["$t"]
        if not isinstance(text, str):
            raise TypeError("a time is text")
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
    def decode(cls, token: str, types: tuple[str, ...]) -> Cursor:
        """Parse ``token`` for a query sorted on keys of ``types`` (field type names:
        ``string``, ``integer``, ``number``, ``date``, ``datetime``, ``boolean``)."""
        if len(token) > MAX_LENGTH:
            raise CursorError("malformed cursor")
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            body = json.loads(raw)
            direction = {"n": "next", "p": "prev"}[body["d"]]
            if not isinstance(body["k"], list):
                raise TypeError("keys are not a list")
            key = tuple(_typed(v) for v in body["k"])
        except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError,
                RecursionError) as exc:
            raise CursorError("malformed cursor") from exc
        if len(key) != len(types):
            raise CursorError("cursor does not belong to this sort order")
        for value, kind in zip(key, types, strict=True):
            if value is not None and not _fits(value, kind):
                raise CursorError("cursor does not belong to this sort order")
        return cls(key=key, direction=direction)


def _fits(value: object, kind: str) -> bool:
    """``value`` is a sort-key value of field type ``kind``, within bounds."""
    if kind == "integer":
        ok = type(value) is int
    elif kind == "number":
        ok = type(value) in (int, float) and math.isfinite(value)  # type: ignore[arg-type]
    elif kind == "boolean":
        ok = type(value) is bool
    elif kind == "datetime":
        ok = type(value) is datetime and value.tzinfo is not None  # type: ignore[union-attr]
    elif kind == "date":
        ok = type(value) is date
    else:  # string, text
        ok = type(value) is str and len(value) <= MAX_LENGTH  # type: ignore[arg-type]
    return ok and bounds.value_problem(value) is None
