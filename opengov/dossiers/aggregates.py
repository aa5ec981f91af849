"""Monthly aggregates, kept up to date at ingest: each event adds the difference it makes.

A dossier contributes to one cell (month of receipt, agency, procedure, commune, channel in):
one ``received``, and once resolved one ``resolved`` and ``on_time`` or ``late`` … An event
changes the dossier, so the cell changes by ``contribution(after) - contribution(before)``;
:func:`recompute` derives the same table from the dossiers, and the tests prove them equal.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from opengov.dossiers.machine import RESOLVED
from opengov.dossiers.tables import CELL, COUNTS


def cell(d: dict) -> tuple:
    return (d["month"], d["agency"], d["procedure_code"], d["commune"] or "", d["channel_in"])


def contribution(d: dict | None) -> dict[str, int]:
    if d is None:
        return dict.fromkeys(COUNTS, 0)
    resolved = d["state"] in RESOLVED
    return {"received": 1, "resolved": int(resolved),
            "on_time": int(resolved and bool(d["on_time"])),
            "late": int(resolved and not d["on_time"]),
            "withdrawn": int(d["state"] == "withdrawn"),
            "online": int(d["channel_in"] == "online"),
            "postal": int("postal" in (d["channel_in"], d["channel_out"]))}


class Deltas:
    """Differences per cell collected over a batch, written in one statement."""

    def __init__(self):
        self.cells: dict[tuple, dict] = {}
        self.counts: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
        self.days: dict[tuple, int] = defaultdict(int)

    def add(self, before: dict | None, after: dict) -> None:
        key = cell(after)
        self.cells[key] = {"field_code": after["field_code"], "level": after["level"]}
        old, new = contribution(before), contribution(after)
        counts = self.counts[key]
        for name in COUNTS:
            counts[name] += new[name] - old[name]
        if new["resolved"] and not old["resolved"]:  # a resolution is final
            self.days[(*key, after["days_taken"], after["statutory_days"])] += 1

    def write(self, store, conn) -> None:
        if not self.counts:
            return
        t = store.table("dossier_monthly")
        insert = pg_insert if store.dialect == "postgresql" else sqlite_insert
        statement = insert(t)
        statement = statement.on_conflict_do_update(
            index_elements=list(CELL),
            set_={name: t.c[name] + statement.excluded[name] for name in COUNTS})
        conn.execute(statement, [{**dict(zip(CELL, key, strict=True)), **self.cells[key],
                                  **counts} for key, counts in self.counts.items()])
        if self.days:
            t = store.table("dossier_days")
            statement = insert(t)
            statement = statement.on_conflict_do_update(
                index_elements=[*CELL, "days_taken", "statutory_days"],
                set_={"dossiers": t.c.dossiers + statement.excluded.dossiers})
            conn.execute(statement, [
                {**dict(zip((*CELL, "days_taken", "statutory_days"), key, strict=True)),
                 "dossiers": n} for key, n in self.days.items()])


def recompute(store, conn) -> list[tuple]:
    """The aggregate table derived from the dossiers, sorted by cell (for comparisons)."""
    d = store.table("dossiers")
    resolved = d.c.state.in_(RESOLVED)
    columns = [d.c.month, d.c.agency, d.c.procedure_code, func.coalesce(d.c.commune, ""),
               d.c.channel_in]
    counts = [func.count(),
              func.sum(case((resolved, 1), else_=0)),
              func.sum(case((resolved & d.c.on_time.is_(True), 1), else_=0)),
              func.sum(case((resolved & d.c.on_time.is_(False), 1), else_=0)),
              func.sum(case((d.c.state == "withdrawn", 1), else_=0)),
              func.sum(case((d.c.channel_in == "online", 1), else_=0)),
              func.sum(case(((d.c.channel_in == "postal") | (d.c.channel_out == "postal"), 1),
                            else_=0))]
    rows = conn.execute(select(*columns, *counts).group_by(*columns)).all()
    return sorted(tuple(r[:5]) + tuple(int(v) for v in r[5:]) for r in rows)


def recompute_days(store, conn) -> list[tuple]:
    """The ``dossier_days`` histogram derived from the dossiers, sorted."""
    d = store.table("dossiers")
    columns = [d.c.month, d.c.agency, d.c.procedure_code, func.coalesce(d.c.commune, ""),
               d.c.channel_in, d.c.days_taken, d.c.statutory_days]
    rows = conn.execute(select(*columns, func.count()).where(d.c.state.in_(RESOLVED))
                        .group_by(*columns)).all()
    return sorted(tuple(r[:5]) + tuple(int(v) for v in r[5:]) for r in rows)


def stored_days(store, conn) -> list[tuple]:
    t = store.table("dossier_days")
    rows = conn.execute(select(t).where(t.c.dossiers > 0)).all()
    return sorted(tuple(r) for r in rows)


def stored(store, conn) -> list[tuple]:
    """The incremental table's cells with at least one dossier, sorted like :func:`recompute`."""
    t = store.table("dossier_monthly")
    rows = conn.execute(select(*(t.c[n] for n in CELL), *(t.c[n] for n in COUNTS))
                        .where(t.c.received > 0)).all()
    return sorted(tuple(r) for r in rows)
