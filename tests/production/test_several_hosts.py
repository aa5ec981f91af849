"""Two application instances ("hosts": separate instance folders, one database, one Redis)
agree: a tile one renders is a cache hit on the other, and after a reload both serve the new
tile; ETags and ``numberMatched`` are the same on both and follow a change made through either;
a source's stale mark reaches the host that did not harvest it."""

from __future__ import annotations

import logging
import time
import uuid

import pytest
from sqlalchemy import text

from opengov.gateway.service import STALE_CACHE_SECONDS
from opengov.store.migrate import upgrade
from opengov.tiles.shared_cache import TABLE
from tests.conftest import REDIS_URL, make_app, need_redis, new_database_url
from tests.gateway.conftest import cameras, gateway, gateway_database  # noqa: F401 - fixtures
from tests.gateway.test_harvest import GEOJSON
from tests.tiles.helpers import decode, tile_at, tile_url
from tests.tiles.test_cache import PROVINCE, _load_admin_units
from tests.upstream import upstream  # noqa: F401 - fixture

URL = tile_url("admin-units", tile_at(*PROVINCE, 7))


@pytest.fixture
def hosts(backend, postgres, tmp_path):
    """``make(**settings)`` → two apps on one fresh database, each with its instance folder."""
    yield from _two_hosts(new_database_url(backend, postgres, tmp_path), tmp_path)


@pytest.fixture
def sqlite_hosts(tmp_path):
    """:func:`hosts` on a SQLite file only (for what does not depend on the backend)."""
    yield from _two_hosts(f"sqlite:///{tmp_path / 'opengov.sqlite3'}", tmp_path)


def _two_hosts(url: str, tmp_path):
    apps = []

    def make(**config):
        made = []
        for name in ("host-a", "host-b"):
            folder = tmp_path / name
            folder.mkdir(exist_ok=True)
            app = make_app(url, folder, access_log="off", **config)
            upgrade(app.extensions["opengov"].store.engine)
            made.append(app)
        apps.extend(made)
        return made

    yield make
    for app in apps:
        app.extensions["opengov"].store.engine.dispose()


def _names(data: bytes) -> set[str]:
    return {f["properties"]["name_en"] for f in decode(data)["admin-units"]["features"]}


def _shared_tile_cache_holds(first, second, mark):
    """A tile rendered by ``first`` is served by ``second`` from the shared cache (``mark``
    alters the stored bytes, which only a cache hit returns); after a reload both render anew."""
    _load_admin_units(first)
    rendered = first.test_client().get(URL)
    assert rendered.status_code == 200
    mark(rendered.data + b"\x00")
    assert second.test_client().get(URL).data == rendered.data + b"\x00"  # a hit on host B
    _load_admin_units(second, rename="Reloaded on host B")
    for app in (first, second):
        fresh = app.test_client().get(URL)
        assert fresh.status_code == 200 and fresh.headers["ETag"] != rendered.headers["ETag"]
        assert "Reloaded on host B" in _names(fresh.data)
    assert not _folder_tiles(first, second)  # nothing was cached per host


def _folder_tiles(*apps) -> list:
    return [p for app in apps
            for p in (app.extensions["opengov"].settings.instance_path / "tiles").rglob("*.mvt")]


def test_the_database_tile_cache_is_shared_by_hosts(hosts):
    first, second = hosts(tile_cache="database")
    engine = first.extensions["opengov"].store.engine

    def mark(data: bytes) -> None:
        with engine.begin() as conn:
            assert conn.execute(text(f"UPDATE {TABLE} SET data = :d"), {"d": data}).rowcount == 1

    _shared_tile_cache_holds(first, second, mark)
    with engine.connect() as conn:  # the old version's tile is gone, the new one is there
        assert conn.execute(text(f"SELECT count(DISTINCT version_key) FROM {TABLE}")).scalar() == 1


def test_the_redis_tile_cache_is_shared_by_hosts(sqlite_hosts):
    need_redis()
    import redis

    db = redis.Redis.from_url(REDIS_URL)
    prefix_before = set(db.scan_iter("opengov:tile:admin-units:*"))
    first, second = sqlite_hosts(tile_cache=REDIS_URL)

    def mark(data: bytes) -> None:
        keys = set(db.scan_iter("opengov:tile:admin-units:*")) - prefix_before
        assert len(keys) == 1
        db.set(keys.pop(), data)

    try:
        _shared_tile_cache_holds(first, second, mark)
    finally:
        for key in set(db.scan_iter("opengov:tile:admin-units:*")) - prefix_before:
            db.delete(key)


def test_a_stopped_redis_leaves_tiles_uncached_with_one_log_line(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="opengov.tiles.shared_cache")
    app = make_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path, access_log="off",
                   tile_cache="redis://127.0.0.1:1/0")  # nothing listens there
    upgrade(app.extensions["opengov"].store.engine)
    _load_admin_units(app)
    client = app.test_client()
    bodies = [client.get(URL) for _ in range(3)]
    assert [b.status_code for b in bodies] == [200] * 3
    assert len({b.data for b in bodies}) == 1
    lines = [r for r in caplog.records if "tile cache: Redis unavailable" in r.getMessage()]
    assert len(lines) == 1
    app.extensions["opengov"].store.engine.dispose()


def test_an_unknown_tile_cache_is_a_clear_error_at_start(tmp_path):
    with pytest.raises(ValueError, match="OPENGOV_TILE_CACHE must be"):
        make_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path, tile_cache="memcached")


def test_etags_and_counts_agree_across_hosts_and_follow_changes(hosts):
    first, second = hosts()
    _load_admin_units(first)
    a, b = first.test_client(), second.test_client()
    url = "/ogc/collections/admin-units/items?limit=5"
    pages = [c.get(url) for c in (a, b)]
    assert pages[0].headers["ETag"] == pages[1].headers["ETag"]
    assert pages[0].get_json()["numberMatched"] == pages[1].get_json()["numberMatched"]
    assert pages[0].get_json()["features"] == pages[1].get_json()["features"]
    collection = b.get("/ogc/collections/admin-units").headers.get("ETag")
    assert collection == a.get("/ogc/collections/admin-units").headers.get("ETag")
    # A change loaded through host B: host A, which cached the old count and page, follows.
    before = pages[0].get_json()["numberMatched"]
    _drop_one_unit(second)
    for client in (a, b):
        after = client.get(url, headers={"If-None-Match": pages[0].headers["ETag"]})
        assert after.status_code == 200
        assert after.headers["ETag"] != pages[0].headers["ETag"]
        assert after.get_json()["numberMatched"] == before - 1
    assert a.get(url).headers["ETag"] == b.get(url).headers["ETag"]


def _drop_one_unit(app) -> None:
    from opengov.loader import find_dataset, prepare_rows, read_records
    from tests.conftest import DATASETS

    store = app.extensions["opengov"].store
    collection = store.registry.get("admin-units")
    records = list(read_records(find_dataset(DATASETS, collection).data))[1:]
    rows = prepare_rows(collection, records, source=f"test-{uuid.uuid4().hex[:6]}")
    assert store.repo("admin-units").replace_all(rows, source="test").removed == 1


def test_stale_source_marks_reach_every_host_within_their_cache_time(cameras, tmp_path):  # noqa: F811
    """The stale mark is derived from the gateway's table, so a host that did not harvest
    shows it too, at most ``STALE_CACHE_SECONDS`` later (and clears it as late)."""
    cameras.harvest_one()
    other_folder = tmp_path / "host-b"
    other_folder.mkdir()
    other = make_app(cameras.settings.resolved_database_url, other_folder, access_log="off",
                     sources_file=str(cameras.sources_file))
    try:
        b = other.test_client()
        assert "X-Data-Stale" not in b.get("/cameras").headers
        cameras.upstream.fail(GEOJSON, 503)
        cameras.harvest_one()  # fails on host A
        assert cameras.client.get("/cameras").headers["X-Data-Stale"] == "true"
        _wait(lambda: b.get("/cameras").headers.get("X-Data-Stale") == "true",
              STALE_CACHE_SECONDS + 3)
        cameras.upstream.recover(GEOJSON)
        cameras.harvest_one()
        _wait(lambda: "X-Data-Stale" not in b.get("/cameras").headers, STALE_CACHE_SECONDS + 3)
    finally:
        other.extensions["opengov"].store.engine.dispose()


def _wait(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "not within the cache time"
        time.sleep(0.25)
