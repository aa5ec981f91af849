"""The statements of a grid walk (issue 18): a page whose box starts with many nearly empty
grid rows runs a few statements, not one per row, on SQLite and PostgreSQL; and the walk
still serves every match once (against brute force). Statements are counted by the database
(SQLite's trace callback, PostgreSQL's ``auto_explain``), not timed."""

from __future__ import annotations

import json

import pytest
import shapely

from opengov import query as q
from opengov.store.grid_walk import GROWTH, MAX_PARTS, next_size
from opengov.store.spatial_order import CELLS_PER_DEGREE
from tests.store.test_spatial_pages import brute_force, load_units, walk

SPARSE_ROWS = 300


def sparse_then_dense():
    """One small square in each of 300 grid rows from 15.0° north, then 400 packed in a
    0.01° square; two more widen the extent beyond the test box's columns."""
    shapes = []
    for i in range(SPARSE_ROWS):
        x, y = 108.1 + (i * 0.0137) % 0.3, 15.0 + (i + 0.5) / CELLS_PER_DEGREE
        shapes.append(shapely.box(x, y, x + 0.0001, y + 0.0001))
    for i in range(400):
        x, y = 108.2 + (i % 20) * 0.0005, 15.4 + (i // 20) * 0.0005
        shapes.append(shapely.box(x, y, x + 0.0001, y + 0.0001))
    shapes += [shapely.box(107.9, 15.0, 107.9001, 15.0001),
               shapely.box(108.6, 15.5, 108.6001, 15.5001)]
    return shapes


BOX = (108.05, 14.99, 108.45, 15.45)


@pytest.fixture
def sparse(empty_app, monkeypatch):
    from opengov.store import spatial_pages

    monkeypatch.setattr(spatial_pages, "INDEX_CANDIDATES", -1)  # always walk the grid rows
    return load_units(empty_app, sparse_then_dense())


def statements_run(r, run) -> int:
    """Statements reading ``r``'s table while ``run(conn)`` runs, counted by the database."""
    with r.store.engine.connect() as conn:
        dbapi = conn.connection.dbapi_connection
        seen: list[str] = []
        if r.store.dialect == "postgresql":
            for statement in ("LOAD 'auto_explain'", "SET auto_explain.log_min_duration = 0",
                              "SET client_min_messages = log"):
                conn.exec_driver_sql(statement)
            dbapi.add_notice_handler(lambda diag: seen.append(diag.message_primary or ""))
            run(conn)
            conn.exec_driver_sql("SET client_min_messages = notice")
            conn.rollback()
        else:
            dbapi.set_trace_callback(seen.append)
            try:
                run(conn)
            finally:
                dbapi.set_trace_callback(None)
        return sum(1 for text in seen if r.table.name in text and "SELECT" in text.upper())


@pytest.mark.parametrize("limit", [20, 150])
def test_sparse_rows_cost_a_few_statements_not_one_each(sparse, limit):
    r = sparse
    v = r.state().version
    query = q.Query(bbox=q.BBox(*BOX), limit=limit)
    r.page(query, v, with_count=False)  # per-version statistics, once
    first = statements_run(r, lambda c: r.page(query, v, with_count=False, conn=c))
    # Each of the 300 nearly empty rows was one statement before.
    assert first <= 12, first
    cursor = r.page(query, v, with_count=False).next
    if cursor is not None:
        later = q.Query(**{**query.__dict__, "cursor": cursor.encode()})
        assert statements_run(r, lambda c: r.page(later, v, with_count=False, conn=c)) <= 12


@pytest.mark.parametrize("limit", [1, 7, 150, 1000])
def test_sparse_then_dense_walk_serves_every_match_once(sparse, limit):
    query = q.Query(bbox=q.BBox(*BOX), limit=limit)
    ids = walk(sparse, query)
    assert sorted(ids) == brute_force(sparse_then_dense(), shapely.box(*BOX))
    assert len(ids) == len(set(ids))
    assert walk(sparse, query, direction="prev") == ids


def test_download_of_sparse_rows_has_every_match_once(sparse):
    ids = [json.loads(item)["id"] for batch in sparse.stream(q.Query(bbox=q.BBox(*BOX)),
                                                             batch=33) for item in batch]
    assert sorted(ids) == brute_force(sparse_then_dense(), shapely.box(*BOX))
    assert len(ids) == len(set(ids))


def test_after_the_rest_of_the_cursors_row_one_whole_row_is_read():
    """6 rows found in the last 9 % of the cursor's grid row (the box's sparse edge) say
    little of the next rows: one row is read next for 993 more, not 64 (each part is an
    index seek and, on PostgreSQL, a scan to start)."""
    assert next_size(1, 6, 993) == MAX_PARTS
    assert next_size(1, 6, 993, read=0.09) == 1
    assert next_size(1, 0, 993, read=0.09) == GROWTH  # nothing found: grow as before
    assert next_size(4, 100, 900, read=3.5) == 16  # 31.5 rows: 16 now, the rest sized anew
    assert next_size(1, 41, 960) == 16  # the first page of the 1 % box: not 24 padded to 64


@pytest.fixture
def order_checks(monkeypatch):
    """Every answer of ``grid_walk.in_order`` during the test (SQLite's union arms)."""
    from opengov.store import grid_walk

    seen: list[bool] = []

    check = grid_walk.in_order

    def recording(rows, forward):
        seen.append(check(rows, forward))
        return seen[-1]
    monkeypatch.setattr(grid_walk, "in_order", recording)
    return seen


@pytest.mark.parametrize("limit", [7, 150])
def test_union_arms_come_in_walk_order(sparse, order_checks, limit):
    """SQLite runs the parts of a walk statement arm by arm (each ordered), with no merge: the
    order the page relies on, which SQL itself does not promise, holds on this SQLite."""
    query = q.Query(bbox=q.BBox(*BOX), limit=limit)
    ids = walk(sparse, query)
    assert sorted(ids) == brute_force(sparse_then_dense(), shapely.box(*BOX))
    assert walk(sparse, query, direction="prev") == ids
    if sparse.store.dialect == "sqlite":
        assert order_checks and all(order_checks)
    else:  # PostgreSQL's Merge Append orders the parts itself: nothing to check
        assert not order_checks


@pytest.mark.parametrize("limit", [7, 150])
def test_arms_out_of_order_fall_back_to_the_merge(sparse, monkeypatch, limit):
    """Were a later SQLite to run the arms in another order, every walk statement would be
    run again as an ordered merge, and pages stay complete, in order, each feature once."""
    from opengov.store import grid_walk

    monkeypatch.setattr(grid_walk, "in_order", lambda rows, forward: False)
    query = q.Query(bbox=q.BBox(*BOX), limit=limit)
    ids = walk(sparse, query)
    assert sorted(ids) == brute_force(sparse_then_dense(), shapely.box(*BOX))
    assert len(ids) == len(set(ids))
    assert walk(sparse, query, direction="prev") == ids
