"""Request bodies in JSON, parsed once for every route and bounded before any view sees them.

orjson parses without recursion (so a 100,000-deep array cannot exhaust Python's stack) and
refuses lone surrogates; on top of that a body may nest at most :data:`MAX_DEPTH` levels, and
its strings and integers must be storable (:mod:`opengov.bounds`). A body that breaks one of
these rules is a 422 problem; one that is not JSON at all stays a ``ValueError`` (each caller
already answers that in its own way).
"""

from __future__ import annotations

import re

import orjson
from flask.json.provider import DefaultJSONProvider

from opengov import bounds
from opengov.errors import ApiError

MAX_DEPTH = 64
_LONG_NUMBER = re.compile(rb"\d{19}")  # 64-bit integers have at most 19 digits
_NUL_ESCAPE = b"\\u0000"


def _refuse(reason: str) -> ApiError:
    return ApiError(422, f"The JSON body cannot be accepted: {reason}.",
                    errors=[{"location": "json", "field": None, "messages": [reason]}])


def loads(data: bytes | str) -> object:
    """The JSON document in ``data``, checked (ApiError 422) or ``ValueError`` if not JSON."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if "surrogate" in str(exc):
            raise _refuse("text must be valid Unicode (no lone surrogates)") from exc
        if "depth limit" in str(exc):  # orjson stops at 1024 levels
            raise _refuse(f"it nests more than {MAX_DEPTH} levels deep") from exc
        raise
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if isinstance(doc, dict | list):
        _check(doc, deep=raw.count(b"[") + raw.count(b"{") > MAX_DEPTH,
               strings=_NUL_ESCAPE in raw, numbers=_LONG_NUMBER.search(raw) is not None)
    else:
        _check_scalar(doc)
    return doc


def _check(doc: dict | list, *, deep: bool, strings: bool, numbers: bool) -> None:
    """Walk ``doc`` without recursion, checking only what the raw text says may be wrong."""
    if not (deep or strings or numbers):
        return
    scalars = strings or numbers
    stack: list[tuple[dict | list, int]] = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _refuse(f"it nests more than {MAX_DEPTH} levels deep")
        if isinstance(node, dict):
            if strings:
                for key in node:
                    _check_scalar(key)
            items = node.values()
        else:
            items = node
        for item in items:
            if isinstance(item, dict | list):
                stack.append((item, depth + 1))
            elif scalars:
                _check_scalar(item)


def _check_scalar(value: object) -> None:
    problem = bounds.value_problem(value) if isinstance(value, str | int) else None
    if problem:
        raise _refuse(problem)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, loading request bodies with :func:`loads`."""

    def loads(self, s, **kwargs):
        return loads(s)
