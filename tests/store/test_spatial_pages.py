"""Bbox and S_INTERSECTS pages (issue 18), on SQLite and PostgreSQL + PostGIS.

Every page walk is checked against brute force (each matching feature exactly once, forwards
and backwards), including whole-extent and dense boxes and features whose centre lies outside
the box; and a page's work is checked to follow the page size, not the number of matches
(rows touched by the database, counted by the database itself, not timed).
"""

from __future__ import annotations

import json
import random
import re

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opengov import query as q
from opengov.loader import prepare_rows

UNITS_N = 400


def unit_shapes(n=UNITS_N, seed=18):
    """Small squares packed around a centre (dense), a spread of mid-sized ones, and a few
    long thin ones whose centre is far from most boxes that cross them."""
    rng = random.Random(seed)
    shapes = []
    for i in range(n):
        if i % 50 == 0:  # long and thin, across many grid cells
            x, y = 108 + rng.random(), 15 + rng.random()
            shapes.append(shapely.box(x, y, x + 0.6, y + 0.002))
        elif i % 3 == 0:
            x, y = 108 + rng.random(), 15 + rng.random()
            shapes.append(shapely.box(x, y, x + rng.uniform(0.001, 0.05), y + 0.01))
        else:  # the dense centre: a 0.02° square
            x, y = 108.5 + rng.random() * 0.02, 15.5 + rng.random() * 0.02
            shapes.append(shapely.box(x, y, x + 0.0002, y + 0.0002))
    return shapes


def load_units(app, shapes):
    store = app.extensions["opengov"].store
    records = [({"id": f"u{i:04d}", "code": f"{i}", "name_vi": f"Xã {i}", "unit_type": "xa",
                 "effective_from": "2025-07-01"}, shapely.geometry.mapping(g))
               for i, g in enumerate(shapes)]
    rows = prepare_rows(store.registry.get("admin-units"), records, source="test")
    store.repo("admin-units").replace_all(rows, source="test")
    return store.repo("admin-units")


@pytest.fixture
def units(empty_app):
    return load_units(empty_app, unit_shapes())


@pytest.fixture(params=["walk", "candidates"])
def plan(request, monkeypatch):
    """Both plans of a grid-ordered page: the key-range walk (chosen for boxes expected to
    hold many records) and the sorted index candidates (few)."""
    from opengov.store import spatial_pages

    monkeypatch.setattr(spatial_pages, "INDEX_CANDIDATES",
                        -1 if request.param == "walk" else 10**12)
    monkeypatch.setattr(spatial_pages, "CANDIDATES_PER_PAGE", 10**12)
    monkeypatch.setattr(spatial_pages, "PLAN_COSTS", SORT_IS_FREE)
    return request.param


# Plan costs under which sorting the candidates always wins (tests that force that plan).
SORT_IS_FREE = {"sqlite": (1.0, 1.0, 0.0), "postgresql": (1.0, 1.0, 0.0)}


def _id(item) -> str:
    return json.loads(item)["id"]


def walk(r, query, direction="next"):
    """Follow ``next`` links from the first page; with ``prev``, then walk back from the last
    page. Returns the ids served, in order."""
    version = r.state().version
    pages, cursor = [], None
    while True:
        page = r.page(q.Query(**{**query.__dict__, "cursor": cursor}), version)
        pages.append(page)
        if page.next is None:
            break
        cursor = page.next.encode()
    if direction == "next":
        return [_id(i) for p in pages for i in p.items]
    back = [pages[-1]]
    while back[0].prev is not None:
        cursor = back[0].prev.encode()
        back.insert(0, r.page(q.Query(**{**query.__dict__, "cursor": cursor}), version))
    return [_id(i) for p in back for i in p.items]


def brute_force(shapes, geometry) -> list[str]:
    return sorted(f"u{i:04d}" for i, g in enumerate(shapes) if g.intersects(geometry))


boxes = st.one_of(
    st.just((107.0, 14.0, 110.0, 17.0)),  # the whole extent and more
    st.just((108.49, 15.49, 108.53, 15.53)),  # around the dense centre
    st.tuples(st.floats(107.9, 109.1), st.floats(14.9, 16.1), st.floats(0.0, 0.8),
              st.floats(0.0, 0.8)).map(lambda b: (b[0], b[1], b[0] + b[2], b[1] + b[3])),
)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(box=boxes, limit=st.sampled_from([1, 7, 60, 1000]))
def test_bbox_walk_serves_every_match_exactly_once(units, plan, box, limit):
    shapes = unit_shapes()
    expected = brute_force(shapes, shapely.box(*box))
    ids = walk(units, q.Query(bbox=q.BBox(*box), limit=limit))
    assert sorted(ids) == expected and len(ids) == len(set(ids))


@pytest.mark.parametrize("box", [(107.0, 14.0, 110.0, 17.0), (108.49, 15.49, 108.53, 15.53),
                                 (108.3, 15.2, 108.7, 15.8)])
def test_prev_links_walk_back_over_the_same_pages(units, plan, box):
    query = q.Query(bbox=q.BBox(*box), limit=13)
    forward = walk(units, query)
    assert walk(units, query, direction="prev") == forward
    assert sorted(forward) == brute_force(unit_shapes(), shapely.box(*box))


def test_thin_feature_with_far_centre_is_found(units, plan):
    """A 0.6° long strip crosses a small box far from its centre."""
    shapes = unit_shapes()
    strip = shapes[50]
    x, y = strip.bounds[2] - 0.01, strip.bounds[1]
    box = (x - 0.001, y - 0.001, x + 0.001, y + 0.001)
    ids = walk(units, q.Query(bbox=q.BBox(*box), limit=5))
    assert "u0050" in ids and sorted(ids) == brute_force(shapes, shapely.box(*box))


triangles = st.tuples(*(st.tuples(st.floats(107.9, 109.1), st.floats(14.9, 16.1))
                        for _ in range(3))).filter(lambda pts: shapely.Polygon(pts).area > 1e-4)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=triangles, second=triangles)
def test_any_polygon_pages_exactly_its_matches_through_one_compiled_shape(units, first,
                                                                          second):
    """S_INTERSECTS binds its polygon and bounds: one compiled statement per walk shape serves
    every polygon, and the geometry each row is tested against is never another query's."""
    shapes = unit_shapes()
    for points in (first, second, first):
        polygon = shapely.Polygon(points)
        ids = walk(units, q.Query(filter=q.Intersects(shapely.to_wkb(polygon)), limit=40))
        assert sorted(ids) == brute_force(shapes, polygon) and len(ids) == len(set(ids))
    assert len({key[0] for key in units.grid.statements._shapes}) == 1


@pytest.mark.parametrize("limit", [3, 50])
def test_s_intersects_polygon_walk_matches_brute_force(units, plan, limit):
    triangle = shapely.Polygon([(108.0, 15.0), (109.0, 15.0), (108.5, 16.0)])
    flt = q.Intersects(shapely.to_wkb(triangle))
    ids = walk(units, q.Query(filter=flt, limit=limit))
    assert sorted(ids) == brute_force(unit_shapes(), triangle) and len(ids) == len(set(ids))
    both = walk(units, q.Query(filter=flt, bbox=q.BBox(108.4, 15.4, 108.6, 15.6), limit=limit))
    assert sorted(both) == brute_force(unit_shapes(),
                                       triangle.intersection(shapely.box(108.4, 15.4,
                                                                         108.6, 15.6)))


def test_both_plans_serve_the_same_order_so_cursors_carry_over(units, monkeypatch):
    """A cursor issued by one plan continues in the other (a new version may switch)."""
    from opengov.store import spatial_pages

    query = q.Query(bbox=q.BBox(108.3, 15.3, 108.7, 15.7), limit=7)
    v = units.state().version
    monkeypatch.setattr(spatial_pages, "CANDIDATES_PER_PAGE", 10**12)
    monkeypatch.setattr(spatial_pages, "PLAN_COSTS", SORT_IS_FREE)
    served, cursor, turn = [], None, 0
    while True:
        monkeypatch.setattr(spatial_pages, "INDEX_CANDIDATES", (-1, 10**12)[turn % 2])
        units.grid.plans.clear()  # plans are kept per version, box and page size
        page = units.page(q.Query(**{**query.__dict__, "cursor": cursor}), v)
        served += [_id(i) for i in page.items]
        if page.next is None:
            break
        cursor, turn = page.next.encode(), turn + 1
    monkeypatch.setattr(spatial_pages, "INDEX_CANDIDATES", -1)
    units.grid.plans.clear()
    assert served == walk(units, query)
    assert sorted(served) == brute_force(unit_shapes(), shapely.box(108.3, 15.3, 108.7, 15.7))


def test_stream_of_a_bbox_download_has_every_match_once(units):
    box = (108.3, 15.3, 108.7, 15.7)
    ids = [_id(item) for batch in units.stream(q.Query(bbox=q.BBox(*box)), batch=17)
           for item in batch]
    assert sorted(ids) == brute_force(unit_shapes(), shapely.box(*box))
    assert len(ids) == len(set(ids))


def test_counts_stay_exact(units):
    v = units.state().version
    for box in [(107.0, 14.0, 110.0, 17.0), (108.49, 15.49, 108.53, 15.53)]:
        expected = len(brute_force(unit_shapes(), shapely.box(*box)))
        assert units.count(q.Query(bbox=q.BBox(*box)), v) == expected
        assert units.page(q.Query(bbox=q.BBox(*box), limit=5), v).number_matched == expected
        assert units.count_within(q.Query(bbox=q.BBox(*box)), v, 10, None) in (expected, None)


def test_offset_skips_in_the_served_order(units, plan):
    query = q.Query(bbox=q.BBox(108.4, 15.4, 108.6, 15.6), limit=10)
    first_two = walk(units, q.Query(**{**query.__dict__, "limit": 20}))[:20]
    v = units.state().version
    second = units.page(q.Query(**{**query.__dict__, "offset": 10}), v)
    assert [_id(i) for i in second.items] == first_two[10:20]


def test_an_id_cursor_goes_on_in_id_order_and_an_odd_one_is_a_clear_error(units):
    """A cursor holding an id alone (issued by a page of a box holding everything) goes on
    in id order, the bbox filtering; a cursor of no order of the query is an error."""
    from opengov.cursor import Cursor, CursorError

    v = units.state().version
    box = (108.4, 15.4, 108.6, 15.6)
    after = Cursor(("u0100",), "next").encode()
    page = units.page(q.Query(bbox=q.BBox(*box), cursor=after, limit=10), v)
    matches = brute_force(unit_shapes(), shapely.box(*box))
    assert [_id(i) for i in page.items] == [i for i in matches if i > "u0100"][:10]
    odd = Cursor(("u0001", 5), "next").encode()
    with pytest.raises(CursorError):
        units.page(q.Query(bbox=q.BBox(*box), cursor=odd), v)


def test_a_box_around_everything_pages_as_no_box(units):
    """Its pages are the pages without bbox (same records, same cursors), forwards and back."""
    v = units.state().version
    whole = q.Query(bbox=q.BBox(107.0, 14.0, 110.0, 17.0), limit=37)
    plain = q.Query(limit=37)
    assert walk(units, whole) == walk(units, plain) == sorted(_id(i) for i in _all(units, v))
    assert walk(units, whole, "prev") == walk(units, plain)
    first = units.page(whole, v)
    assert first.number_matched == UNITS_N
    assert first.next == units.page(plain, v).next


def test_a_walk_begun_around_everything_survives_a_version_reaching_outside(empty_app):
    """Cursors of a box that held everything go on, exactly, once a new version has features
    outside it: the rest of the walk is in id order with the box as a filter."""
    shapes = unit_shapes()
    repo = load_units(empty_app, shapes)
    box = (107.0, 14.0, 110.0, 17.0)
    query = q.Query(bbox=q.BBox(*box), limit=50)
    first = repo.page(query, repo.state().version)
    served = [_id(i) for i in first.items]
    grown = shapes + [shapely.box(111.0, 16.0, 111.1, 16.1), shapely.box(109.0, 16.0, 109.1, 16.1)]
    repo = load_units(empty_app, grown)
    v, cursor = repo.state().version, first.next.encode()
    while cursor is not None:
        page = repo.page(q.Query(**{**query.__dict__, "cursor": cursor}), v)
        served += [_id(i) for i in page.items]
        cursor = page.next.encode() if page.next else None
    assert served == brute_force(grown, shapely.box(*box))


def _all(r, version):
    return r.page(q.Query(limit=10_000), version).items


# -- work per page: rows the database touches, counted by the database ---------------------------

SCANNED = re.compile(r"Scan[^\n]* on (\w+)[^\n]*\(actual [^\n]*rows=(\d+) loops=(\d+)\)")


def rows_touched(r, run) -> int:
    """The work of ``run(conn)`` on ``r``'s table, counted by the database: SQLite's virtual
    machine steps (in hundreds); on PostgreSQL the rows that scans of the table produced,
    from the executed plans (``auto_explain`` sends them to this session as messages)."""
    with r.store.engine.connect() as conn:
        dbapi = conn.connection.dbapi_connection
        if r.store.dialect == "postgresql":
            plans: list[str] = []
            for statement in ("LOAD 'auto_explain'", "SET auto_explain.log_min_duration = 0",
                              "SET auto_explain.log_analyze = on",
                              "SET client_min_messages = log"):
                conn.exec_driver_sql(statement)
            dbapi.add_notice_handler(lambda diag: plans.append(diag.message_primary or ""))
            run(conn)
            conn.exec_driver_sql("SET client_min_messages = notice")
            conn.rollback()
            return sum(int(rows) * int(loops) for plan in plans
                       for table, rows, loops in SCANNED.findall(plan)
                       if table == r.table.name)
        steps = [0]

        def tick():
            steps[0] += 1
            return 0
        dbapi.set_progress_handler(tick, 100)
        try:
            run(conn)
        finally:
            dbapi.set_progress_handler(None, 100)
        return steps[0]


@pytest.fixture
def many_units(empty_app):
    """4,000 small squares on a 0.4° square: enough that sorting every match shows."""
    rng = random.Random(7)
    shapes = []
    for _ in range(4000):
        x, y = 108.3 + rng.random() * 0.4, 15.3 + rng.random() * 0.4
        shapes.append(shapely.box(x, y, x + 0.0003, y + 0.0003))
    return load_units(empty_app, shapes)


@pytest.mark.parametrize("box", [(107.0, 14.0, 110.0, 17.0), (108.3, 15.3, 108.5, 15.7),
                                 (108.3, 15.3, 108.7, 15.34)])
def test_a_bbox_page_costs_about_what_the_page_without_bbox_costs(many_units, box,
                                                                  monkeypatch):
    from opengov.store import spatial_pages

    # Boxes expected to hold more than this walk the key ranges (5,000 by default; sorting
    # that many index candidates is cheap, the table holds 4,000).
    monkeypatch.setattr(spatial_pages, "INDEX_CANDIDATES", 200)
    r = many_units
    v = r.state().version
    plain = q.Query(limit=20)
    boxed = q.Query(bbox=q.BBox(*box), limit=20)
    r.page(boxed, v, with_count=False)  # per-version statistics, once
    cursor = r.page(boxed, v, with_count=False).next.encode()
    base = rows_touched(r, lambda c: r.page(plain, v, with_count=False, conn=c))
    first = rows_touched(r, lambda c: r.page(boxed, v, with_count=False, conn=c))
    later = rows_touched(r, lambda c: r.page(q.Query(**{**boxed.__dict__, "cursor": cursor}),
                                             v, with_count=False, conn=c))
    # The old plan read all ~1,000-4,000 matches for every page; 20 rows need far fewer.
    assert base > 0
    assert first <= 6 * base + 60 and later <= 6 * base + 60, (base, first, later)


# -- spatial queries in another order (reports list newest first, `sort=…`) ----------------------

@pytest.mark.parametrize("candidates", [10, 100_000])  # walk the sort order / sort candidates
@pytest.mark.parametrize("box", [(107.0, 14.0, 110.0, 17.0), (108.49, 15.49, 108.53, 15.53)])
def test_sorted_bbox_walk_matches_brute_force_either_plan(units, monkeypatch, candidates, box):
    from opengov.store import spatial_pages

    monkeypatch.setattr(spatial_pages, "INDEX_CANDIDATES", candidates)
    query = q.Query(bbox=q.BBox(*box), sort=(q.SortKey("code", descending=True),), limit=9)
    expected = sorted(brute_force(unit_shapes(), shapely.box(*box)),
                      key=lambda i: str(int(i[1:])), reverse=True)  # code = the number
    assert walk(units, query) == expected
    assert walk(units, query, direction="prev") == expected


def test_a_sorted_page_of_a_big_box_walks_the_sort_order(many_units, monkeypatch):
    from opengov.store import spatial_pages

    # Beyond this many expected matches the sort order is walked (5,000 by default; the
    # table holds 4,000).
    monkeypatch.setattr(spatial_pages, "INDEX_CANDIDATES", 500)
    r = many_units
    v = r.state().version
    sort = (q.SortKey("code", descending=True),)
    plain = q.Query(sort=sort, limit=20)
    boxed = q.Query(bbox=q.BBox(108.3, 15.3, 108.7, 15.66), sort=sort, limit=20)
    r.page(boxed, v, with_count=False)
    base = rows_touched(r, lambda c: r.page(plain, v, with_count=False, conn=c))
    first = rows_touched(r, lambda c: r.page(boxed, v, with_count=False, conn=c))
    # 3,600 matches of 4,000: the index candidates would all be read and sorted
    assert base > 0 and first <= 6 * base + 60, (base, first)


# -- the plan's estimate of a box's matches ------------------------------------------------------

def clustered_units() -> list:
    """2,000 small squares in a 0.05° town in one corner of a 1° area, 200 spread over it."""
    rng = random.Random(11)
    shapes = []
    for _ in range(2000):
        x, y = 108.0 + rng.random() * 0.05, 15.0 + rng.random() * 0.05
        shapes.append(shapely.box(x, y, x + 0.0002, y + 0.0002))
    for _ in range(200):
        x, y = 108.0 + rng.random() * 0.99, 15.0 + rng.random() * 0.99
        shapes.append(shapely.box(x, y, x + 0.0002, y + 0.0002))
    return shapes


@pytest.mark.parametrize("box", [(108.0, 15.0, 108.05, 15.05), (108.01, 15.01, 108.03, 15.03),
                                 (108.5, 15.5, 108.7, 15.7)])
def test_only_a_box_holding_about_a_page_sorts_its_candidates(empty_app, box):
    """A box on the town holds hundreds of features (an even spread over the extent guessed
    1/400 of them): its page walks the grid instead of sorting them all; a box holding about
    a page sorts them."""
    shapes = clustered_units()
    r = load_units(empty_app, shapes)
    v = r.state().version
    actual = len(brute_force(shapes, shapely.box(*box)))
    with r.store.engine.connect() as c:
        few = r.grid.few_candidates(q.Query(bbox=q.BBox(*box)), v, c, 21)
    assert few == (actual <= 2 * 21), actual  # candidates: each feature's box is indexed


def test_a_small_box_packed_with_features_walks_its_few_grid_rows(empty_app):
    """Under that bound the cheaper plan serves: a box whose features fill its few grid rows
    walks them (the page is about what it reads) rather than sorting every candidate; a box
    holding a few features over hundreds of grid rows sorts them (a walk would visit every
    row). Both pages agree with brute force."""
    shapes = clustered_units()
    r = load_units(empty_app, shapes)
    v = r.state().version
    # a strip across the town: 161 features in 4-5 grid rows; a few features over 205 rows
    dense, sparse = (108.0, 15.02, 108.05, 15.0235), (108.5, 15.5, 108.7, 15.7)
    in_dense = brute_force(shapes, shapely.box(*dense))
    assert 100 < len(in_dense) <= 2 * 101  # under the bound of a page of 100 (+1)
    with r.store.engine.connect() as c:
        assert not r.grid.few_candidates(q.Query(bbox=q.BBox(*dense)), v, c, 101)
        assert r.grid.few_candidates(q.Query(bbox=q.BBox(*sparse)), v, c, 101)
    for box, expected in ((dense, in_dense), (sparse, brute_force(shapes, shapely.box(*sparse)))):
        ids = walk(r, q.Query(bbox=q.BBox(*box), limit=100))
        assert sorted(ids) == expected and len(ids) == len(set(ids))


def edge_triangles(box, n=240, seed=3):
    """Thin triangles and strips around the edges and corners of ``box``: some cross one
    edge (they intersect it), some a corner with their hypotenuse outside (they do not),
    some span it from side to side."""
    rng = random.Random(seed)
    x0, y0, x1, y1 = box
    shapes = []
    for i in range(n):
        cx, cy = rng.choice([x0, x1, rng.uniform(x0, x1)]), rng.choice([y0, y1,
                                                                         rng.uniform(y0, y1)])
        w, h = rng.uniform(0.0005, 0.02), rng.uniform(0.0005, 0.02)
        dx, dy = rng.uniform(-w, 0), rng.uniform(-h, 0)
        if i % 5 == 0:  # a strip across the whole box
            shapes.append(shapely.box(x0 - 0.01, cy, x1 + 0.01, cy + 0.0003))
        else:
            a, b = (cx + dx, cy + dy), (cx + dx + w, cy + dy + h)
            corner = (a[0], b[1]) if i % 2 else (b[0], a[1])
            shapes.append(shapely.Polygon([a, b, corner]))
    return shapes


def test_a_bounding_box_across_one_edge_needs_no_geometry_test(empty_app, plan):
    """Only features across a corner of the box (or the whole box) get the exact test; the
    rest are decided by their bounding box: brute force agrees on every page and count."""
    box = (108.3, 15.3, 108.34, 15.33)
    shapes = edge_triangles(box)
    r = load_units(empty_app, shapes)
    expected = brute_force(shapes, shapely.box(*box))
    assert 0 < len(expected) < len(shapes)
    query = q.Query(bbox=q.BBox(*box), limit=17)
    ids = walk(r, query)
    assert sorted(ids) == expected and len(ids) == len(set(ids))
    assert r.count(q.Query(bbox=q.BBox(*box)), r.state().version) == len(expected)
