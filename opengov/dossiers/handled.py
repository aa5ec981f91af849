"""Indicator 2.1 on the national portal's reading: dossiers handled in a period, at its end.

For each period (a month, or the whole requested period when not grouped by month) with end
``E`` (local midnight after its last day, or now for the current month) and reporting day ``L``
(its last day, or today): the denominator is the dossiers resolved in ``[start, E)`` plus those
still open at ``E`` (received before ``E``, neither resolved nor withdrawn by then); the
numerator is those resolved on or before their due date plus the open ones not overdue on ``L``
(due date on or after ``L``, or the clock stopped for a supplement).

A dossier's stored due date is its due date at ``E`` unless a supplement was requested or
supplied at or after ``E`` (only those events move it); for those few dossiers the clock is
replayed from their events before ``E`` (:mod:`opengov.dossiers.clock`), so the figure is exact.
Counts come from grouped queries (resolved dossiers binned by period in SQL, open ones joined to
the period ends), never from a loop over the dossiers.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Integer, case, func, literal, or_, select

from opengov.dossiers import stats
from opengov.dossiers.clock import LOCAL, Progress, clock_of, local_date
from opengov.dossiers.index_terms import HANDLED
from opengov.dossiers.machine import ORDER
from opengov.dossiers.workdays import WorkCalendar

#: The events that move a dossier's due date after its receipt.
CLOCK_EVENTS = ("supplement_requested", "supplement_supplied")


@dataclass(frozen=True)
class Period:
    """One reporting period: label (``YYYY-MM``, or None for the whole request), its bounds
    (``start`` None: from the beginning) and its reporting day."""

    label: str | None
    start: datetime | None
    end: datetime
    day: date


def _month_start(label: str) -> datetime:
    year, month = map(int, label.split("-"))
    return datetime.combine(date(year, month, 1), time(), LOCAL)


def _next(label: str) -> str:
    year, month = map(int, label.split("-"))
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def _period(label: str | None, start: datetime | None, end: datetime, now: datetime) -> Period:
    if end > now:
        return Period(label, start, now, local_date(now))
    return Period(label, start, end, local_date(end - timedelta(microseconds=1)))


def periods(req: stats.Request, now: datetime, first_month: str | None) -> list[Period]:
    """The reporting periods of ``req`` up to ``now`` (months when grouped by month)."""
    current = local_date(now).isoformat()[:7]
    last = min(req.end, _next(current)) if req.end else _next(current)
    if "month" not in req.by:
        start = _month_start(req.start) if req.start else None
        if start is not None and (start > now or req.start >= last):
            return []
        return [_period(None, start, _month_start(last), now)]
    label, out = req.start or first_month, []
    while label and label < last:
        out.append(_period(label, _month_start(label), _month_start(_next(label)), now))
        label = _next(label)
    return out


def compute(store, conn, req: stats.Request, now: datetime, calendar: WorkCalendar) -> dict:
    """Cells of ``req.by`` (``agency``, ``month``) with the handled-basis figures."""
    d = store.table("dossiers")
    filters = [d.c[stats.FILTERS[n]] == v for n, v in (req.filters or {}).items()
               if v is not None]
    first = None
    if "month" in req.by and not req.start:
        first = conn.execute(select(func.min(d.c.month)).where(*filters)).scalar()
    spans = periods(req, now, first)
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    if spans:
        by_agency = "agency" in req.by
        _resolved(conn, d, filters, spans, by_agency, cells)
        _open(store, conn, d, filters, spans, by_agency, calendar, cells)
    return _cells(req, spans, cells)


def _key(req: stats.Request, agency, label) -> tuple:
    return tuple(agency if n == "agency" else label for n in req.by)


def _resolved(conn, d, filters, spans, by_agency, cells) -> None:
    """Dossiers resolved in each period, and how many on time (one range scan, binned)."""
    label = _search(d.c.resolved_at, [p.end for p in spans], 0, len(spans) - 1)
    bounds = [d.c.resolved_at.is_not(None), d.c.resolved_at < spans[-1].end]
    if spans[0].start is not None:
        bounds.append(d.c.resolved_at >= spans[0].start)
    inner = select(d.c.agency.label("agency") if by_agency else literal("").label("agency"),
                   label.label("period"),
                   case((d.c.on_time.is_(True), 1), else_=0).label("on_time")) \
        .where(*bounds, *filters).subquery()
    rows = conn.execute(select(inner.c.agency, inner.c.period, func.count(),
                               func.sum(inner.c.on_time))
                        .group_by(inner.c.agency, inner.c.period)).all()
    for agency, period, count, on_time in rows:
        cell = cells[(agency, spans[period].label)]
        cell[0] += int(count)
        cell[1] += int(on_time or 0)


def _search(value, bounds: list, lo: int, hi: int):
    """SQL for the index of the first of ``bounds[lo:hi]`` (ascending) above ``value``, ``hi``
    if none: a balanced tree of CASEs, so a row makes a handful of comparisons, not one per
    period."""
    if lo == hi:
        return literal(lo, Integer)
    mid = (lo + hi) // 2
    return case((value < bounds[mid], _search(value, bounds, lo, mid)),
                else_=_search(value, bounds, mid + 1, hi))


def _open(store, conn, d, filters, spans, by_agency, calendar, cells) -> None:
    """Dossiers open at each period's end, and how many not overdue on its reporting day.

    One scan of the dossiers: each gets the index of the period it was received in, of the
    first period it was closed (resolved or withdrawn) before the end of, and of the first
    period whose reporting day is past its stored due date; it is open at the end of every
    period from the first to the second, and on time before the third. Then the dossiers
    with a supplement event after a period end they were open at are corrected (:func:`_moved`).
    """
    k = len(spans)
    closed = case((d.c.state == "withdrawn", d.c.last_event_at), else_=d.c.resolved_at)
    due = case((d.c.due_date.is_(None), k),
               else_=_search(d.c.due_date, [p.day for p in spans], 0, k))
    agency = d.c.agency if by_agency else literal("")
    ends = [p.end for p in spans]
    inner = select(agency.label("agency"),
                   _search(d.c.received_at, ends, 0, k - 1).label("opened"),
                   case((closed.is_(None), k), else_=_search(closed, ends, 0, k)).label("closed"),
                   due.label("due")) \
        .where(d.c.received_at < ends[-1], or_(closed.is_(None), closed >= ends[0]),
               *filters)
    scan = inner.add_columns(d.c.code).subquery()
    rows = conn.execute(select(scan.c.agency, scan.c.opened, scan.c.closed, scan.c.due,
                               func.count())
                        .group_by(scan.c.agency, scan.c.opened, scan.c.closed, scan.c.due)).all()
    for agency_code, opened, closed_at, due_at, count in rows:
        for i in range(opened, closed_at):
            cell = cells[(agency_code, spans[i].label)]
            cell[2] += count
            cell[3] += count if i < due_at else 0
    for agency_code, i, change in _moved(store, conn, d, inner, spans, calendar):
        cells[(agency_code, spans[i].label)][3] += change


def _moved(store, conn, d, inner, spans, calendar: WorkCalendar):
    """``(agency, period index, change of the on-time count)`` for each period end a dossier
    was open at while a supplement event still lay ahead (its stored due date is not the one
    it had then): the clock replayed from its supplement events before that end, as the
    ledger ran it (:mod:`opengov.dossiers.clock`).

    Only the dossiers whose clock is stopped now or restarted after the end of the period
    they were received in can be such; their events are read through the events' index."""
    ev = store.table("dossier_events")
    ends, k = [p.end for p in spans], len(spans)
    after = [p.day + timedelta(days=1) for p in spans]
    rows = conn.execute(inner.add_columns(d.c.code, d.c.received_at, d.c.statutory_days,
                                          d.c.time_unit)
                        .where(or_(d.c.clock_from.is_(None),
                                   _search(d.c.clock_from, after, 0, k)
                                   > _search(d.c.received_at, ends, 0, k - 1)))
                        ).mappings().all()
    codes = sorted({row["code"] for row in rows})
    history: dict[str, list] = defaultdict(list)
    for n in range(0, len(codes), 500):
        for code, kind, at in conn.execute(
                select(ev.c.dossier_code, ev.c.kind, ev.c.at)
                .where(ev.c.dossier_code.in_(codes[n:n + 500]), ev.c.kind.in_(CLOCK_EVENTS))):
            history[code].append((at, ORDER[kind], kind))
    for row in rows:
        events = sorted(history[row["code"]])
        if not events:
            continue
        moved = bisect_right(ends, events[-1][0])
        clock = clock_of(calendar, row["time_unit"])
        for i in range(row["opened"], min(moved, row["closed"])):
            progress = Progress(0, local_date(row["received_at"]))
            for at, _, kind in events:
                if at >= ends[i]:
                    break
                progress = progress.pause(clock, local_date(at)) \
                    if kind == CLOCK_EVENTS[0] else progress.resume(local_date(at))
            due = progress.due(clock, row["statutory_days"])
            change = int(due is None or due >= spans[i].day) - int(i < row["due"])
            if change:
                yield row["agency"], i, change


def _cells(req: stats.Request, spans, cells) -> dict:
    days = {p.label: p.day for p in spans}
    out, suppressed = [], 0
    for (agency, label) in cells:
        resolved, resolved_on_time, still_open, open_on_time = cells[(agency, label)]
        handled = resolved + still_open
        if handled == 0:
            continue
        dims = dict(zip(req.by, _key(req, agency, label), strict=True))
        if handled < stats.THRESHOLD:
            suppressed += 1
            out.append({**dims, "suppressed": True})
            continue
        parts = {"2.1": (resolved_on_time + open_on_time, handled),
                 "2.1.resolved": (resolved_on_time, resolved),
                 "2.1.open": (open_on_time, still_open)}
        out.append({**dims, "suppressed": False, "handled": handled,
                    "as_of": days[label].isoformat(), "figures": _figures(parts)})
    out.sort(key=lambda c: tuple(c[n] for n in req.by))
    return {"cells": out, "suppression": {
        "threshold": stats.THRESHOLD, "suppressed_cells": suppressed,
        "note": f"Cells counting fewer than {stats.THRESHOLD} dossiers handled are suppressed "
                "(figures left out) so that no single resident's case can be singled out."}}


def _figures(parts: dict) -> list[dict]:
    return [figure.measured(*parts[figure.id]) for figure in HANDLED]
