"""Service-delivery statistics from the aggregates: counts, shares, days taken, suppression.

Every figure counts the dossiers *received* in the period (their month of receipt), so a month's
figures settle as its dossiers are resolved. Counts come from the coarsest aggregate level that
holds the request's groupings and filters (:func:`level_for`), days taken from its histogram,
and only "overdue now" (which depends on today) reads the dossiers, through their (state, due
date) index. A cell with fewer than :data:`THRESHOLD`
dossiers is suppressed: its figures are left out and the answer says how many were.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from opengov.dossiers.bulk import fetch_all
from opengov.dossiers.ledger import RUNNING
from opengov.dossiers.tables import COUNTS, LEVELS, Level

THRESHOLD = 5
#: ``by`` names → aggregate columns.
DIMENSIONS = {"month": "month", "agency": "agency", "procedure": "procedure_code",
              "commune": "commune", "channel": "channel_in"}
#: filter names → aggregate columns.
FILTERS = {"agency": "agency", "procedure": "procedure_code", "field": "field_code",
           "level": "level", "commune": "commune", "channel": "channel_in"}


@dataclass(frozen=True)
class Request:
    by: tuple[str, ...] = ()
    filters: dict | None = None
    start: str | None = None  # first month (YYYY-MM), inclusive
    end: str | None = None  # month after the last one (YYYY-MM), exclusive


def where(t, req: Request) -> list:
    """Conditions of ``req``'s filters and period on table ``t`` (those of its columns only)."""
    conditions = [t.c[FILTERS[name]] == value for name, value in (req.filters or {}).items()
                  if value is not None and FILTERS[name] in t.c]
    if req.start:
        conditions.append(t.c.month >= req.start)
    if req.end:
        conditions.append(t.c.month < req.end)
    return conditions


def _needs_procedures(req: Request) -> bool:
    return any((req.filters or {}).get(name) is not None for name in ("field", "level"))


def _procedure_filter(store, req: Request, t):
    """``field`` and ``level`` are procedure attributes: the aggregates keep them per cell;
    the histogram and the dossiers are matched through the monthly cells' procedures."""
    if not _needs_procedures(req) or "field_code" in t.c:
        return []
    m = store.table("dossier_monthly")
    codes = select(m.c.procedure_code).where(*[m.c[FILTERS[n]] == v for n, v in
                                               req.filters.items() if n in ("field", "level")
                                               and v is not None])
    return [t.c.procedure_code.in_(codes)]


def level_for(req: Request) -> Level:
    """The coarsest aggregate level whose key holds every grouping and filter of ``req``."""
    needed = {DIMENSIONS[name] for name in req.by} | {
        FILTERS[name] for name, value in (req.filters or {}).items() if value is not None}
    if req.start or req.end:
        needed.add("month")
    return next(lv for lv in reversed(LEVELS) if needed <= set(lv.key)
                or lv is LEVELS[0])


def compute(store, conn, req: Request, today: date, level: Level | None = None) -> dict:
    """The statistics ``req`` asks for, one cell per combination of its ``by`` values (from
    ``level``, by default the coarsest sufficient one)."""
    columns = [DIMENSIONS[name] for name in req.by]
    cells: dict[tuple, dict] = {}
    level = level or level_for(req)
    m = store.table(level.counts)
    keys = [m.c[c] for c in columns]
    rows = conn.execute(select(*keys, *(func.sum(m.c[n]) for n in COUNTS))
                        .where(*where(m, req)).group_by(*keys)).all()
    for row in rows:
        cells[tuple(row[:len(keys)])] = dict(zip(COUNTS, (int(v or 0) for v in
                                                          row[len(keys):]), strict=True))
    overdue = _overdue(store, conn, req, columns, today)
    days = _days(store, conn, req, columns, level)
    out, suppressed = [], 0
    for key in sorted(cells, key=lambda k: tuple("" if v is None else str(v) for v in k)):
        counts = cells[key]
        if counts["received"] == 0:
            continue
        dims = {name: (value if value != "" else None)
                for name, value in zip(req.by, key, strict=True)}
        if counts["received"] < THRESHOLD:
            suppressed += 1
            out.append({**dims, "suppressed": True})
            continue
        out.append({**dims, **_figures(counts, overdue.get(key, 0), days.get(key)),
                    "suppressed": False})
    return {"cells": out, "suppression": {
        "threshold": THRESHOLD, "suppressed_cells": suppressed,
        "note": f"Cells counting fewer than {THRESHOLD} dossiers are suppressed (figures left "
                "out) so that no single resident's case can be singled out."}}


def _figures(c: dict, overdue: int, days: dict | None) -> dict:
    received = c["received"]
    in_progress = received - c["resolved"] - c["withdrawn"]
    figures = {"received": received, "resolved": c["resolved"], "resolved_on_time": c["on_time"],
               "resolved_late": c["late"], "withdrawn": c["withdrawn"],
               "in_progress": in_progress, "overdue_now": overdue,
               "share_on_time": _share(c["on_time"], c["resolved"]),
               "share_online": _share(c["online"], received),
               "share_postal": _share(c["postal"], received)}
    hist = days or {}
    figures.update({"days_median": _percentile(hist.get("taken", {}), 0.5),
                    "days_p90": _percentile(hist.get("taken", {}), 0.9),
                    "statutory_days_median": _percentile(hist.get("statutory", {}), 0.5)})
    return figures


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _percentile(histogram: dict[int, int], p: float) -> int | None:
    """Nearest rank: the smallest value with at least ``p`` of the observations at or below."""
    total = sum(histogram.values())
    if not total:
        return None
    rank, seen = max(1, math.ceil(round(p * total, 9))), 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return None  # pragma: no cover - unreachable


def _overdue(store, conn, req: Request, columns: list[str], today: date) -> dict[tuple, int]:
    d = store.table("dossiers")
    keys = [func.coalesce(d.c.commune, "") if c == "commune" else d.c[c] for c in columns]
    rows = conn.execute(select(*keys, func.count()).where(
        and_(d.c.state.in_(RUNNING), d.c.due_date < today), *where(d, req))
        .group_by(*keys)).all()
    return {tuple(r[:-1]): int(r[-1]) for r in rows}


def _days(store, conn, req: Request, columns: list[str], level: Level) -> dict[tuple, dict]:
    """Per cell, the histograms of days taken and of statutory days (summed here: the rows are
    read as they are stored, which is faster than a GROUP BY over them)."""
    t = store.table(level.days)
    keys = [t.c[c] for c in columns]
    rows = fetch_all(conn, select(*keys, t.c.days_taken, t.c.statutory_days, t.c.dossiers)
                     .where(*where(t, req), *_procedure_filter(store, req, t)))
    out: dict[tuple, dict] = defaultdict(lambda: {"taken": defaultdict(int),
                                                  "statutory": defaultdict(int)})
    width = len(keys)
    for row in rows:
        cell = out[row[:width]]
        cell["taken"][row[-3]] += row[-1]
        cell["statutory"][row[-2]] += row[-1]
    return out
