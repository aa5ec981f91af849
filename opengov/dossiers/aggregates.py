"""Aggregates kept up to date at ingest: each event adds the difference it makes.

A dossier contributes to one cell of each level (:data:`~opengov.dossiers.tables.LEVELS`):
one ``received``, and once resolved one ``resolved`` and ``on_time`` or ``late`` … An event
changes the dossier, so its cells change by ``contribution(after) - contribution(before)``, and
a resolution adds one to the days histogram. :func:`recompute` / :func:`recompute_days` derive
the same tables from the dossiers; the tests prove them equal.
"""

from __future__ import annotations

from collections import defaultdict
from operator import add, itemgetter, sub

from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from opengov.dossiers.bulk import execute_columns
from opengov.dossiers.machine import RESOLVED
from opengov.dossiers.tables import CELL, COUNTS, LEVELS, Level

DAYS = ("days_taken", "statutory_days")


def cell(d: dict) -> tuple:
    return (d["month"], d["agency"], d["procedure_code"], d["commune"] or "", d["channel_in"])


def _projection(level: Level):
    """The function from a finest cell to ``level``'s cell."""
    positions = tuple(CELL.index(name) for name in level.key)
    if positions == tuple(range(len(CELL))):
        return lambda key: key
    return itemgetter(*positions)


ZERO = (0,) * len(COUNTS)


def contribution(d: dict | None) -> tuple[int, ...]:
    """What dossier ``d`` (None: no dossier) counts for, in :data:`COUNTS` order."""
    if d is None:
        return ZERO
    state = d["state"]
    resolved = state in RESOLVED
    on_time = bool(d["on_time"])
    return (1, int(resolved), int(resolved and on_time), int(resolved and not on_time),
            int(state == "withdrawn"), int(d["channel_in"] == "online"),
            int("postal" in (d["channel_in"], d["channel_out"])))


def _plus(sums: tuple | None, delta: tuple) -> tuple:
    return delta if sums is None else tuple(map(add, sums, delta))


class Deltas:
    """Differences per cell collected over a batch, written in one statement per table."""

    def __init__(self):
        self.procedure: dict[tuple, tuple] = {}
        self.counts: dict[tuple, tuple[int, ...]] = {}
        self.days: dict[tuple, int] = defaultdict(int)

    def add(self, before: dict | None, after: dict) -> None:
        """Count the change of one dossier (its cell never changes: it is set at receipt)."""
        key = cell(after)
        self.procedure[key] = (after["field_code"], after["level"])
        old, new = contribution(before), contribution(after)
        delta = new if old is ZERO else tuple(map(sub, new, old))
        self.counts[key] = _plus(self.counts.get(key), delta)
        if new[1] and not old[1]:  # resolved now, not before (a resolution is final)
            self.days[(key, after["days_taken"], after["statutory_days"])] += 1

    def write(self, store, conn) -> None:
        """Add the differences to each level's counts and days tables."""
        insert = pg_insert if store.dialect == "postgresql" else sqlite_insert
        for level in LEVELS:
            project = _projection(level)
            extra = ("field_code", "level") if "procedure_code" in level.key else ()
            counts: dict[tuple, tuple] = {}
            for key, delta in self.counts.items():
                coarse = project(key)
                counts[coarse] = _plus(counts.get(coarse), delta)
            days: dict[tuple, int] = defaultdict(int)
            for (key, taken, statutory), n in self.days.items():
                days[(*project(key), taken, statutory)] += n
            details = {project(key): self.procedure[key] for key in self.counts} if extra \
                else {}
            _upsert(store, conn, insert, level.counts, level.key, COUNTS,
                    (*level.key, *extra, *COUNTS),
                    [(*k, *details.get(k, ()), *c) for k, c in counts.items()])
            _upsert(store, conn, insert, level.days, (*level.key, *DAYS), ("dossiers",),
                    (*level.key, *DAYS, "dossiers"), [(*k, n) for k, n in days.items()])


def _upsert(store, conn, insert, table: str, key, summed, names, rows: list[tuple]) -> None:
    """Insert ``rows`` (tuples of ``names``); where their key exists, add their ``summed``
    columns."""
    if not rows:
        return
    t = store.table(table)
    statement = insert(t)
    statement = statement.on_conflict_do_update(
        index_elements=list(key), set_={n: t.c[n] + statement.excluded[n] for n in summed})
    columns = map(list, zip(*rows, strict=True))
    execute_columns(conn, statement, dict(zip(names, columns, strict=True)))


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
