"""Ingesting a batch of events: all or nothing, idempotent by event id, in time order.

Inside one write transaction the batch is checked against the dossiers as stored and the
procedures catalogue, every refused event is listed (422, nothing stored), and otherwise the
dossiers, their events and the monthly aggregates are written together.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, update

from opengov.dossiers import catalogue
from opengov.dossiers.aggregates import Deltas
from opengov.dossiers.batch import collector_paused, problem
from opengov.dossiers.bulk import execute_many, insert_columns, insert_many, select_in
from opengov.dossiers.ledger import Event, EventError, apply
from opengov.dossiers.machine import ORDER
from opengov.dossiers.pins import Pins
from opengov.dossiers.workdays import WorkCalendar
from opengov.errors import ApiError
from opengov.store.engine import write_transaction
from opengov.store.types import utcnow


@dataclass(frozen=True)
class Result:
    batch: str
    received: int
    stored: int
    duplicates: int
    dossiers: int


def _same(a: Event, code: str, kind: str, at) -> bool:
    return a.code == code and a.kind == kind and a.at == at


def ingest(store, calendar: WorkCalendar, events: list[tuple[int, Event]], problems: list[dict],
           *, total: int, pins: Pins, scope: str | None = None) -> Result:
    """Store ``events`` (``(index, event)`` pairs) or raise a 422/403 listing every refusal;
    ``problems`` are the refusals found while parsing; ``pins`` hashes new dossiers' pins."""
    problems = list(problems)
    fresh, duplicates = _unique_in_batch(events, problems)
    batch = f"{utcnow():%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"
    with collector_paused(), write_transaction(store.engine) as conn:
        fresh, replayed = _not_yet_stored(store, conn, fresh, problems)
        duplicates += replayed
        before = _dossiers(store, conn, sorted({e.code for _, e in fresh}))
        procedures = catalogue.procedures(
            store, conn, [e.procedure for _, e in fresh if e.kind == "received" and e.procedure])
        after, deltas, outside = _apply_all(fresh, before, procedures, calendar, pins, problems,
                                             scope)
        if outside:
            raise ApiError(403, f"{len(outside)} events concern dossiers of another agency than "
                                f"your key's ({scope}); nothing was stored.", errors=outside)
        if problems:
            problems.sort(key=lambda p: p["index"])
            raise ApiError(422, f"{len(problems)} of {total} events are refused; nothing was "
                                "stored.", errors=problems)
        _write(store, conn, before, after, fresh, deltas, batch)
    return Result(batch, total, len(fresh), duplicates, len(after))


def _unique_in_batch(events, problems) -> tuple[list[tuple[int, Event]], int]:
    """The events without repeats of an event id (a repeat of the same event is a duplicate;
    of another one, a problem)."""
    if len({event.event_id for _, event in events}) == len(events):
        return list(events), 0  # the usual batch: every id once
    seen: dict[str, Event] = {}
    out, duplicates = [], 0
    for index, event in events:
        first = seen.get(event.event_id)
        if first is None:
            seen[event.event_id] = event
            out.append((index, event))
        elif first == event:
            duplicates += 1
        else:
            problems.append(problem(index, event.event_id, "the event id appears twice in the "
                                                           "batch with different contents"))
    return out, duplicates


def _not_yet_stored(store, conn, events, problems) -> tuple[list[tuple[int, Event]], int]:
    stored = {row[0]: row for row in select_in(
        conn, store.table("dossier_events"), ["event_id", "dossier_code", "kind", "at"],
        "event_id", [e.event_id for _, e in events])}
    if not stored:
        return events, 0
    out, duplicates = [], 0
    for index, event in events:
        row = stored.get(event.event_id)
        if row is None:
            out.append((index, event))
        elif _same(event, *row[1:]):
            duplicates += 1
        else:
            problems.append(problem(index, event.event_id, "the event id was already used for "
                                                           "another event"))
    return out, duplicates


def _dossiers(store, conn, codes: list[str]) -> dict[str, dict]:
    t = store.table("dossiers")
    names = [c.name for c in t.columns]
    return {row[0]: dict(zip(names, row, strict=True))
            for row in select_in(conn, t, names, "code", codes)}


def _apply_all(events, before, procedures, calendar, pins, problems, scope):
    """Apply each dossier's events in time order; the dossiers after, the aggregate deltas and
    the events outside the key's scope."""
    after: dict[str, dict] = {}
    deltas, outside = Deltas(), []
    for code, items in _by_dossier(events).items():
        start = before.get(code)
        current, applied = _apply_dossier(code, items, start, procedures, calendar, pins,
                                          problems)
        if scope is not None and applied and current["agency"] != scope:
            outside.extend(problem(index, event.event_id, f"dossier {code} belongs to "
                                   f"{current['agency']}") for index, event in items[:applied])
        if applied == len(items):
            after[code] = current
            deltas.add(start, current)
    return after, deltas, outside


def _by_dossier(events) -> dict[str, list[tuple[int, Event]]]:
    """``events`` grouped by dossier, each group in time order (events at the same time in
    their natural order, then in batch order). Only a group that arrived out of order is
    sorted: the usual batch sends each dossier's events in order."""
    groups: dict[str, list[tuple[int, Event]]] = {}
    unsorted = set()
    for pair in events:
        code = pair[1].code
        group = groups.get(code)
        if group is None:
            groups[code] = [pair]
            continue
        if not group[-1][1].at < pair[1].at:
            unsorted.add(code)
        group.append(pair)
    for code in unsorted:
        groups[code].sort(key=_time_order)
    return groups


def _apply_dossier(code, items, start, procedures, calendar, pins, problems):
    """Apply one dossier's events (in time order): the dossier after the last applied event
    and how many were applied. The events after a refused one are listed as not applied."""
    current = start
    for applied, (index, event) in enumerate(items):
        try:  # the first event copies the stored dossier, the next ones change the copy
            current = apply(current, event, procedures.get(event.procedure), calendar, pins,
                            in_place=current is not start)
        except EventError as exc:
            problems.append(problem(index, event.event_id, str(exc)))
            problems.extend(problem(i, e.event_id, "not applied: an earlier event of dossier "
                                    f"{code} (index {index}) is refused")
                            for i, e in items[applied + 1:])
            return current, applied
    return current, len(items)


def _time_order(pair: tuple[int, Event]) -> tuple:
    index, event = pair
    return event.at, ORDER[event.kind], index


def _write(store, conn, before, after, events, deltas, batch) -> None:
    d = store.table("dossiers")
    memo: dict = {}  # converted values shared by the statements (events' times are dossiers')
    new = [row for code, row in after.items() if code not in before]
    changed = [row for code, row in after.items() if code in before]
    insert_many(conn, d, new, memo)
    if changed:
        columns = [c.name for c in d.columns if c.name != "code"]
        execute_many(conn, update(d).where(d.c.code == bindparam("k_code"))
                     .values({c: bindparam("v_" + c) for c in columns}),
                     [{"k_code": r["code"], **{"v_" + c: r[c] for c in columns}}
                      for r in changed], memo)
    stored = [e for _, e in events]
    insert_columns(conn, store.table("dossier_events"), {
        "event_id": [e.event_id for e in stored], "dossier_code": [e.code for e in stored],
        "kind": [e.kind for e in stored], "at": [e.at for e in stored],
        "batch": [batch] * len(stored), "ingested_at": [utcnow()] * len(stored)}, memo)
    deltas.write(store, conn)
