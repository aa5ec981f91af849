"""What ingestion reads from the procedures catalogue (the ``procedures`` collection's table)."""

from __future__ import annotations

from collections.abc import Iterable

import orjson
from sqlalchemy import select

from opengov.dossiers.bulk import select_in
from opengov.dossiers.clock import UNITS
from opengov.dossiers.ledger import Procedure
from opengov.procedures.collection import PROCEDURES


def procedures(store, conn, codes: Iterable[str]) -> dict[str, Procedure]:
    """The catalogue entries of ``codes`` that exist, by code."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = select_in(conn, store.table(PROCEDURES.table_name),
                     ["code", "agency_code", "field_code", "level", "postal", "delegated",
                      "legacy", "methods"], "code", wanted, raw=("methods",))
    return {r[0]: _procedure(*r) for r in rows}


def _json(value):
    """A JSON column's value as the driver gives it: text (SQLite) or decoded (PostgreSQL).
    orjson reads the methods' text (with their fee descriptions) faster than the standard
    library."""
    return orjson.loads(value) if isinstance(value, (str, bytes)) else value


def _procedure(code, agency_code, field_code, level, postal, delegated, legacy,
               methods) -> Procedure:
    times = {m["method"]: (int(m["processing_time"]), m["processing_time_unit"])
             for m in _json(methods) or () if m.get("processing_time_unit") in UNITS
             and m.get("processing_time") is not None}
    return Procedure(code, agency_code, field_code, level, bool(postal), bool(delegated),
                     bool(legacy), times)


def catalogue_records(store) -> list[dict]:
    """Every procedure as the synthetic generator reads it (code, level, flags, methods)."""
    t = store.table(PROCEDURES.table_name)
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.c.code, t.c.level, t.c.agency_code, t.c.postal,
                                   t.c.delegated, t.c.legacy, t.c.methods)
                            .order_by(t.c.code)).all()
    return [dict(r._mapping) for r in rows]


def centres(store) -> list[tuple[str, str | None]]:
    """``(centre id, commune)`` of the service centres collection, when it is loaded."""
    try:
        t = store.table("c_service_centres")
    except KeyError:
        return []
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(t.c.id, t.c.commune).order_by(t.c.id))]
