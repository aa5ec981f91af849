"""Polygonal coverages (tessellations) that stay gap-free on a coordinate grid.

Rectangles laid side by side, clipped, transformed and rounded leave T-junctions: a corner of one
polygon lying on the middle of its neighbour's edge. Rounded to a grid, that corner moves off the
edge and a sliver gap or overlap appears, which GIS tools (and ``shapely.coverage_is_valid``)
report. :func:`node_coverage` rebuilds such polygons from their noded, snap-rounded boundaries
so that every shared edge has the same vertices on both sides.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.strtree import STRtree


def node_coverage(geoms: np.ndarray, grid: float) -> np.ndarray:
    """``geoms`` (an almost-tessellation) as a valid coverage of Polygons on ``grid``.

    The boundaries are unioned with snap-rounding to ``grid`` and polygonised; each face goes to
    the input polygon containing it (faces in gaps or overlaps to the nearest one). A polygon
    whose faces fall apart (a neck narrower than the grid) keeps its largest part; the rest joins
    the neighbour it shares most boundary with, so every output is one Polygon.
    """
    geoms = np.asarray(geoms, dtype=object)
    lines = shapely.union_all(shapely.boundary(geoms), grid_size=grid)
    faces = np.asarray(shapely.get_parts(shapely.polygonize(shapely.get_parts(lines))))
    points = shapely.point_on_surface(faces)
    tree = STRtree(geoms)
    owner = np.full(len(faces), -1)
    face_index, geom_index = tree.query(points, predicate="within")
    owner[face_index] = geom_index
    lost = np.flatnonzero(owner < 0)
    if len(lost):
        owner[lost] = tree.query_nearest(points[lost], all_matches=False)[1]
    out = _merge(faces, owner, len(geoms))
    for n in np.flatnonzero(shapely.get_type_id(out) != 3):
        _keep_largest_part(out, n)
    return out


def _merge(faces: np.ndarray, owner: np.ndarray, count: int) -> np.ndarray:
    order = np.argsort(owner, kind="stable")
    bounds = np.searchsorted(owner[order], np.arange(count + 1))
    out = np.empty(count, dtype=object)
    for n in range(count):
        mine = faces[order[bounds[n]:bounds[n + 1]]]
        out[n] = mine[0] if len(mine) == 1 else shapely.coverage_union_all(mine)
    return out


def _keep_largest_part(out: np.ndarray, n: int) -> None:
    parts = sorted(shapely.get_parts(out[n]), key=lambda p: p.area, reverse=True)
    out[n] = parts[0]
    tree = STRtree(out)
    for part in parts[1:]:
        candidates = [m for m in tree.query(part, predicate="touches") if m != n]
        if not candidates:
            continue
        shared = shapely.length(shapely.intersection(part.boundary, out[candidates]))
        m = candidates[int(np.argmax(shared))]
        merged = shapely.coverage_union_all([out[m], part])
        if shapely.get_type_id(merged) == 3:
            out[m] = merged
