"""Upstream records → rows of the collection, each checked with the collection's schema.

A record that does not fit is rejected with its reason; the others are written. A rejected
record that was published before keeps its last good version (it is neither changed nor
removed), so a glitch upstream does not delete data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from opengov.collections import Collection
from opengov.gateway.config import Source
from opengov.gateway.connectors import Upstream
from opengov.gateway.mapping import lookup, map_record
from opengov.store.records import RecordError, row_values

MAX_REASONS = 100


@dataclass
class Checked:
    rows: list[dict] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    rejected_ids: list[str] = field(default_factory=list)


def _upstream_id(source: Source, collection: Collection, item: Upstream) -> str | None:
    for m in source.fields:
        if m.target == collection.id_field and m.source and isinstance(item.properties, dict):
            value = lookup(item.properties, m.source)
            return None if value in (None, "") else str(value)
    return None


def check(source: Source, collection: Collection, items: list[Upstream]) -> Checked:
    """Rows for the valid records, reasons for the others (in upstream order)."""
    out, seen = Checked(), set()
    for position, item in enumerate(items, start=1):
        try:
            if item.problem:
                raise RecordError(item.problem)
            record = map_record(source.fields, item.properties)
            geometry = source.geometry.geometry(item.properties, item.geometry) \
                if source.geometry else None
            row = row_values(collection, record, geometry)
            if row["id"] in seen:
                raise RecordError(f"duplicate id {row['id']!r}")
        except (RecordError, ValueError, TypeError) as exc:
            upstream_id = _upstream_id(source, collection, item)
            if upstream_id is not None and upstream_id not in seen:
                out.rejected_ids.append(upstream_id)
            out.rejects.append({"record": position, "id": upstream_id, "reason": str(exc)})
            continue
        seen.add(row["id"])
        out.rows.append(row)
    return out


def kept_rows(store, collection: Collection, ids: list[str]) -> list[dict]:
    """The published versions of ``ids`` as unchanged rows (same id and hash)."""
    if not ids:
        return []
    t = store.table(collection.table_name)
    with store.engine.connect() as conn:
        return [{"id": r[0], "_hash": r[1]} for r in conn.execute(
            select(t.c.id, t.c._hash).where(t.c.id.in_(ids)))]
