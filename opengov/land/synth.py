"""``opengov synth parcels``: a million parcels over the whole former province, for benchmarks.

Street cells (:mod:`opengov.land.lots`) on one province-wide grid aligned with the EPSG:5899
axes; a cell is kept with a probability that follows the settlement density (the towns of the
spatial sample, :data:`opengov.synth.geo_sample.QUANG_NAM`, plus a thin rural background that
fades towards the western hills), and kept cells are cut into urban lots, village lots or fields
by that same density. Cells never overlap, so parcels never do; the province is not covered
(hills stay mostly empty). Everything is numpy arrays end to end.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import shapely

from opengov.land import lots as L
from opengov.land.places import communes, to_native
from opengov.synth.geo_sample import QUANG_NAM

URBAN_LOTS, VILLAGE_LOTS, FIELD_LOTS = 40.0, 8.0, 4.0  # mean lots per kept cell, by kind


@dataclass
class Batch:
    """Parcels as columns; geometries as a shapely array in EPSG:5899."""

    id: np.ndarray
    legacy_commune: np.ndarray
    sheet: np.ndarray
    parcel: np.ndarray
    commune: np.ndarray
    area_m2: np.ndarray
    landuse: np.ndarray
    native: np.ndarray


def _density(e: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Settlement density in [0, 1] at EPSG:5899 points: towns plus a rural background."""
    towns = QUANG_NAM.towns
    centres = to_native(shapely.points([(t.lon, t.lat) for t in towns]))
    d = np.zeros(len(e))
    for town, centre in zip(towns, centres, strict=True):
        r = town.radius_km * 1000.0
        dist2 = (e - centre.x) ** 2 + (n - centre.y) ** 2
        d = np.maximum(d, town.weight * np.exp(-dist2 / (2 * (0.45 * r) ** 2)))
    east = (e - e.min()) / max(float(np.ptp(e)), 1.0)  # 0 west (hills) … 1 east (coast)
    return np.maximum(d, 0.02 + 0.10 * east ** 2)


def _cells(count: int, rng: np.random.Generator):
    """Kept street cells (south-west corners, commune index, kind) for about ``count`` lots."""
    units = communes()
    province = shapely.union_all([u.geometry for u in units])
    minx, miny, maxx, maxy = province.bounds
    xs = np.arange(minx, maxx, L.PITCH_X)
    ys = np.arange(miny, maxy, L.PITCH_Y)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    gx, gy = gx.ravel(), gy.ravel()
    cx, cy = gx + L.BLOCK_W / 2, gy + L.BLOCK_D / 2
    shapely.prepare(province)
    inside = shapely.contains_xy(province, cx, cy)
    gx, gy, cx, cy = gx[inside], gy[inside], cx[inside], cy[inside]
    density = _density(cx, cy)
    kind = np.where(density > 0.35, L.URBAN, np.where(density > 0.12, L.VILLAGE, L.FIELDS))
    per_cell = np.select([kind == L.URBAN, kind == L.VILLAGE], [URBAN_LOTS, VILLAGE_LOTS],
                         FIELD_LOTS)
    weight = density * per_cell
    scale = count / weight.sum()
    chance = np.minimum(1.0, weight * scale * 1.03 / per_cell)
    keep = rng.random(len(gx)) < chance
    # A small count can draw too few cells (or none): keep the likeliest cells, with room to spare.
    enough = int(np.ceil(2 * count / FIELD_LOTS)) + 1
    if keep.sum() < enough:
        keep[np.argsort(-chance, kind="stable")[:enough]] = True
    gx, gy, cx, cy, kind = gx[keep], gy[keep], cx[keep], cy[keep], kind[keep]
    tree = shapely.STRtree([u.geometry for u in units])
    pts = shapely.points(cx, cy)
    which = np.full(len(gx), -1)
    pi, ui = tree.query(pts, predicate="within")
    which[pi] = ui
    ok = which >= 0
    return gx[ok], gy[ok], which[ok], kind[ok], units


LANDUSE = {L.URBAN: (("ODT", 0.8), ("ODT+CLN", 0.1), ("ODT+TMD", 0.06), ("TMD", 0.04)),
           L.VILLAGE: (("ONT+CLN", 0.6), ("ONT", 0.25), ("CLN", 0.15)),
           L.FIELDS: (("LUC", 0.45), ("LUK", 0.1), ("HNK", 0.12), ("CLN", 0.15), ("RSX", 0.1),
                      ("NTS", 0.04), ("BHK", 0.04))}


def generate_parcels(count: int, seed: int) -> Batch:
    """Exactly ``count`` parcels (fewer only if the province cannot hold them)."""
    rng = np.random.default_rng(seed)
    gx, gy, which, kind, units = _cells(count, rng)
    lots = L.subdivide(gx, gy, kind, rng)
    order = rng.permutation(len(lots))[:count] if len(lots) > count else np.arange(len(lots))
    order.sort()
    x0, y0, x1, y1 = lots.x0[order], lots.y0[order], lots.x1[order], lots.y1[order]
    block = lots.block[order]
    k = kind[block]
    use = np.empty(len(order), dtype=object)
    for code, table in LANDUSE.items():
        mask = k == code
        values = np.array([c for c, _ in table], dtype=object)
        p = np.array([w for _, w in table])
        use[mask] = values[rng.choice(len(values), size=int(mask.sum()), p=p / p.sum())]
    native = shapely.polygons(np.round(L.rectangles(x0, y0, x1, y1), 3))
    unit = which[block]
    commune = np.array([units[i].code for i in range(len(units))], dtype=object)[unit]
    legacy_choice = np.array([units[i].legacy_codes[0] for i in range(len(units))],
                             dtype=object)[unit]
    # Sheets: 500 m squares numbered per legacy commune; parcels numbered per sheet.
    sx = np.floor(x0 / 500.0).astype(np.int64)
    sy = np.floor(y0 / 500.0).astype(np.int64)
    sheet_key = sx * 1_000_003 + sy
    legacy_idx = np.unique(legacy_choice, return_inverse=True)[1]
    _, sheet = np.unique(np.stack([legacy_idx, sheet_key]), axis=1, return_inverse=True)
    sheet = sheet.ravel()
    sheet_no = _rank_within(legacy_idx, sheet) + 1
    parcel_no = _rank_within(sheet, np.arange(len(order))) + 1
    ids = np.char.add(np.char.add(np.char.add(legacy_choice.astype(str), "-"),
                                  np.char.add(sheet_no.astype(str), "-")),
                      parcel_no.astype(str))
    return Batch(ids.astype(object), legacy_choice, sheet_no, parcel_no, commune,
                 np.round(shapely.area(native), 1), use, native)


def _rank_within(group: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Dense rank (0-based) of ``key`` within each ``group``."""
    order = np.lexsort((key, group))
    g, k = group[order], key[order]
    new_group = np.concatenate([[True], g[1:] != g[:-1]])
    new_key = new_group | np.concatenate([[True], k[1:] != k[:-1]])
    dense = np.cumsum(new_key)
    start = np.maximum.accumulate(np.where(new_group, dense, 0))
    out = np.empty(len(order), dtype=np.int64)
    out[order] = dense - start
    return out


def batches(batch: Batch, size: int = 50_000) -> Iterator[Batch]:
    """``batch`` in slices of ``size`` parcels."""
    for start in range(0, len(batch.id), size):
        s = slice(start, start + size)
        yield Batch(*(getattr(batch, f)[s] for f in Batch.__dataclass_fields__))
