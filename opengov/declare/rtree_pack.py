"""Fill an empty SQLite R*Tree with a packed tree written straight into its shadow tables.

Inserting rows one by one into an R*Tree re-balances the tree on every insert; for a table of a
million points that is most of a load. A tree built at once needs none of it: the boxes are
sorted into Sort-Tile-Recursive order (Leutenegger, Lopez and Edgington, 1997), cut into full
nodes, and each level above is built the same way from the boxes of the level below (the
approach of GDAL's GeoPackage writer). The tree is written in the R*Tree module's own format
(https://sqlite.org/rtree.html, section "Integrity Check" and ``ext/rtree/rtree.c``): the
``%_node`` blobs (2-byte depth in the root, 2-byte cell count, then cells of a 64-bit id and
4 coordinates as 32-bit big-endian floats, minimum rounded down and maximum up), the leaf of
each row in ``%_rowid`` and the parent of each node in ``%_parent``. The module reads and
updates that tree as its own afterwards (its triggers keep it in step);
``rtreecheck()`` verifies it (tests/declare/test_rtree_pack.py).
"""

from __future__ import annotations

import math
import sqlite3

import numpy as np

CELL = np.dtype([("id", ">i8"), ("box", ">f4", (4,))])  # (minx, maxx, miny, maxy)


def _down(values: np.ndarray) -> np.ndarray:
    out = values.astype(np.float32)
    high = out > values
    out[high] = np.nextafter(out[high], np.float32(-np.inf))
    return out


def _up(values: np.ndarray) -> np.ndarray:
    out = values.astype(np.float32)
    low = out < values
    out[low] = np.nextafter(out[low], np.float32(np.inf))
    return out


def str_order(boxes: np.ndarray, per_node: int) -> np.ndarray:
    """The Sort-Tile-Recursive order of ``boxes`` (rows: minx, maxx, miny, maxy): vertical
    slabs by centre x, each sorted by centre y, so consecutive ``per_node`` boxes are close."""
    count = len(boxes)
    nodes = math.ceil(count / per_node)
    slab = math.ceil(math.sqrt(nodes)) * per_node
    cx = boxes[:, 0].astype(np.float64) + boxes[:, 1]
    cy = boxes[:, 2].astype(np.float64) + boxes[:, 3]
    by_x = np.argsort(cx, kind="stable")
    slabs = np.empty(count, np.int64)
    slabs[by_x] = np.arange(count) // slab
    return np.lexsort((cy, slabs))


def _nodes(ids: np.ndarray, boxes: np.ndarray, per_node: int, node_size: int,
           depth: int | None) -> np.ndarray:
    """Node blobs (a row each) holding ``ids``/``boxes`` in order, ``per_node`` a node;
    ``depth``: written in the header (the root only)."""
    count = len(ids)
    nodes = math.ceil(count / per_node)
    cells = np.zeros(nodes * per_node, CELL)
    cells["id"][:count] = ids
    cells["box"][:count] = boxes
    blobs = np.zeros((nodes, node_size), np.uint8)
    blobs[:, 4:4 + per_node * CELL.itemsize] = cells.view(np.uint8).reshape(nodes, -1)
    fill = np.full(nodes, per_node, ">u2")
    fill[-1] = count - (nodes - 1) * per_node
    blobs[:, 2:4] = fill.view(np.uint8).reshape(nodes, 2)
    if depth is not None:
        blobs[:, 0:2] = np.array([depth], ">u2").view(np.uint8)
    return blobs


def pack_rtree(cursor, rtree: str, ids: np.ndarray, boxes: np.ndarray) -> None:
    """Write the packed tree of ``ids`` (int64) with ``boxes`` (float64 rows of minx, maxx,
    miny, maxy) into the empty R*Tree table ``rtree`` through the DB-API ``cursor`` (SQLite,
    inside the caller's transaction)."""
    if not len(ids):
        return
    node_size = cursor.execute(f'SELECT length(data) FROM "{rtree}_node" WHERE nodeno = 1'
                               ).fetchone()[0]
    per_node = (node_size - 4) // CELL.itemsize
    level_ids = np.asarray(ids, np.int64)
    level_boxes = np.column_stack([_down(boxes[:, 0]), _up(boxes[:, 1]),
                                   _down(boxes[:, 2]), _up(boxes[:, 3])])
    blobs: list[np.ndarray] = []  # per level, leaves first
    parents: list[np.ndarray] = []  # the node number each entry of a level is stored in
    next_node = 2
    while True:
        order = str_order(level_boxes, per_node)
        level_ids, level_boxes = level_ids[order], level_boxes[order]
        if len(level_ids) <= per_node:  # the root
            blobs.append(_nodes(level_ids, level_boxes, per_node, node_size, len(blobs)))
            parents.append((level_ids, np.ones(len(level_ids), np.int64)))
            break
        nodes = math.ceil(len(level_ids) / per_node)
        numbers = np.arange(next_node, next_node + nodes, dtype=np.int64)
        next_node += nodes
        blobs.append(_nodes(level_ids, level_boxes, per_node, node_size, None))
        where = np.repeat(numbers, per_node)[:len(level_ids)]
        parents.append((level_ids, where))
        starts = np.arange(0, len(level_ids), per_node)
        level_boxes = np.column_stack([
            np.minimum.reduceat(level_boxes[:, 0], starts),
            np.maximum.reduceat(level_boxes[:, 1], starts),
            np.minimum.reduceat(level_boxes[:, 2], starts),
            np.maximum.reduceat(level_boxes[:, 3], starts)])
        level_ids = numbers
    _write(cursor, rtree, blobs, parents)


def _write(cursor, rtree: str, blobs: list[np.ndarray], links: list) -> None:
    root = blobs[-1]
    cursor.execute(f'UPDATE "{rtree}_node" SET data = ? WHERE nodeno = 1', (root[0].tobytes(),))
    number = 2
    for level in blobs[:-1]:
        cursor.executemany(f'INSERT INTO "{rtree}_node" VALUES (?, ?)',
                           ((number + i, blob.tobytes()) for i, blob in enumerate(level)))
        number += len(level)
    rows, leaves = links[0]
    _write_rowids(cursor, rtree, rows, leaves)
    for children, parent in links[1:]:
        cursor.executemany(f'INSERT INTO "{rtree}_parent" VALUES (?, ?)',
                           zip(children.tolist(), parent.tolist(), strict=True))


def _write_rowids(cursor, rtree: str, rows: np.ndarray, leaves: np.ndarray) -> None:
    """The leaf of each row into ``%_rowid``. Row ids within a range not much wider than
    their count (record numbers) go in one statement reading a JSON array of the leaf of
    each id in the range (0: no row), in id order: half the time of an ``executemany``
    of a million rows (benchmarks/RESULTS.md); other ids (or no JSON functions), by row."""
    low, high = int(rows.min()), int(rows.max())
    if high - low < 2 * len(rows) + 1024:
        dense = np.zeros(high - low + 1, np.int64)  # node numbers start at 2
        dense[rows - low] = leaves
        try:
            cursor.execute(f'INSERT INTO "{rtree}_rowid" SELECT key + ?, value '
                           "FROM json_each(?) WHERE value <> 0",
                           (low, "[" + ",".join(map(str, dense.tolist())) + "]"))
            return
        except sqlite3.OperationalError:  # an SQLite built without JSON functions
            pass
    order = np.argsort(rows, kind="stable")
    cursor.executemany(f'INSERT INTO "{rtree}_rowid" VALUES (?, ?)',
                       zip(rows[order].tolist(), leaves[order].tolist(), strict=True))
