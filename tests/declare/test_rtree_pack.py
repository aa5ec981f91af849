"""The packed R*Tree a load writes into SQLite's shadow tables is one SQLite accepts as its
own: ``rtreecheck`` finds nothing wrong, a box query finds exactly the rows a scan finds, and
the tree stays right when rows are inserted and deleted afterwards (by SQLite's own code)."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from opengov.declare.rtree_pack import pack_rtree

BOX = "minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?"


def boxes(count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(102.1, 109.5, count), rng.uniform(8.5, 23.4, count)
    w = np.where(rng.random(count) < 0.5, 0.0, rng.uniform(0, 0.05, count))  # points and areas
    return np.column_stack([x, x + w, y, y + w])


def packed(count: int, seed: int = 1, step: int = 3) -> tuple[sqlite3.Connection, np.ndarray]:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE TABLE t (rowid INTEGER PRIMARY KEY, minx, maxx, miny, maxy)")
    conn.execute("CREATE VIRTUAL TABLE t_rtree USING rtree(id, minx, maxx, miny, maxy)")
    data = boxes(count, seed)
    ids = np.arange(1, count + 1) * step  # record numbers need not be dense
    conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)",
                     [(int(i), *b) for i, b in zip(ids, data.tolist(), strict=True)])
    conn.execute("BEGIN")
    pack_rtree(conn.cursor(), "t_rtree", ids, data)
    conn.execute("COMMIT")
    return conn, data


def found(conn: sqlite3.Connection, table: str, box: tuple) -> set[int]:
    west, south, east, north = box
    column = "id" if table.endswith("rtree") else "rowid"
    return {r[0] for r in conn.execute(f"SELECT {column} FROM {table} WHERE {BOX}",
                                       (east, west, north, south))}


@pytest.mark.parametrize("step", [1, 3])  # dense ids (one JSON statement) or sparse (by row)
@pytest.mark.parametrize("count", [0, 1, 51, 52, 2_700, 150_000])
def test_a_packed_tree_is_valid_and_answers_as_a_scan(count, step):
    conn, _ = packed(count, step=step)
    assert conn.execute("SELECT rtreecheck('t_rtree')").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM t_rtree").fetchone()[0] == count
    for box in [(107.9, 15.5, 108.3, 16.1), (102.0, 8.0, 110.0, 24.0), (105.0, 20.0, 105.01,
                                                                         20.01)]:
        assert found(conn, "t_rtree", box) == found(conn, "t", box)


def test_the_tree_stays_right_when_sqlite_changes_it_afterwards():
    conn, _ = packed(20_000, seed=2)
    conn.execute("BEGIN")
    conn.execute("DELETE FROM t_rtree WHERE id % 2 = 0")
    conn.execute("DELETE FROM t WHERE rowid % 2 = 0")
    for i, (a, b, c, d) in enumerate(boxes(3_000, seed=3).tolist()):
        conn.execute("INSERT INTO t_rtree VALUES (?, ?, ?, ?, ?)", (10**6 + i, a, b, c, d))
        conn.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", (10**6 + i, a, b, c, d))
    conn.execute("COMMIT")
    assert conn.execute("SELECT rtreecheck('t_rtree')").fetchone()[0] == "ok"
    box = (107.0, 14.0, 108.5, 16.5)
    assert found(conn, "t_rtree", box) == found(conn, "t", box)


def test_stored_boxes_contain_the_exact_ones():
    conn, data = packed(5_000, seed=4)
    stored = np.array(conn.execute("SELECT minx, maxx, miny, maxy FROM t_rtree ORDER BY id")
                      .fetchall())
    assert (stored[:, [0, 2]] <= data[:, [0, 2]]).all()
    assert (stored[:, [1, 3]] >= data[:, [1, 3]]).all()
