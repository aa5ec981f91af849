"""Street blocks cut into lots: the shared geometric core of the sample and of ``synth``.

Everything here works on axis-aligned rectangles ``(x0, y0, x1, y1)`` in a local metric frame
(numpy arrays, no per-lot Python objects), so a million lots cost a few numpy passes. Callers
rotate and place the result in VN-2000 / TM-3 (EPSG:5899) metres.

A *cell* of the street grid is a block plus the road strips on two of its sides; the cells of a
grid tile the plane, and the lots of a block tile the block, so the result is gap-free and
non-overlapping by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BLOCK_W, BLOCK_D = 120.0, 50.0  # a street block, metres (long side along the street)
ROAD = 8.0  # street width
PITCH_X, PITCH_Y = BLOCK_W + ROAD, BLOCK_D + ROAD

# Block kinds and how they are cut.
URBAN, VILLAGE, FIELDS, PUBLIC = 0, 1, 2, 3


@dataclass
class Lots:
    """Rectangles plus, per lot, the block it belongs to and its row (0: south, 1: north)."""

    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray
    block: np.ndarray
    row: np.ndarray

    def __len__(self) -> int:
        return len(self.x0)


def _cuts(n_blocks: int, rows: np.ndarray, low: np.ndarray, high: np.ndarray,
          rng: np.random.Generator):
    """Lot boundaries along each (block, row): widths drawn in [low, high), last lot padded.

    Returns (row owner index, start, end) arrays over all lots, starts relative to the block.
    """
    owner = np.repeat(np.arange(n_blocks), rows)  # one entry per (block, row)
    lo, hi = low[owner], high[owner]
    most = int(np.ceil(BLOCK_W / lo.min())) + 1
    widths = rng.uniform(lo[:, None], hi[:, None], size=(len(owner), most))
    ends = np.cumsum(widths, axis=1)
    keep = ends < BLOCK_W - lo[:, None] * 0.6  # the last lot absorbs the rest of the row
    ends = np.where(keep, ends, np.inf)
    count = keep.sum(axis=1) + 1
    which = np.repeat(np.arange(len(owner)), count)
    start_idx = np.concatenate([[0], np.cumsum(count)[:-1]])
    position = np.arange(count.sum()) - np.repeat(start_idx, count)
    flat_ends = np.concatenate([ends, np.full((len(owner), 1), BLOCK_W)], axis=1)
    flat_ends = np.sort(flat_ends, axis=1)
    end = flat_ends[which, position]
    start = np.where(position == 0, 0.0, flat_ends[which, np.maximum(position - 1, 0)])
    end = np.minimum(end, BLOCK_W)
    return which, owner, start, end


def subdivide(bx: np.ndarray, by: np.ndarray, kind: np.ndarray,
              rng: np.random.Generator) -> Lots:
    """Cut blocks with south-west corners ``(bx, by)`` into lots according to ``kind``.

    Urban blocks: two back-to-back rows of narrow deep lots (4–8 m × 25 m). Village blocks: two
    rows of house-and-garden lots (12–25 m). Fields: one row of paddies/gardens (15–45 m × 50 m).
    Public blocks: one lot (a school, clinic, office…).
    """
    n = len(bx)
    rows = np.where((kind == URBAN) | (kind == VILLAGE), 2, 1)
    low = np.select([kind == URBAN, kind == VILLAGE, kind == FIELDS], [4.0, 12.0, 15.0], 200.0)
    high = np.select([kind == URBAN, kind == VILLAGE, kind == FIELDS], [8.0, 25.0, 45.0], 201.0)
    which, owner, start, end = _cuts(n, rows, low, high, rng)
    block = owner[which]
    # Row number of each (block, row) entry: 0 for the first of its block, 1 for the second.
    first = np.concatenate([[True], owner[1:] != owner[:-1]])
    row_of_entry = np.where(first, 0, 1)
    row = row_of_entry[which]
    depth = BLOCK_D / rows[block]
    y0 = by[block] + row * depth
    return Lots(bx[block] + start, y0, bx[block] + end, y0 + depth, block, row)


def road_pieces(cols: int, rows: int, segment: int = 4):
    """Road strips of a ``cols`` × ``rows`` street grid, as rectangles in the grid frame.

    The east strip of each block (between two blocks of a row) and the north strip of each block
    row, cut every ``segment`` blocks; together with the blocks they tile
    ``[0, cols·PITCH_X] × [0, rows·PITCH_Y]``. Returns (x0, y0, x1, y1, horizontal, i, j).
    """
    i, j = np.meshgrid(np.arange(cols), np.arange(rows), indexing="ij")
    i, j = i.ravel(), j.ravel()
    vx0 = i * PITCH_X + BLOCK_W
    vy0 = j * PITCH_Y
    k, jj = np.meshgrid(np.arange(-(-cols // segment)), np.arange(rows), indexing="ij")
    k, jj = k.ravel(), jj.ravel()
    hx0 = k * segment * PITCH_X
    hx1 = np.minimum((k + 1) * segment * PITCH_X, cols * PITCH_X)
    hy0 = jj * PITCH_Y + BLOCK_D
    x0 = np.concatenate([vx0, hx0]).astype(float)
    y0 = np.concatenate([vy0, hy0]).astype(float)
    x1 = np.concatenate([vx0 + ROAD, hx1]).astype(float)
    y1 = np.concatenate([vy0 + BLOCK_D, hy0 + ROAD]).astype(float)
    horizontal = np.concatenate([np.zeros(len(vx0), bool), np.ones(len(hx0), bool)])
    return x0, y0, x1, y1, horizontal, np.concatenate([i, k * segment]), np.concatenate([j, jj])


def rectangles(x0, y0, x1, y1) -> np.ndarray:
    """``(n, 5, 2)`` closed counter-clockwise rings of the rectangles."""
    return np.stack([np.stack([x0, y0], -1), np.stack([x1, y0], -1), np.stack([x1, y1], -1),
                     np.stack([x0, y1], -1), np.stack([x0, y0], -1)], axis=1)
