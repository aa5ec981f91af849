"""Aggregates kept up to date at ingest: each event adds the difference it makes.

A dossier contributes to one cell of each level (:data:`~opengov.dossiers.tables.LEVELS`):
one ``received``, and once resolved one ``resolved`` and ``on_time`` or ``late`` … An event
changes the dossier, so its cells change by ``contribution(after) - contribution(before)``, and
a resolution adds one to the days histogram. :func:`recompute` / :func:`recompute_days` derive
the same tables from the dossiers; the tests prove them equal.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from opengov.dossiers.bulk import execute_many
from opengov.dossiers.machine import RESOLVED
from opengov.dossiers.tables import CELL, COUNTS, LEVELS, Level

DAYS = ("days_taken", "statutory_days")


def cell(d: dict) -> tuple:
    return (d["month"], d["agency"], d["procedure_code"], d["commune"] or "", d["channel_in"])


def _positions(level: Level) -> tuple[int, ...]:
    return tuple(CELL.index(name) for name in level.key)


def _project(fine: tuple, positions: tuple[int, ...]) -> tuple:
    return tuple(fine[i] for i in positions)


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


def _sum_into(target: dict[str, int], counts: dict[str, int]) -> None:
    for name in COUNTS:
        target[name] += counts[name]


class Deltas:
    """Differences per cell collected over a batch, written in one statement per table."""

    def __init__(self):
        self.procedure: dict[tuple, dict] = {}
        self.counts: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
        self.days: dict[tuple, int] = defaultdict(int)

    def add(self, before: dict | None, after: dict) -> None:
        key = cell(after)
        self.procedure[key] = {"field_code": after["field_code"], "level": after["level"]}
        old, new = contribution(before), contribution(after)
        _sum_into(self.counts[key], {n: new[n] - old[n] for n in COUNTS})
        if new["resolved"] and not old["resolved"]:  # a resolution is final
            self.days[(key, after["days_taken"], after["statutory_days"])] += 1

    def write(self, store, conn) -> None:
        insert = pg_insert if store.dialect == "postgresql" else sqlite_insert
        for level in LEVELS:
            at = _positions(level)
            counts: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
            extra: dict[tuple, dict] = {}
            for key, delta in self.counts.items():
                _sum_into(counts[_project(key, at)], delta)
                if "procedure_code" in level.key:
                    extra[_project(key, at)] = self.procedure[key]
            days: dict[tuple, int] = defaultdict(int)
            for (key, taken, statutory), n in self.days.items():
                days[(*_project(key, at), taken, statutory)] += n
            _upsert(store, conn, insert, level.counts, level.key, COUNTS,
                    [{**dict(zip(level.key, k, strict=True)), **extra.get(k, {}), **c}
                     for k, c in counts.items()])
            _upsert(store, conn, insert, level.days, (*level.key, *DAYS), ("dossiers",),
                    [{**dict(zip((*level.key, *DAYS), k, strict=True)), "dossiers": n}
                     for k, n in days.items()])


def _upsert(store, conn, insert, table: str, key, summed, rows: list[dict]) -> None:
    """Insert ``rows``; where their key exists, add their ``summed`` columns."""
    if not rows:
        return
    t = store.table(table)
    statement = insert(t)
    statement = statement.on_conflict_do_update(
        index_elements=list(key), set_={n: t.c[n] + statement.excluded[n] for n in summed})
    execute_many(conn, statement, rows)


def _keys(d, level: Level) -> list:
    return [func.coalesce(d.c.commune, "") if n == "commune" else d.c[n] for n in level.key]


def recompute(store, conn, level: Level = LEVELS[0]) -> list[tuple]:
    """``level``'s counts table derived from the dossiers, sorted by cell (for comparisons)."""
    d = store.table("dossiers")
    resolved = d.c.state.in_(RESOLVED)
    keys = _keys(d, level)
    counts = [func.count(),
              func.sum(case((resolved, 1), else_=0)),
              func.sum(case((resolved & d.c.on_time.is_(True), 1), else_=0)),
              func.sum(case((resolved & d.c.on_time.is_(False), 1), else_=0)),
              func.sum(case((d.c.state == "withdrawn", 1), else_=0)),
              func.sum(case((d.c.channel_in == "online", 1), else_=0)),
              func.sum(case(((d.c.channel_in == "postal") | (d.c.channel_out == "postal"), 1),
                            else_=0))]
    rows = conn.execute(select(*keys, *counts).group_by(*keys)).all()
    width = len(keys)
    return sorted(tuple(r[:width]) + tuple(int(v) for v in r[width:]) for r in rows)


def stored(store, conn, level: Level = LEVELS[0]) -> list[tuple]:
    """``level``'s counts table (cells with at least one dossier), sorted like
    :func:`recompute`."""
    t = store.table(level.counts)
    rows = conn.execute(select(*(t.c[n] for n in level.key), *(t.c[n] for n in COUNTS))
                        .where(t.c.received > 0)).all()
    return sorted(tuple(r) for r in rows)


def recompute_days(store, conn, level: Level = LEVELS[0]) -> list[tuple]:
    """``level``'s days histogram derived from the dossiers, sorted."""
    d = store.table("dossiers")
    keys = [*_keys(d, level), d.c.days_taken, d.c.statutory_days]
    rows = conn.execute(select(*keys, func.count()).where(d.c.state.in_(RESOLVED))
                        .group_by(*keys)).all()
    width = len(level.key)
    return sorted(tuple(r[:width]) + tuple(int(v) for v in r[width:]) for r in rows)


def stored_days(store, conn, level: Level = LEVELS[0]) -> list[tuple]:
    t = store.table(level.days)
    rows = conn.execute(select(*(t.c[n] for n in (*level.key, *DAYS, "dossiers")))
                        .where(t.c.dossiers > 0)).all()
    return sorted(tuple(r) for r in rows)
