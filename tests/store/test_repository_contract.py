"""The repository contract, written once and run on SQLite and PostgreSQL + PostGIS."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opengov import query as q
from opengov.loader import LoadError, prepare_rows

CAMERAS_N = 250


def camera_records(n=CAMERAS_N, seed=3, name_suffix=""):
    rng = random.Random(seed)
    for i in range(n):
        yield ({
            "id": f"cam-{i:05d}",
            "name_vi": f"Camera {i} đường Điện Biên Phủ{name_suffix}",
            "name_en": f"Camera {i}",
            "kind": rng.choice(["traffic", "flood", "tourism"]),
            "road": rng.choice(["QL1A", "QL14E", "ĐT607"]),
            "commune": rng.choice(["20341", "20410"]),
            "status": "online",
            "stream_type": "jpeg",
            "refresh_interval_s": rng.choice([15, 30, 60]),
            "last_seen": (datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=i)).isoformat(),
        }, {"type": "Point", "coordinates": [round(108 + rng.random(), 6),
                                             round(15 + rng.random(), 6)]})


def load_cameras(app, records):
    store = app.extensions["opengov"].store
    rows = prepare_rows(store.registry.get("cameras"), records, source="test")
    return store.repo("cameras").replace_all(rows, source="test")


@pytest.fixture
def cam_app(empty_app):
    load_cameras(empty_app, camera_records())
    return empty_app


def repo(app, cid="cameras"):
    return app.extensions["opengov"].store.repo(cid)


def walk(r, query):
    """Follow next cursors to the end; return the ids in the order served."""
    version = r.state().version
    ids, cursor = [], None
    while True:
        page = r.page(q.Query(**{**query.__dict__, "cursor": cursor}), version)
        ids.extend(_id(item) for item in page.items)
        if page.next is None:
            return ids
        cursor = page.next.encode()


def _id(item: str) -> str:
    import json

    return json.loads(item)["id"]


def test_load_is_idempotent_and_versions_only_on_change(empty_app):
    first = load_cameras(empty_app, camera_records())
    assert (first.new, first.version) == (CAMERAS_N, 1)
    again = load_cameras(empty_app, camera_records())
    assert (again.new, again.changed, again.unchanged, again.version) == (0, 0, CAMERAS_N, 1)
    records = list(camera_records())
    records[5][0]["status"] = "offline"
    changed = load_cameras(empty_app, records[:-3])
    assert (changed.changed, changed.removed, changed.version) == (1, 3, 2)
    assert repo(empty_app).state().record_count == CAMERAS_N - 3


def test_updated_since_returns_only_changed_records(empty_app):
    load_cameras(empty_app, camera_records())
    cut = datetime.now(UTC)
    records = list(camera_records())
    records[7][0]["status"] = "maintenance"
    load_cameras(empty_app, records)
    r = repo(empty_app)
    page = r.page(q.Query(updated_since=cut, limit=100), r.state().version)
    assert [_id(i) for i in page.items] == ["cam-00007"]


def test_bad_record_writes_nothing(empty_app):
    records = list(camera_records(10))
    records[4][0]["kind"] = "spaceship"
    with pytest.raises(LoadError, match="spaceship"):
        load_cameras(empty_app, records)
    assert repo(empty_app).state().record_count == 0


def test_duplicate_ids_write_nothing(empty_app):
    records = list(camera_records(10))
    records[3] = records[2]
    with pytest.raises(ValueError, match="duplicate"):
        load_cameras(empty_app, records)
    assert repo(empty_app).state().version == 0


@pytest.mark.parametrize("limit", [1, 7, 100])
def test_cursor_walk_visits_every_record_once_in_order(cam_app, limit):
    ids = walk(repo(cam_app), q.Query(limit=limit))
    assert ids == sorted(f"cam-{i:05d}" for i in range(CAMERAS_N))


def test_descending_sort_walk_and_prev_cursor(cam_app):
    r = repo(cam_app)
    query = q.Query(sort=(q.SortKey("last_seen", descending=True),), limit=40)
    ids = walk(r, query)
    assert ids == [f"cam-{i:05d}" for i in reversed(range(CAMERAS_N))]
    version = r.state().version
    first = r.page(query, version)
    second = r.page(q.Query(**{**query.__dict__, "cursor": first.next.encode()}), version)
    back = r.page(q.Query(**{**query.__dict__, "cursor": second.prev.encode()}), version)
    assert back.items == first.items
    assert back.prev is None and first.prev is None


bbox_values = st.tuples(st.floats(107.9, 109.1), st.floats(14.9, 16.1),
                        st.floats(0.0, 0.8), st.floats(0.0, 0.8))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(box=bbox_values)
def test_bbox_matches_brute_force(cam_app, box):
    minx, miny, w, h = box
    bbox = q.BBox(minx, miny, minx + w, miny + h)
    expected = sorted(
        rec["id"] for rec, geom in camera_records()
        if bbox.minx <= geom["coordinates"][0] <= bbox.maxx
        and bbox.miny <= geom["coordinates"][1] <= bbox.maxy
    )
    r = repo(cam_app)
    # Bbox pages come in grid order (opengov.store.spatial_order): every match exactly once.
    for limit in (1000, 9):
        served = walk(r, q.Query(bbox=bbox, limit=limit))
        assert sorted(served) == expected and len(served) == len(set(served))
    assert r.count(q.Query(bbox=bbox), r.state().version) == len(expected)


def test_polygon_bbox_is_exact_not_just_envelopes(empty_app):
    """A triangle whose envelope touches the box but whose area does not is excluded."""
    store = empty_app.extensions["opengov"].store
    triangle = shapely.Polygon([(108.0, 15.0), (108.1, 15.0), (108.0, 15.1)])
    square = shapely.box(108.2, 15.2, 108.3, 15.3)
    records = [
        ({"id": f"u{i}", "code": f"{i}", "name_vi": f"Xã {i}", "unit_type": "xa",
          "effective_from": "2025-07-01"}, shapely.geometry.mapping(g))
        for i, g in enumerate([triangle, square])
    ]
    rows = prepare_rows(store.registry.get("admin-units"), records, source="test")
    r = store.repo("admin-units")
    r.replace_all(rows, source="test")
    v = r.state().version
    near_corner = q.BBox(108.08, 15.08, 108.15, 15.15)  # inside the envelope, outside the area
    assert r.page(q.Query(bbox=near_corner), v).items == []
    crossing = q.BBox(108.05, 15.01, 108.25, 15.25)
    assert sorted(_id(i) for i in r.page(q.Query(bbox=crossing), v).items) == ["u0", "u1"]


def test_filters_compile_on_both_backends(cam_app):
    r = repo(cam_app)
    v = r.state().version
    recs = [rec for rec, _ in camera_records()]

    def ids(flt):
        return walk(r, q.Query(filter=flt, limit=1000))

    assert ids(q.Compare("kind", "=", "flood")) == sorted(
        x["id"] for x in recs if x["kind"] == "flood")
    assert ids(q.And((q.In("road", ("QL1A", "QL14E")), q.Not(q.Compare("commune", "=", "20341"))))
               ) == sorted(x["id"] for x in recs
                           if x["road"] in ("QL1A", "QL14E") and x["commune"] != "20341")
    assert ids(q.Between("refresh_interval_s", 20, 40)) == sorted(
        x["id"] for x in recs if 20 <= x["refresh_interval_s"] <= 40)
    assert ids(q.Like("id", "cam-0001%")) == [f"cam-{i:05d}" for i in range(10, 20)]
    assert ids(q.Or((q.Compare("id", "=", "cam-00003"), q.Compare("id", "=", "cam-00009")))
               ) == ["cam-00003", "cam-00009"]
    assert r.count(q.Query(filter=q.Compare("kind", "=", "tourism")), v) == sum(
        x["kind"] == "tourism" for x in recs)


def test_text_search_folds_vietnamese(cam_app):
    r = repo(cam_app)
    v = r.state().version
    assert r.count(q.Query(search="dien bien phu"), v) == CAMERAS_N
    assert r.count(q.Query(search="ĐIỆN BIÊN"), v) == CAMERAS_N
    page = r.page(q.Query(search="camera 17", limit=5), v)
    assert _id(page.items[0]).startswith("cam-0001")
    assert r.count(q.Query(search="hanoi"), v) == 0
