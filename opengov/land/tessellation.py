"""The land sample: a gap-free, non-overlapping tessellation of parcels around Tam Kỳ and Hội An.

Deterministic for a seed (numpy ``default_rng`` and ``random.Random`` only). Per town, a rotated
street grid (:mod:`opengov.land.lots`) is laid over a window around the centre: narrow deep urban
lots in the core, house-and-garden lots in the village belt, paddies and gardens outside; the road
strips between blocks are parcels too (DGT, or DTL canals in the fields). The window is then cut
by the legacy-commune partition of the 2025 communes, so every parcel lies in exactly one legacy
and one current commune, and the parcels are noded (:func:`opengov.geo.coverage.node_coverage`)
so that neighbours share every vertex of their common edges. Planning zones (coarse cells) and
price zones (half street-cells along each road in town, coarse cells in the fields) are cut the
same way, so each covers the parcels.

All coordinates are EPSG:5899 metres, rounded to the millimetre.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.strtree import STRtree

from opengov.geo.coverage import node_coverage
from opengov.land import lots as L
from opengov.land.places import TOWNS, Town, communes, legacy_cells, town_origin

SEED = 2024
SHEET_M = 500.0  # map sheets: 500 m squares of the town grid
PLAN_CELL = (4, 8)  # planning / rural price zone: 4 × 8 street cells (≈ 512 × 464 m)
MM = 0.001
SLIVER_M = 0.5  # pieces whose mean width (2·area/perimeter) is below this are dropped


@dataclass
class Piece:
    """One output polygon with its attributes (before ids and numbering)."""

    geometry: shapely.Geometry
    props: dict


@dataclass
class Sample:
    parcels: list[dict] = field(default_factory=list)  # {"id", props…, "geometry": native}
    zones: list[dict] = field(default_factory=list)
    prices: list[dict] = field(default_factory=list)


def _frame(town: Town):
    """(to_native(x, y) for grid coordinates, grid width, grid height)."""
    e0, n0 = town_origin(town)
    w, h = town.cols * L.PITCH_X, town.rows * L.PITCH_Y
    a = math.radians(town.angle_deg)
    ca, sa = math.cos(a), math.sin(a)

    def place(x, y):
        x, y = np.asarray(x) - w / 2, np.asarray(y) - h / 2
        return e0 + ca * x - sa * y, n0 + sa * x + ca * y

    return place, w, h


def _polygons(place, x0, y0, x1, y1) -> np.ndarray:
    rings = L.rectangles(x0, y0, x1, y1)
    e, n = place(rings[..., 0], rings[..., 1])
    return shapely.polygons(np.round(np.stack([e, n], -1), 3))


def _block_kinds(town: Town, rng: np.random.Generator):
    i, j = np.meshgrid(np.arange(town.cols), np.arange(town.rows), indexing="ij")
    i, j = i.ravel(), j.ravel()
    bx, by = i * L.PITCH_X, j * L.PITCH_Y
    cx, cy = bx + L.BLOCK_W / 2 - town.cols * L.PITCH_X / 2, by + L.BLOCK_D / 2 - \
        town.rows * L.PITCH_Y / 2
    d = np.hypot(cx, cy) * rng.uniform(0.9, 1.1, len(i))
    kind = np.where(d < town.urban_m, L.URBAN, np.where(d < town.village_m, L.VILLAGE,
                                                         L.FIELDS))
    public = (kind == L.URBAN) & (rng.random(len(i)) < 0.05)
    kind = np.where(public, L.PUBLIC, kind)
    return i, j, bx.astype(float), by.astype(float), kind


URBAN_USES = (("ODT", 0.78), ("ODT+CLN", 0.08), ("ODT+TMD", 0.07), ("TMD", 0.05),
              ("TIN", 0.02))
VILLAGE_USES = (("ONT+CLN", 0.6), ("ONT", 0.25), ("CLN", 0.1), ("BHK", 0.05))
FIELD_USES = (("LUC", 0.5), ("LUK", 0.14), ("HNK", 0.1), ("CLN", 0.1), ("NTS", 0.06),
              ("BHK", 0.04), ("LUN", 0.01), ("BCS", 0.03), ("NKH", 0.02))
PUBLIC_USES = ("DGD", "DYT", "TSC", "DVH", "DTT", "TON")
RETIRED = {"BHK", "LUN", "NHK", "DDL"}


def _choose(rng: np.random.Generator, table, n: int) -> np.ndarray:
    codes = np.array([c for c, _ in table], dtype=object)
    weights = np.array([w for _, w in table])
    return codes[rng.choice(len(codes), size=n, p=weights / weights.sum())]


def _town_pieces(town: Town, rng: np.random.Generator) -> tuple[list[Piece], list[Piece],
                                                                 list[Piece]]:
    """Parcels, planning zones and price zones of one town window (grid coordinates placed)."""
    place, w, h = _frame(town)
    i, j, bx, by, kind = _block_kinds(town, rng)
    lots = L.subdivide(bx, by, kind, rng)
    k = kind[lots.block]
    use = np.empty(len(lots), dtype=object)
    for code, table in ((L.URBAN, URBAN_USES), (L.VILLAGE, VILLAGE_USES),
                        (L.FIELDS, FIELD_USES)):
        mask = k == code
        use[mask] = _choose(rng, table, int(mask.sum()))
    pub = k == L.PUBLIC
    use[pub] = np.array(PUBLIC_USES, dtype=object)[rng.integers(0, len(PUBLIC_USES),
                                                                  int(pub.sum()))]
    # The street a lot fronts: row 0 faces the road south of its block, row 1 the one north.
    road_row = j[lots.block] - 1 + lots.row
    streets = town.streets
    parcels = []
    geoms = _polygons(place, lots.x0, lots.y0, lots.x1, lots.y1)
    for n in range(len(lots)):
        urban = k[n] in (L.URBAN, L.PUBLIC)
        street = streets[int(road_row[n]) % len(streets)] if road_row[n] >= 0 else None
        parcels.append(Piece(geoms[n], {
            "landuse": use[n], "street": street if urban else None,
            "side": int(lots.row[n]), "u": float(lots.x0[n]), "road_row": int(road_row[n]),
            "village": int(j[lots.block[n]] // 6) + 1}))
    # Road strips: streets in town, canals and field roads outside.
    rx0, ry0, rx1, ry1, horiz, ri, rj = L.road_pieces(town.cols, town.rows)
    rgeoms = _polygons(place, rx0, ry0, rx1, ry1)
    ccx = (rx0 + rx1) / 2 - w / 2
    ccy = (ry0 + ry1) / 2 - h / 2
    town_road = np.hypot(ccx, ccy) < town.village_m
    for n in range(len(rx0)):
        code = "DGT" if town_road[n] or (horiz[n] and rj[n] % 4 == 3) else "DTL"
        street = streets[int(rj[n]) % len(streets)] if horiz[n] and town_road[n] else None
        parcels.append(Piece(rgeoms[n], {"landuse": code, "street": street, "side": 0,
                                          "u": float(rx0[n]), "road_row": -1, "village": 0}))
    zones = _plan_zones(town, place, w, h, rng)
    prices = _price_zones(town, place, i, j, kind, w, h, rng)
    return parcels, zones, prices


def _coarse_cells(town: Town):
    ci, cj = PLAN_CELL
    xs = np.arange(0, town.cols, ci)
    ys = np.arange(0, town.rows, cj)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    gx, gy = gx.ravel(), gy.ravel()
    x0, y0 = gx * L.PITCH_X, gy * L.PITCH_Y
    x1 = np.minimum(gx + ci, town.cols) * L.PITCH_X
    y1 = np.minimum(gy + cj, town.rows) * L.PITCH_Y
    return x0.astype(float), y0.astype(float), x1.astype(float), y1.astype(float)


def _plan_zones(town: Town, place, w, h, rng) -> list[Piece]:
    x0, y0, x1, y1 = _coarse_cells(town)
    d = np.hypot((x0 + x1) / 2 - w / 2, (y0 + y1) / 2 - h / 2)
    geoms = _polygons(place, x0, y0, x1, y1)
    out = []
    for n in range(len(x0)):
        if d[n] < town.urban_m + 250:
            use = "ODT"
        elif d[n] < town.village_m + 250:
            use = "ONT" if rng.random() < 0.7 else "TMD"
        else:
            use = "LUC" if rng.random() < 0.7 else ("CLN" if rng.random() < 0.6 else "SKN")
        out.append(Piece(geoms[n], {"planned_use": use}))
    return out


def _price_zones(town: Town, place, i, j, kind, w, h, rng) -> list[Piece]:
    """Half street-cells along each road in town (position 1 on main streets), coarse cells
    of agricultural prices outside."""
    out: list[Piece] = []
    in_town = kind != L.FIELDS
    ci, cj = i[in_town], j[in_town]
    x0, y0 = ci * L.PITCH_X, cj * L.PITCH_Y
    mid = y0 + L.BLOCK_D / 2
    top = y0 + L.PITCH_Y
    d = np.hypot(x0 + L.PITCH_X / 2 - w / 2, mid - h / 2)
    base = np.maximum(4.0e6, 30.0e6 * np.exp(-d / 700.0))
    south = _polygons(place, x0.astype(float), y0.astype(float), (x0 + L.PITCH_X).astype(float),
                      mid.astype(float))
    north = _polygons(place, x0.astype(float), mid.astype(float),
                      (x0 + L.PITCH_X).astype(float), top.astype(float))
    urban = kind[in_town] != L.VILLAGE
    for n in range(len(ci)):
        for geom, road_row in ((south[n], cj[n] - 1), (north[n], cj[n])):
            main = road_row % 4 == 3
            position = 1 if main else 2
            street = town.streets[int(road_row) % len(town.streets)] if road_row >= 0 else None
            out.append(Piece(geom, {
                "road": street, "segment": f"Đoạn {int(ci[n]) // 4 + 1}", "position": position,
                "land_type": "ODT" if urban[n] else "ONT",
                "price_vnd_m2": float(round(base[n] * (1.0 if main else 0.6), -4))}))
    # Fields: coarse cells minus the town cells above.
    town_cells = shapely.union_all(_polygons(
        place, (i[in_town] * L.PITCH_X).astype(float), (j[in_town] * L.PITCH_Y).astype(float),
        ((i[in_town] + 1) * L.PITCH_X).astype(float), ((j[in_town] + 1) * L.PITCH_Y).astype(
            float)))
    cx0, cy0, cx1, cy1 = _coarse_cells(town)
    cells = _polygons(place, cx0, cy0, cx1, cy1)
    dist = np.hypot((cx0 + cx1) / 2 - w / 2, (cy0 + cy1) / 2 - h / 2)
    for n, cell in enumerate(cells):
        rest = shapely.difference(cell, town_cells)
        if rest.is_empty:
            continue
        position = 1 if dist[n] < 1500 else (2 if dist[n] < 2200 else 3)
        out.append(Piece(rest, {"road": None, "segment": None, "position": position,
                                "land_type": "LUC",
                                "price_vnd_m2": float(90_000 - 15_000 * position)}))
    return out


def _cut(pieces: list[Piece], cells: list[tuple[str, str, shapely.Geometry]],
         min_area: float = 0.5) -> list[tuple[Piece, str, str, shapely.Geometry]]:
    """Each piece cut by the (commune, legacy, polygon) partition; polygons only."""
    geoms = np.array([p.geometry for p in pieces])
    tree = STRtree(geoms)
    out = []
    for commune, legacy, cell in cells:
        shapely.prepare(cell)
        idx = tree.query(cell, predicate="intersects")
        if not len(idx):
            continue
        inside = shapely.contains_properly(cell, geoms[idx])
        cut = geoms[idx].copy()
        cut[~inside] = shapely.intersection(geoms[idx[~inside]], cell, grid_size=MM)
        for n, geom in zip(idx, cut, strict=True):
            for part in _polygon_parts(geom):
                # Clipping leaves slivers along commune lines; narrower than half a metre
                # they are dropped (they would collapse at the 0.1 m grid of CRS84 output).
                if part.area >= min_area and 2 * part.area / part.length >= SLIVER_M:
                    out.append((pieces[n], commune, legacy, part))
    return out


def _polygon_parts(geom) -> Iterable[shapely.Polygon]:
    if geom.is_empty:
        return ()
    if geom.geom_type == "Polygon":
        return (geom,)
    return tuple(g for g in getattr(geom, "geoms", ()) if g.geom_type == "Polygon")


def partition(seed: int = SEED, window=None) -> list[tuple[str, str, shapely.Geometry]]:
    """(commune code, legacy commune code, EPSG:5899 polygon) cells covering the communes."""
    out = []
    for c in communes():
        if window is not None and not c.geometry.intersects(window):
            continue
        for legacy, geom in legacy_cells(c, seed):
            out.append((c.code, legacy, geom))
    return out


def _number(items: list[tuple[Piece, str, str, shapely.Geometry]]):
    """Sheet and parcel numbers: sheets are 500 m squares numbered per legacy commune in
    reading order; parcels numbered per sheet in reading order (north to south, west to east)."""
    pts = shapely.point_on_surface(np.array([g for *_, g in items]))
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    sx, sy = np.floor(x / SHEET_M).astype(int), np.floor(y / SHEET_M).astype(int)
    legacy = np.array([it[2] for it in items])
    sheets: dict[str, dict[tuple[int, int], int]] = {}
    for code in np.unique(legacy):
        mask = legacy == code
        keys = sorted(set(zip(-sy[mask], sx[mask], strict=True)))
        sheets[code] = {(-a, b): n + 1 for n, (a, b) in enumerate(keys)}
    sheet = np.array([sheets[legacy[n]][(sy[n], sx[n])] for n in range(len(items))])
    order = np.lexsort((x, -y, sheet, legacy))
    parcel = np.zeros(len(items), int)
    last, count = None, 0
    for n in order:
        key = (legacy[n], sheet[n])
        count = count + 1 if key == last else 1
        last = key
        parcel[n] = count
    return sheet, parcel


def generate(seed: int = SEED, towns: tuple[Town, ...] = TOWNS) -> Sample:
    """The land sample: parcels, planning zones and price zones (EPSG:5899 geometries)."""
    rng = np.random.default_rng(seed)
    names = {c.code: c.name for c in communes()}
    sample = Sample()
    for t_index, town in enumerate(towns):
        parcels, zones, prices = _town_pieces(town, rng)
        window = shapely.union_all([p.geometry for p in zones])
        cells = partition(seed, window)
        cut = _cut(parcels, cells)
        noded = node_coverage(np.array([g for *_, g in cut], dtype=object), MM)
        cut = [(p, c, lg, g) for (p, c, lg, _), g in zip(cut, noded, strict=True)]
        sheet, number = _number(cut)
        houses: dict[tuple, int] = {}
        for n, (piece, commune, legacy, geom) in enumerate(cut):
            sample.parcels.append(_parcel_record(piece, commune, legacy, int(sheet[n]),
                                                 int(number[n]), geom, names, houses))
        for kind, pieces, out in (("qh", zones, sample.zones), ("gia", prices, sample.prices)):
            counter: dict[str, int] = {}
            for piece, commune, _legacy, geom in _cut(pieces, [(c, c, g) for c, g in
                                                               _communes_in(window)]):
                counter[commune] = counter.get(commune, 0) + 1
                out.append({"id": f"{kind}-{commune}-{t_index}{counter[commune]:04d}",
                            "commune": commune, **_zone_props(kind, piece),
                            "geometry": geom})
    return sample


def _communes_in(window) -> list[tuple[str, shapely.Geometry]]:
    return [(c.code, c.geometry) for c in communes() if c.geometry.intersects(window)]


def _zone_props(kind: str, piece: Piece) -> dict:
    if kind == "qh":
        return {"planned_use": piece.props["planned_use"], "plan_period": "2021-2030",
                "decision": "QĐ 1124/QĐ-UBND (mẫu)", "approved_on": "2022-06-15"}
    return {**piece.props, "year": 2026, "decision": "QĐ 45/2025/QĐ-UBND (mẫu)"}


def _parcel_record(piece: Piece, commune: str, legacy: str, sheet: int, number: int, geom,
                   names: dict[str, str], houses: dict) -> dict:
    landuse = piece.props["landuse"]
    scheme = "27/2018/TT-BTNMT" if set(landuse.split("+")) & RETIRED else "08/2024/TT-BTNMT"
    street = piece.props["street"]
    if street and landuse not in ("DGT", "DTL"):
        key = (commune, street, piece.props["road_row"], piece.props["side"])
        houses[key] = houses.get(key, 0) + 1
        house = 2 * houses[key] - (1 if piece.props["side"] else 0)
        address = f"Số {house} {street}, {names[commune]}"
    elif street:
        address = f"Đường {street}, {names[commune]}"
    else:
        address = f"Thôn {piece.props['village']}, {names[commune]}"
    return {"id": f"{legacy}-{sheet}-{number}", "legacy_commune": legacy, "sheet": sheet,
            "parcel": number, "commune": commune, "area_m2": round(geom.area, 1),
            "landuse": landuse, "landuse_scheme": scheme, "address": address, "geometry": geom}
