"""Per-zoom generalisation of a tile's geometries, vectorised with shapely 2.

Geometries are projected into tile units (4096 per tile side, y down) and then, for the whole
tile at once:

1. polygons are simplified *as a coverage* (``shapely.coverage_simplify``): an edge shared by two
   neighbours is simplified once, so a tessellation stays free of gaps and overlaps. Whole
   features are simplified before clipping, and an edge's simplification depends only on its own
   vertices and end nodes, so the same edge comes out the same in every tile that shows it. The
   step is skipped when no vertex is removable (every vertex's Visvalingam triangle is already
   larger than the tolerance, or the vertex is a node), the usual case for parcels at the zooms
   where they are shown;
2. lines are simplified one by one; points are left alone;
3. everything is clipped to the tile plus a buffer;
4. every coordinate is rounded to the integer tile grid *point by point*, so a vertex shared by
   neighbours lands on the same grid point in both: shared edges stay shared. A polygon that
   rounding makes invalid (a neck or sliver narrower than a grid unit collapses; the MVT spec
   forbids self-intersecting rings) is snap-rounded instead (``shapely.set_precision``), which
   keeps it valid on the grid and drops what collapses;
5. polygons are oriented the way MVT wants (exterior rings with positive area in tile units).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from opengov.tiles.grid import BUFFER, EXTENT, Tile, tile_transform

#: Simplification tolerance in tile units (4096 per side): half a pixel of a 512-pixel tile.
TOLERANCE = 4.0

_POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)
_LINEAR = (shapely.GeometryType.LINESTRING, shapely.GeometryType.MULTILINESTRING)


@dataclass
class Generalised:
    """Geometries in tile units and, for each, the index of its input row."""

    geometries: np.ndarray
    rows: np.ndarray


def _removable_vertices(polygons: np.ndarray, tolerance: float) -> bool:
    """Whether coverage simplification could remove anything in sight: some vertex inside the
    clipped area spans a triangle smaller than ``tolerance²`` with its ring neighbours
    (Visvalingam–Whyatt's measure) and is not a node of the coverage. Nodes — vertices with
    other than two distinct neighbours over all rings, e.g. where three parcels meet — are
    always kept, so rectangles of a tessellation seen at a zoom where they are a few units
    wide need no simplification at all."""
    rings = shapely.get_rings(shapely.get_parts(polygons))
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    if len(coords) < 4:
        return False
    # Each ring without its closing vertex; prev/next neighbours wrap around the ring.
    open_ = np.ones(len(coords), dtype=bool)
    open_[:-1] = ring[:-1] == ring[1:]
    open_[-1] = False
    pts, ring = coords[open_], ring[open_]
    first = np.ones(len(ring), dtype=bool)
    first[1:] = ring[1:] != ring[:-1]
    starts = np.flatnonzero(first)
    ends = np.append(starts[1:], len(ring)) - 1
    prev = np.arange(len(ring)) - 1
    prev[starts] = ends
    nxt = np.arange(len(ring)) + 1
    nxt[ends] = starts
    u, v = pts[prev] - pts, pts[nxt] - pts
    cross = u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0]
    # Only what can be seen counts: outside the clipped area, a subset's fringe polygons have
    # lost the neighbours that make their vertices nodes.
    small = (0.5 * np.abs(cross) < tolerance * tolerance) & np.all(
        (pts >= -BUFFER) & (pts <= EXTENT + BUFFER), axis=1)
    if not small.any():
        return False
    key = np.ascontiguousarray(pts).view(np.complex128).ravel()
    edges = np.unique(np.concatenate((
        np.stack((key, key[prev]), axis=1), np.stack((key, key[nxt]), axis=1))).view(
        [("v", np.complex128), ("n", np.complex128)]).ravel())
    vertices, degree = np.unique(edges["v"], return_counts=True)
    node = degree[np.searchsorted(vertices, key)] != 2
    return bool(np.any(small & ~node))


def _on_grid(geoms: np.ndarray, polygonal: np.ndarray) -> np.ndarray:
    rounded = shapely.transform(geoms, np.rint)
    broken = polygonal & ~shapely.is_valid(rounded)
    if broken.any():
        rounded[broken] = shapely.set_precision(geoms[broken], 1.0)
    return rounded


def generalise(wkb: list[bytes], tile: Tile, tolerance: float = TOLERANCE) -> Generalised:
    """Project, simplify, clip, snap to the tile grid and orient the geometries of one tile."""
    geoms = shapely.transform(shapely.from_wkb(wkb), tile_transform(tile))
    kinds = shapely.get_type_id(geoms)
    polygonal = np.isin(kinds, _POLYGONAL)
    if polygonal.any() and _removable_vertices(geoms[polygonal], tolerance):
        geoms[polygonal] = shapely.coverage_simplify(geoms[polygonal], tolerance)
    linear = np.isin(kinds, _LINEAR)
    if linear.any():
        geoms[linear] = shapely.simplify(geoms[linear], tolerance)
    extended = polygonal | linear
    geoms[extended] = shapely.clip_by_rect(geoms[extended], -BUFFER, -BUFFER,
                                           EXTENT + BUFFER, EXTENT + BUFFER)
    geoms = _on_grid(geoms, polygonal)
    geoms[polygonal] = shapely.orient_polygons(geoms[polygonal], exterior_cw=False)
    keep = ~shapely.is_empty(geoms)
    return Generalised(geoms[keep], np.flatnonzero(keep))
