"""Land reads beyond a page of features: point lookup and area statistics. No HTTP here."""

from __future__ import annotations

import shapely
from sqlalchemy import Float, LargeBinary, and_, bindparam, column, func, select, table

from opengov.land.collection import PARCELS, PRICES, ZONES
from opengov.lru import LRU
from opengov.store.compiled import CompiledStatement
from opengov.store.repository import Store

LOOKUP = (("parcel", PARCELS), ("zone", ZONES), ("price", PRICES))


def _containing(store: Store, collection, x, y):
    """Scalar subquery: the stored Feature (bytes) of the first feature containing (x, y).

    SQLite: R*Tree candidates whose box holds the point, then the exact test on those only;
    PostgreSQL: ``ST_Intersects`` through the GiST index. Ties (a point on a shared boundary)
    go to the smallest id.
    """
    repo = store.repo(collection.id)
    t = repo.table
    if store.dialect == "postgresql":
        where = func.ST_Intersects(t.c.geom, func.ST_SetSRID(func.ST_MakePoint(x, y), 4326))
    else:
        rtree = table(f"{t.name}_rtree", column("id"), column("minx"), column("maxx"),
                      column("miny"), column("maxy"))
        candidates = select(rtree.c.id).where(rtree.c.minx <= x, rtree.c.maxx >= x,
                                              rtree.c.miny <= y, rtree.c.maxy >= y)
        where = and_(t.c._rowid.in_(candidates),
                     func.og_intersects(t.c.geom, bindparam("wkb", type_=LargeBinary)) == 1)
    return select(repo.feature_bytes()).where(where).order_by(t.c.id).limit(1).scalar_subquery()


def _lookup_statement(store: Store) -> CompiledStatement:
    """One round trip: the three collection versions and the three containing features."""
    x, y = bindparam("x", type_=Float), bindparam("y", type_=Float)
    state = store.table("collection_state")
    versions = [select(state.c.version).where(state.c.collection_id == c.id).scalar_subquery()
                for _, c in LOOKUP]
    features = [_containing(store, c, x, y) for _, c in LOOKUP]
    return CompiledStatement.of(select(*versions, *features), store.engine.dialect)


def _statement(store: Store) -> CompiledStatement:
    """The lookup statement, compiled once per store (kept in ``store.caches``)."""
    statement = store.caches.get("land.lookup")
    if statement is None:
        statement = store.caches.setdefault("land.lookup", _lookup_statement(store))
    return statement  # type: ignore[return-value]


def lookup(store: Store, lon: float, lat: float, conn) -> tuple[tuple, dict[str, bytes | None]]:
    """``(versions, features)``: the versions of parcels, zones and prices, and the stored
    Feature of the parcel, planning zone and price zone containing the point (or None)."""
    values: dict = {"x": lon, "y": lat}
    if store.dialect == "sqlite":
        values["wkb"] = shapely.to_wkb(shapely.Point(lon, lat))
    [row] = _statement(store).execute(conn, values)
    versions = tuple(v or 0 for v in row[:3])
    return versions, {key: row[3 + n] for n, (key, _) in enumerate(LOOKUP)}


AREA_STATS_KEPT = 64  # area statistics kept per store, by (parcels version, commune filter)


def area_stats(store: Store, version: int, communes: tuple[str, ...] | None, conn) -> dict:
    """Area (m²) and parcel count per land-use value per current commune.

    Mixed uses count under their recorded value (``ODT+CLN``), so the areas add up to the total
    exactly. Cached per collection version.
    """
    cache = store.caches.get("land.area_stats")
    if cache is None:
        cache = store.caches.setdefault("land.area_stats", LRU(AREA_STATS_KEPT))
    return cache.get_or_compute((version, communes),  # type: ignore[union-attr]
                                lambda: _compute(store, communes, conn))


def _compute(store: Store, communes, conn) -> dict:
    t = store.repo(PARCELS.id).table
    stmt = (select(t.c.commune, t.c.landuse, func.sum(t.c.area_m2), func.count())
            .group_by(t.c.commune, t.c.landuse).order_by(t.c.commune, t.c.landuse))
    if communes:
        stmt = stmt.where(t.c.commune.in_(communes))
    by_commune: dict[str, dict] = {}
    for commune, landuse, area, count in conn.execute(stmt):
        entry = by_commune.setdefault(commune, {"commune": commune, "area_m2": 0.0,
                                                "parcels": 0, "landuse": []})
        entry["landuse"].append({"code": landuse, "area_m2": round(area, 1), "parcels": count})
        entry["area_m2"] += area
        entry["parcels"] += count
    items = list(by_commune.values())
    for entry in items:
        entry["area_m2"] = round(entry["area_m2"], 1)
    return {"area_m2": round(sum(e["area_m2"] for e in items), 1),
            "parcels": sum(e["parcels"] for e in items), "communes": items}
