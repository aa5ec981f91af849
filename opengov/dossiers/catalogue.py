"""What ingestion reads from the procedures catalogue (the ``procedures`` collection's table)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from opengov.dossiers.clock import UNITS
from opengov.dossiers.ledger import Procedure
from opengov.procedures.collection import PROCEDURES


def procedures(store, conn, codes: Iterable[str]) -> dict[str, Procedure]:
    """The catalogue entries of ``codes`` that exist, by code."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    t = store.table(PROCEDURES.table_name)
    rows = conn.execute(select(t.c.code, t.c.agency_code, t.c.field_code, t.c.level, t.c.postal,
                               t.c.delegated, t.c.legacy, t.c.methods)
                        .where(t.c.code.in_(wanted))).all()
    return {r.code: _procedure(r) for r in rows}


def _procedure(row) -> Procedure:
    times = {m["method"]: (int(m["processing_time"]), m["processing_time_unit"])
             for m in row.methods or () if m.get("processing_time_unit") in UNITS
             and m.get("processing_time") is not None}
    return Procedure(row.code, row.agency_code, row.field_code, row.level, bool(row.postal),
                     bool(row.delegated), bool(row.legacy), times)
