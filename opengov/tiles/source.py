"""The one query a tile needs: features whose bounding box meets the tile, via the spatial index.

Only the row id, the geometry (WKB) and the scalar public columns are read: SQLite takes
candidates from the collection's R*Tree (joined on the row id), PostGIS from its GiST index
(``&&``, bounding boxes only). Candidates that merely graze the box are removed later by
clipping, which is cheaper than an exact test per row. The statement is compiled once per
collection (:class:`~opengov.store.compiled.CompiledStatement`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, select, table
from sqlalchemy import column as sql_column

from opengov.collections import Collection
from opengov.store.compiled import CompiledStatement
from opengov.store.repository import Store


def property_columns(collection: Collection) -> tuple[str, ...]:
    """Columns published as tile attributes: scalar fields, ``i18n`` ones as ``<name>_vi/_en``."""
    return tuple(c for f in collection.fields if f.type not in ("array", "object")
                 for c in f.columns)


@dataclass
class TileRows:
    """Row ids, WKB geometries and property columns of one tile's candidates."""

    ids: list[int]
    wkb: list[bytes]
    columns: tuple[str, ...]
    values: list[tuple] = field(default_factory=list)  # one tuple per column


class TileSource:
    """Reads tile candidates of one collection."""

    def __init__(self, store: Store, collection: Collection):
        self.store = store
        self.collection = collection
        self.columns = property_columns(collection)
        self._sql = CompiledStatement.of(self._statement(), store.engine.dialect)

    def _statement(self):
        t = self.store.table(self.collection.table_name)
        wanted = [t.c._rowid, t.c.geom, *(t.c[c] for c in self.columns)]
        minx, miny, maxx, maxy = (bindparam(n) for n in ("minx", "miny", "maxx", "maxy"))
        if self.store.dialect == "postgresql":
            envelope = func.ST_MakeEnvelope(minx, miny, maxx, maxy, 4326)
            return select(*wanted).where(t.c.geom.op("&&")(envelope))
        rtree = table(f"{t.name}_rtree", sql_column("id"), sql_column("minx"),
                      sql_column("maxx"), sql_column("miny"), sql_column("maxy"))
        return (select(*wanted).select_from(rtree.join(t, t.c._rowid == rtree.c.id))
                .where(rtree.c.minx <= maxx, rtree.c.maxx >= minx,
                       rtree.c.miny <= maxy, rtree.c.maxy >= miny))

    def rows(self, conn, bounds: tuple[float, float, float, float]) -> TileRows:
        """Candidates whose bounding box meets ``bounds`` (west, south, east, north)."""
        minx, miny, maxx, maxy = bounds
        rows = self._sql.execute(conn, {"minx": minx, "miny": miny, "maxx": maxx, "maxy": maxy})
        rows = [r for r in rows if r[1] is not None]
        rows.sort(key=lambda r: r[0])  # a deterministic order: same input, same tile bytes
        if not rows:
            return TileRows([], [], self.columns, [() for _ in self.columns])
        cols = list(zip(*rows, strict=True))
        return TileRows(list(cols[0]), list(cols[1]), self.columns, cols[2:])
