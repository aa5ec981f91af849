"""Answers to a category's extra questions: Open311 service-definition attributes.

GeoReport v2 (DOMAIN.md §1) sends them with a POST as ``attribute[CODE]=value``, and as
``attribute[CODE][]=v1&attribute[CODE][]=v2`` for a ``multivaluelist``; a definition lists each
attribute's ``datatype`` (string, number, datetime, text, singlevaluelist, multivaluelist),
whether it is ``required`` and, for lists, the allowed ``values[].key``. Attributes with
``variable: false`` only inform the user and take no answer. An empty value counts as not sent
(the standard's "optional arguments" rule).

Answers are checked here against the category before anything is stored, and kept in the public
record as ``{code: value}`` (a list for ``multivaluelist``): they describe the problem, not the
reporter.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

from opengov.errors import ApiError
from opengov.reports.categories import Category
from opengov.reports.schemas import MAX_ADDRESS, MAX_DESCRIPTION

FORM_KEY = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
MAX_LENGTH = {"string": MAX_ADDRESS, "text": MAX_DESCRIPTION}
MAX_ANSWERS = 50  # attributes per submission


def from_form(form) -> dict[str, list]:
    """The raw ``attribute[CODE]`` and ``attribute[CODE][]`` values of a form, by code."""
    out: dict[str, list] = {}
    for key in form.keys():
        match = FORM_KEY.match(key)
        if match:
            out.setdefault(match.group(1), []).extend(form.getlist(key))
    return out


def from_json(value) -> dict[str, list]:
    """The raw answers of a JSON ``attributes`` object (a list for several values)."""
    return {str(code): (list(v) if isinstance(v, list) else [v]) for code, v in value.items()}


def _number(text) -> int | float:
    if isinstance(text, bool):
        raise ValueError
    number = float(text)
    if not math.isfinite(number):
        raise ValueError
    return int(number) if number.is_integer() and "." not in str(text) else number


def _datetime(text) -> str:
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _one(definition: dict, value):
    """One checked value of ``definition``; ValueError with the reason otherwise."""
    kind = definition["datatype"]
    if kind == "number":
        try:
            return _number(value)
        except (TypeError, ValueError):
            raise ValueError("must be a number") from None
    if kind == "datetime":
        try:
            return _datetime(value)
        except (TypeError, ValueError):
            raise ValueError("must be an ISO 8601 date and time with a UTC offset (…Z or "
                             "…+07:00)") from None
    if not isinstance(value, str):
        raise ValueError("must be text")
    if kind in ("singlevaluelist", "multivaluelist"):
        keys = [str(v["key"]) for v in definition.get("values") or ()]
        if value not in keys:
            raise ValueError(f"must be one of: {', '.join(keys)}")
        return value
    if kind == "string" and ("\n" in value or "\r" in value):
        raise ValueError("must be a single line (use a text attribute for several lines)")
    limit = MAX_LENGTH.get(kind, MAX_ADDRESS)
    if len(value) > limit:
        raise ValueError(f"must be at most {limit} characters")
    return value


def _answer(definition: dict, values: list):
    if definition["datatype"] == "multivaluelist":
        checked = [_one(definition, v) for v in values]
        return list(dict.fromkeys(checked))  # each key once, in the order sent
    if len(values) > 1:
        raise ValueError("takes one value")
    return _one(definition, values[0])


def validate(category: Category, raw: dict[str, list], location: str = "form") -> dict:
    """The answers to store for ``category``, or a 422 naming every wrong attribute."""
    definitions = {a["code"]: a for a in category.attributes if a.get("variable", True)}
    if len(raw) > MAX_ANSWERS:
        raise ApiError(422, f"At most {MAX_ANSWERS} attributes per report ({len(raw)} sent).")
    errors: list[dict] = []
    answers: dict = {}

    def fail(code: str, message: str) -> None:
        shown = code if len(code) <= 100 else code[:100] + "…"  # never echo a huge key
        errors.append({"location": location, "field": f"attribute[{shown}]",
                       "messages": [message]})

    for code, values in raw.items():
        values = [v for v in values if v is not None and v != ""]
        if code not in definitions:
            fail(code, f"Service {category.code!r} has no such attribute.")
        elif values:
            try:
                answers[code] = _answer(definitions[code], values)
            except ValueError as exc:
                fail(code, f"{definitions[code]['datatype']} value {exc}.")
    for code, definition in definitions.items():
        if definition.get("required") and code not in answers and not any(
                e["field"] == f"attribute[{code}]" for e in errors):
            fail(code, "Required by the service definition.")
    if errors:
        names = ", ".join(e["field"] for e in errors)
        raise ApiError(422, f"Invalid attributes for service {category.code!r}: {names}.",
                       title="Invalid request", errors=errors, kind="validation")
    return answers
