"""Reading a batch of events (JSON or CSV) into :class:`~opengov.dossiers.ledger.Event` values.

Every event is checked on its own here (fields, types, an offset on every time); what depends
on the dossier and the catalogue is checked by :mod:`opengov.dossiers.ingest`. Problems are
collected for every event, not only the first, as ``{"index", "event_id", "reason"}``. Times
are kept in UTC (the same instant as sent), which makes comparing and storing them cheapest.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import request

from opengov import jsonbody
from opengov.dossiers.ledger import Event
from opengov.dossiers.machine import EVENTS
from opengov.errors import ApiError

MAX_EVENTS = 10_000
REQUIRED = ("event_id", "code", "kind", "at")
OPTIONAL = ("pin", "procedure", "centre", "agency", "commune", "channel_in", "channel_out",
            "postal_code")
FIELDS = REQUIRED + OPTIONAL
LENGTHS = {"event_id": 100, "code": 64, "procedure": 40, "centre": 100, "agency": 100,
           "commune": 100, "postal_code": 64, "pin": 32}
CSV_TYPES = ("text/csv", "application/csv")
KNOWN_REQUIRED = frozenset(REQUIRED)
LIMIT = {name: LENGTHS.get(name, 100) for name in FIELDS}


def read_body() -> list[dict]:
    """The request's events as raw dicts (415 for another media type, 422 if unreadable)."""
    if request.mimetype == "application/json":
        return _checked(_json_items(request.get_json(silent=True)))
    return read(request.mimetype, request.get_data(as_text=False))


def read(mimetype: str | None, data: bytes, *, allow_empty: bool = False) -> list[dict]:
    """A batch body of media type ``mimetype`` as raw dicts (415 for another media type, 422
    if unreadable or too long): pushed and pulled batches are read alike (a pulled page may
    be empty: nothing new)."""
    if mimetype == "application/json":
        try:
            body = jsonbody.loads(data)
        except ValueError:
            body = None
        items = _json_items(body)
    elif mimetype in CSV_TYPES:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ApiError(422, "The CSV body is not UTF-8.") from exc
        items = [{k: (v if v != "" else None) for k, v in row.items()}
                 for row in csv.DictReader(io.StringIO(text))]
    else:
        raise ApiError(415, "Send events as application/json or text/csv (got "
                            f"{mimetype or 'no Content-Type'}).")
    return items if allow_empty and not items else _checked(items)


def _json_items(body: object) -> list:
    items = body.get("events") if isinstance(body, dict) else body
    if not isinstance(items, list):
        raise ApiError(422, "Send a JSON array of events, or an object with `events`.")
    return items


def _checked(items: list) -> list:
    if not items:
        raise ApiError(422, "The batch has no events.")
    if len(items) > MAX_EVENTS:
        raise ApiError(422, f"At most {MAX_EVENTS} events per batch ({len(items)} sent).")
    return items


def parse(items: list) -> tuple[list[tuple[int, Event]], list[dict]]:
    """``(index, event)`` for the well-formed items and a problem for each other one."""
    events, problems = [], []
    with collector_paused():
        for index, item in enumerate(items):
            try:
                events.append((index, _event(item)))
            except ValueError as exc:
                event_id = item.get("event_id") if isinstance(item, dict) else None
                problems.append(problem(index, event_id, str(exc)))
    return events, problems


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a batch is read or ingested.

    A batch makes some hundred thousand short-lived tuples and dicts, enough to set off a
    hundred collections that each walk the younger objects and find no cycle. Reference
    counting still frees them at once; any cycle left is found by the first collection after.
    Only the caller that found the collector running starts it again (a nested or concurrent
    batch leaves it to that one)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def problem(index: int, event_id: object, reason: str) -> dict:
    return {"index": index, "event_id": event_id if isinstance(event_id, str) else None,
            "reason": reason}


def _event(item: object) -> Event:
    """The event of a well-formed item in one pass over its fields; anything unusual goes to
    :func:`_checked_event`, which names the first problem in field order."""
    if type(item) is not dict:
        return _checked_event(item)
    values = {}
    for name, value in item.items():
        limit = LIMIT.get(name)  # None: an unknown field
        if value is None and limit is not None:
            continue
        if limit is None or type(value) is not str or len(value) > limit or \
                not (value := value.strip()):
            return _checked_event(item)
        values[name] = value
    if not values.keys() >= KNOWN_REQUIRED or values["kind"] not in EVENTS:
        return _checked_event(item)
    values["at"] = _moment(values["at"])
    return Event(**values)


def _checked_event(item: object) -> Event:
    if not isinstance(item, dict):
        raise ValueError("an event is an object")
    unknown = sorted(set(item) - set(FIELDS) - {None})
    if unknown or None in item:
        raise ValueError(f"unknown fields {', '.join(map(str, unknown)) or '(extra CSV cells)'}"
                         " (personal data such as names or ID numbers is never accepted)")
    values = {}
    for name in FIELDS:
        value = item.get(name)
        if value is None:
            if name in REQUIRED:
                raise ValueError(f"{name} is required")
            continue
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must be a non-empty string")
        if len(value) > LENGTHS.get(name, 100):
            raise ValueError(f"{name} is longer than {LENGTHS.get(name, 100)} characters")
        values[name] = value.strip()
    if values["kind"] not in EVENTS:
        raise ValueError(f"kind must be one of {', '.join(EVENTS)}")
    values["at"] = _moment(values["at"])
    return Event(**values)


def _moment(text: str) -> datetime:
    """The aware UTC time of ISO 8601 ``text``, which must carry an offset."""
    try:
        moment = datetime.fromisoformat(text)  # Python 3.11 reads a final Z too
    except ValueError:
        raise ValueError(f"at is not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        raise ValueError("at needs a UTC offset (e.g. 2026-03-02T09:15:00+07:00)")
    return moment.astimezone(UTC)
