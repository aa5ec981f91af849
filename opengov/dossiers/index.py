"""The figures of the service-delivery index computable from dossiers, per agency and month.

Read from the same incremental aggregates as :mod:`opengov.dossiers.stats` (the coarsest level
holding the request, by channel in), so the answer never scans the dossiers: counts per channel
from the counts table, early resolutions and days taken from the days histogram (a dossier is
early when it took fewer days than its statutory time). Same cohort (month of receipt) and the
same suppression of cells under :data:`~opengov.dossiers.stats.THRESHOLD` dossiers.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import case, func, select

from opengov.dossiers import stats
from opengov.dossiers.index_terms import COMPUTED
from opengov.dossiers.ledger import CHANNELS

DIMENSIONS = ("agency", "month")
_COUNTS = ("received", "resolved", "on_time", "late")


def compute(store, conn, req: stats.Request) -> dict:
    """Cells of ``req.by`` (``agency``, ``month``) with the figures of :data:`COMPUTED`."""
    level = stats.level_for(stats.Request(by=(*req.by, "channel"), filters=req.filters,
                                          start=req.start, end=req.end))
    counts = _counts(store, conn, req, level)
    days = _days(store, conn, req, level)
    per_procedure = bool((req.filters or {}).get("procedure"))
    cells, suppressed = [], 0
    for key in sorted(counts):
        c = counts[key]
        if c["received"] == 0:
            continue
        dims = dict(zip(req.by, key, strict=True))
        if c["received"] < stats.THRESHOLD:
            suppressed += 1
            cells.append({**dims, "suppressed": True})
            continue
        figures = _figures(c, days.get(key, (0, 0, 0)), per_procedure)
        cells.append({**dims, "suppressed": False, "received": c["received"],
                      "figures": figures})
    return {"cells": cells, "suppression": {
        "threshold": stats.THRESHOLD, "suppressed_cells": suppressed,
        "note": f"Cells counting fewer than {stats.THRESHOLD} dossiers are suppressed "
                "(figures left out) so that no single resident's case can be singled out."}}


def _counts(store, conn, req: stats.Request, level) -> dict[tuple, dict]:
    m = store.table(level.counts)
    keys = [m.c[stats.DIMENSIONS[n]] for n in req.by]
    rows = conn.execute(select(*keys, m.c.channel_in, *(func.sum(m.c[n]) for n in _COUNTS))
                        .where(*stats.where(m, req)).group_by(*keys, m.c.channel_in)).all()
    out: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys((*_COUNTS, *CHANNELS), 0))
    width = len(keys)
    for row in rows:
        cell = out[tuple(row[:width])]
        values = dict(zip(_COUNTS, (int(v or 0) for v in row[width + 1:]), strict=True))
        for name, value in values.items():
            cell[name] += value
        cell[row[width]] += values["received"]
    return out


def _days(store, conn, req: stats.Request, level) -> dict[tuple, tuple[int, int, int]]:
    """Per cell: resolved dossiers early, days taken summed, resolved dossiers counted."""
    t = store.table(level.days)
    keys = [t.c[stats.DIMENSIONS[n]] for n in req.by]
    early = func.sum(case((t.c.days_taken < t.c.statutory_days, t.c.dossiers), else_=0))
    rows = conn.execute(select(*keys, early, func.sum(t.c.days_taken * t.c.dossiers),
                               func.sum(t.c.dossiers))
                        .where(*stats.where(t, req)).group_by(*keys)).all()
    width = len(keys)
    return {tuple(r[:width]): tuple(int(v or 0) for v in r[width:]) for r in rows}


def _figures(c: dict, days: tuple[int, int, int], per_procedure: bool) -> list[dict]:
    early, days_sum, days_n = days
    parts = {"2.1": (c["on_time"], c["resolved"]), "2.1.early": (early, c["resolved"]),
             "2.1.on_due_date": (c["on_time"] - early, c["resolved"]),
             "2.1.late": (c["late"], c["resolved"]), "2.2": (days_sum, days_n),
             **{f"3.3.{ch}": (c[ch], c["received"]) for ch in CHANNELS}}
    return [figure.measured(*parts[figure.id]) for figure in COMPUTED
            if figure.needs != "procedure" or per_procedure]
