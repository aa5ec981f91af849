"""``opengov load`` for a *live* declared collection: its records are written by a service,
never by a load, so a load only creates its table or, when its declaration's shape changed,
rebuilds the table from the records it holds and swaps it in (:class:`.rebuild.NextTable`).

A change that keeps every record's values (a field added, a flag changed, labels) rebuilds
without asking. A **destructive** change (a field removed or retyped, another id field or
geometry type) would lose or rewrite values, so it is refused with one line unless
``opengov load --force``; forced, values that no longer fit their new type are emptied.
"""

from __future__ import annotations

import numpy as np
import shapely
from sqlalchemy import inspect, select

from opengov.collections import Collection, Field, Registry
from opengov.declare.geometries import Geometries
from opengov.declare.readers import ReadError
from opengov.declare.rebuild import NextTable, needs_rebuild, stored_collection
from opengov.declare.records import ValueMismatch, field_value
from opengov.declare.rows import batch_rows
from opengov.geo.crs import offer, to_crs
from opengov.geo.stored_features import has_native_geometry
from opengov.loader import LoadError
from opengov.store.repository import LoadResult, Store


def destructive_changes(old: Collection, new: Collection) -> list[str]:
    """What in the change from ``old`` to ``new`` would lose or rewrite stored values."""
    before = {f.name: f for f in old.fields}
    after = {f.name: f for f in new.fields}
    reasons = [f"field {name} removed" for name in before if name not in after]
    reasons += [f"field {name} retyped ({before[name].type} → {f.type})"
                for name, f in after.items() if name in before and before[name].type != f.type]
    if old.id_field != new.id_field:
        reasons.append(f"id field changed ({old.id_field} → {new.id_field})")
    if old.geometry_type != new.geometry_type:
        reasons.append(f"geometry type changed ({old.geometry_type} → {new.geometry_type})")
    return reasons


def _converted(field: Field, values: list) -> list:
    out = []
    for value in values:
        try:
            out.append(field_value(field, value))
        except (ValueMismatch, ValueError, TypeError):
            out.append(None)  # --force: a value that no longer fits is emptied
    return out


def _values(old: Collection, field: Field, rows: list) -> list:
    """``field``'s values for ``rows`` of the old table (converted when it was retyped)."""
    if field.name == "id":  # kept in the table's id column
        return _converted(field, [r.id for r in rows])
    if not old.has_field(field.name):
        return [None] * len(rows)
    before = old.field(field.name)
    if field.type == "i18n" or before.type == "i18n":
        if field.type == before.type:
            return [{"vi": getattr(r, f"{field.name}_vi"), "en": getattr(r, f"{field.name}_en")}
                    for r in rows]
        if field.type == "i18n":
            return [{"vi": None, "en": None}] * len(rows)
        return _converted(field, [getattr(r, f"{field.name}_vi") for r in rows])
    values = [getattr(r, field.name) for r in rows]
    return values if before.type == field.type else _converted(field, values)


def _copy(store: Store, old: Collection, collection: Collection, target: NextTable,
          batch_size: int) -> None:
    """Every record of the old table into ``target``, as ``collection`` declares them."""
    registry = Registry()
    registry.register(old)
    table = Store(store.engine, registry).table(old.table_name)
    label = f"table {collection.table_name}"
    last, start = 0, 1
    while True:
        with store.engine.connect() as conn:
            rows = conn.execute(select(table).where(table.c._rowid > last)
                                .order_by(table.c._rowid).limit(batch_size)).all()
        if not rows:
            return
        columns = {f.name: _values(old, f, rows) for f in collection.fields}
        geoms = None
        if collection.spatial:
            crs84 = shapely.from_wkb([r.geom for r in rows])
            native = (to_crs(crs84, offer(collection.native_crs))
                      if has_native_geometry(collection) else None)
            geoms = Geometries(np.asarray(crs84, dtype=object), native)
        made = batch_rows(collection, columns, geoms, label, start)
        made["_source"] = [r._source for r in rows]
        made["_fetched_at"] = [r._fetched_at for r in rows]
        target.add(made, label)
        last, start = rows[-1]._rowid, start + len(rows)


def load_live(store: Store, collection: Collection, meta: str, *, force: bool = False,
              batch_size: int = 50_000) -> LoadResult | None:
    """Create the live collection's (empty) table, or rebuild it from its own records when
    its declaration's shape changed; None when there was nothing to do."""
    if not inspect(store.engine).has_table(collection.table_name):
        return NextTable(store, collection, "declaration").finish(replace=True)
    if not needs_rebuild(store, collection):
        return None
    old = stored_collection(store, collection.id)
    if old is None:  # a table made empty by `opengov serve` before any load
        return NextTable(store, collection, "declaration").finish(replace=True)
    reasons = destructive_changes(old, collection)
    if reasons and not force:
        raise LoadError(f"{meta}: {collection.id} is a live collection and its declaration "
                        f"changed destructively ({'; '.join(reasons)}); its stored records "
                        "would lose values: opengov load --force rebuilds it anyway")
    target = NextTable(store, collection, "declaration")
    try:
        _copy(store, old, collection, target, batch_size)
    except ReadError as exc:
        target.drop()
        raise LoadError(str(exc)) from None
    except BaseException:
        target.drop()
        raise
    return target.finish(replace=False, swap=True)
