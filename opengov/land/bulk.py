"""Bulk replacement of the parcels table from generated columns (``opengov synth parcels``).

Rows are built from numpy columns (features serialised once, with orjson) and written in
batches inside one write transaction; the collection version is bumped in the same
transaction, as every load does. :func:`grid_ordered` puts them in the order bbox pages read
them, so a page's rows lie together in the file (see docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import shapely
from sqlalchemy import delete, text

from opengov.geo.crs import from_crs, parse_crs
from opengov.land.collection import PARCELS
from opengov.land.native import native_row_values
from opengov.land.synth import Batch
from opengov.store.engine import write_transaction
from opengov.store.repository import Store
from opengov.store.spatial_order import cell_keys
from opengov.store.types import utcnow

PROPERTIES = ("legacy_commune", "sheet", "parcel", "commune", "area_m2", "landuse")
SCHEME_2024, SCHEME_2018 = "08/2024/TT-BTNMT", "27/2018/TT-BTNMT"


def rows(batch: Batch, source: str, ewkb: bool = False) -> list[dict]:
    """Table rows for one batch of generated parcels (``ewkb``: the geometry as hex EWKB with
    SRID 4326, as PostGIS reads it in ``COPY``)."""
    now = utcnow()
    scheme = np.where(np.char.find(batch.landuse.astype(str), "BHK") >= 0, SCHEME_2018,
                      SCHEME_2024).tolist()
    columns = [getattr(batch, name).tolist() for name in PROPERTIES]
    records = [{"id": i, **dict(zip(PROPERTIES, values, strict=True)), "landuse_scheme": s,
                "address": None}
               for i, s, *values in zip(batch.id.tolist(), scheme, *columns, strict=True)]
    out = native_row_values(PARCELS, records, batch.native)
    if ewkb:
        geoms = shapely.set_srid(shapely.from_wkb([r["geom"] for r in out]), 4326)
        for row, hexed in zip(out, shapely.to_wkb(geoms, hex=True, include_srid=True).tolist(),
                              strict=True):
            row["geom"] = hexed
    for row in out:
        row.update(_search=None, _updated_at=now, _row_version=1, _source=source,
                   _fetched_at=now)
    return out


def grid_ordered(batch: Batch) -> Batch:
    """``batch`` sorted by grid cell, then id: the order of a bbox page's walk.

    Rows get their rowids in write order, so a table written this way keeps each grid row's
    features together; a 1,000-row bbox page then reads neighbouring rows instead of rows
    spread over the whole file. (Keys come from the CRS84 bounds before the 6-decimal
    rounding of the stored ones: a feature within a micro-degree of a cell's edge may sort
    into the neighbouring cell, which costs nothing but a row read out of place.)
    """
    bounds = shapely.bounds(from_crs(batch.native, parse_crs(PARCELS.native_crs)))
    keys = cell_keys(bounds[:, 0], bounds[:, 1], bounds[:, 2], bounds[:, 3])
    order = np.lexsort((batch.id.astype(str), keys))
    return Batch(*(getattr(batch, name)[order] for name in Batch.__dataclass_fields__))


def _write_sqlite(conn, table, chunk: list[dict]) -> None:
    """``executemany`` on the driver: one prepared INSERT, values bound by sqlite3 itself."""
    names = list(chunk[0])
    dialect = conn.dialect
    process = {n: table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names}
    process = {n: p for n, p in process.items() if p is not None}
    sql = (f'INSERT INTO "{table.name}" ({", ".join(names)}) '
           f'VALUES ({", ".join("?" * len(names))})')
    rows = [tuple(process[n](r[n]) if n in process else r[n] for n in names) for r in chunk]
    conn.connection.dbapi_connection.cursor().executemany(sql, rows)


def _write_postgresql(conn, table, chunk: list[dict]) -> None:
    """``COPY … FROM STDIN``; the geometry comes as hex EWKB, the rest adapted by psycopg."""
    names = list(chunk[0])
    cursor = conn.connection.dbapi_connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({", ".join(names)}) FROM STDIN') as copy:
        for row in chunk:
            copy.write_row([row[n] for n in names])


def replace_parcels(store: Store, batches: Iterable[Batch], source: str,
                    progress: Callable[[int], None] = lambda n: None) -> tuple[int, int]:
    """Make the parcels table hold exactly the generated parcels; (count, new version)."""
    repo = store.repo(PARCELS.id)
    table = repo.table
    write = _write_postgresql if store.dialect == "postgresql" else _write_sqlite
    count = 0
    with write_transaction(store.engine) as conn:
        if store.dialect == "postgresql":
            conn.execute(text(f'TRUNCATE "{table.name}"'))
        else:
            conn.execute(delete(table))
        for batch in batches:
            chunk = rows(batch, source, ewkb=store.dialect == "postgresql")
            write(conn, table, chunk)
            count += len(chunk)
            progress(len(chunk))
        version = repo.bump_version(conn, source, count)
    repo.analyze()  # PostgreSQL: the planner's statistics of the new rows (grid-order index)
    return count, version
