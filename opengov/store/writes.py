"""The write path of a collection's repository: whole-collection loads and version bumps.

Mixed into :class:`opengov.store.repository.Repository`, which provides ``store``,
``collection``, ``table``, ``state()`` and ``_native_crs``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import orjson
import shapely
from sqlalchemy import bindparam, insert, select, update

from opengov.geo.crs import to_crs
from opengov.geo.geojson import feature_json
from opengov.geo.stored_features import NATIVE_FEATURE, NATIVE_GEOMETRY
from opengov.store import summary
from opengov.store.engine import write_transaction
from opengov.store.types import utcnow


@dataclass
class LoadResult:
    collection: str
    new: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    version: int = 0

    @property
    def touched(self) -> bool:
        return bool(self.new or self.changed or self.removed)



class WritePath:
    """Loads that make a collection's table hold exactly the given rows."""

    def replace_all(self, rows: Iterable[dict], source: str,
                    fetched_at: datetime | None = None) -> LoadResult:
        """Make the table hold exactly ``rows`` (prepared by :func:`records.row_values`).

        Unchanged rows keep their ``_updated_at`` so ``updated_since`` stays meaningful; the
        collection version is bumped in the same transaction only when something changed.
        """
        rows = [self._with_native(r) for r in rows]
        ids = [r["id"] for r in rows]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{self.collection.id}: duplicate record ids in load")
        now = utcnow()
        result = LoadResult(self.collection.id)
        t = self.table
        with write_transaction(self.store.engine) as conn:
            existing = {r[0]: (r[1], r[2]) for r in conn.execute(
                select(t.c.id, t.c._hash, t.c._row_version))}
            inserts, updates = [], []
            for row in rows:
                row = {**row, "_source": source, "_fetched_at": fetched_at or now}
                old = existing.pop(row["id"], None)
                if old is None:
                    inserts.append({**row, "_updated_at": now, "_row_version": 1})
                elif old[0] != row["_hash"]:
                    updates.append({**row, "_updated_at": now, "_row_version": old[1] + 1,
                                    "b_id": row["id"]})
                else:
                    result.unchanged += 1
            if inserts:
                conn.execute(insert(t), inserts)
            if updates:
                values = {k: bindparam(k) for k in updates[0] if k not in ("id", "b_id")}
                conn.execute(update(t).where(t.c.id == bindparam("b_id")).values(values), updates)
            if existing:
                conn.execute(t.delete().where(t.c.id.in_(list(existing))))
            result.new, result.changed, result.removed = len(inserts), len(updates), len(existing)
            result.version = self._bump(conn, source, now, len(rows), result.touched)
        if result.touched:
            self.analyze()
        return result

    def analyze(self) -> None:
        """PostgreSQL: refresh the planner's statistics of the table after a load, including
        those of expression indexes (the grid order of :mod:`opengov.store.spatial_order`),
        which only ``ANALYZE`` gathers; without them a fresh table's bbox page may be planned
        as a sort of every match. SQLite plans these queries from the indexes alone."""
        if self.store.dialect != "postgresql":
            return
        with self.store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                f'ANALYZE "{self.table.name}"')

    def _with_native(self, row: dict) -> dict:
        """Fill the native-CRS geometry columns of a row that came without them (a CRS84 load
        of a collection whose native CRS differs): transformed from CRS84, so approximate."""
        if self._native_crs is None or row.get(NATIVE_FEATURE) is not None \
                or row.get("geom") is None:
            return row
        geom = to_crs(shapely.from_wkb(row["geom"]), self._native_crs)
        properties = orjson.loads(row["_feature"]).get("properties") or {}
        return {**row, NATIVE_GEOMETRY: shapely.to_wkb(geom),
                NATIVE_FEATURE: feature_json(row["id"], geom, properties)}

    def bump_version(self, conn, source: str, count: int) -> int:
        """Record a bulk write of ``count`` rows done on ``conn`` (inside its transaction)."""
        return self._bump(conn, source, utcnow(), count, True)

    def _bump(self, conn, source: str, now: datetime, count: int, touched: bool) -> int:
        """Record a load in the state row: a new version (with its summary, computed here
        inside the load's transaction) when ``touched``, else only ``loaded_at``."""
        st = self.store.table("collection_state")
        current = self.state(conn)
        if current.modified is None:
            conn.execute(insert(st).values(collection_id=self.collection.id, version=1,
                                           modified=now, record_count=count, source=source,
                                           loaded_at=now, **self._summary(conn, 1)))
            return 1
        if not touched:
            conn.execute(update(st).where(st.c.collection_id == self.collection.id)
                         .values(loaded_at=now))
            return current.version
        conn.execute(update(st).where(st.c.collection_id == self.collection.id).values(
            version=current.version + 1, modified=now, record_count=count, source=source,
            loaded_at=now, **self._summary(conn, current.version + 1)))
        return current.version + 1

    def _summary(self, conn, version: int) -> dict:
        """The state row's ``summary`` value for ``version`` (none on a schema without it)."""
        if not self.store.keeps_summaries:
            return {}
        return {"summary": summary.compute(conn, self.collection, self.table).to_json(version)}
