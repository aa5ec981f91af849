"""The tile cache: shared files under the instance folder, keyed by collection version."""

from __future__ import annotations

import os
import time

from opengov.loader import find_dataset, prepare_rows, read_records
from opengov.store.migrate import upgrade
from opengov.tiles.cache import TileCache
from opengov.tiles.grid import Tile
from tests.conftest import DATASETS, make_app, new_database_url
from tests.tiles.helpers import decode, tile_at, tile_url

PROVINCE = (108.2, 15.5)


def _load_admin_units(app, rename: str | None = None):
    """Load the admin units; with ``rename``, the first unit gets that English name."""
    store = app.extensions["opengov"].store
    collection = store.registry.get("admin-units")
    files = find_dataset(DATASETS, collection)
    records = list(read_records(files.data))
    if rename:
        records[0][0]["name_en"] = rename
    rows = prepare_rows(collection, records, source="test")
    return store.repo("admin-units").replace_all(rows, source="test"), records[0][0]["code"]


def _cache_files(app) -> list:
    root = app.extensions["opengov"].settings.instance_path / "tiles"
    return sorted(p.relative_to(root) for p in root.rglob("*.mvt"))


def test_tiles_are_cached_in_files_and_served_from_them(empty_app):
    _load_admin_units(empty_app)
    client = empty_app.test_client()
    url = tile_url("admin-units", tile_at(*PROVINCE, 7))
    first = client.get(url)
    files = _cache_files(empty_app)
    assert len(files) == 1 and files[0].parts[0] == "admin-units" and files[0].name == "58.mvt"
    assert client.get(url).data == first.data
    # Another worker (a second app on the same instance folder) answers from the same file:
    # mark the file to tell a cache hit from a new rendering.
    settings = empty_app.extensions["opengov"].settings
    (settings.instance_path / "tiles" / files[0]).write_bytes(first.data + b"\x00")
    other = make_app(settings.resolved_database_url, settings.instance_path)
    assert other.test_client().get(url).data == first.data + b"\x00"
    other.extensions["opengov"].store.engine.dispose()


def test_empty_tiles_are_cached_too(empty_app):
    _load_admin_units(empty_app)
    client = empty_app.test_client()
    url = tile_url("admin-units", tile_at(2.35, 48.85, 9))
    assert client.get(url).status_code == 204
    assert client.get(url).status_code == 204
    assert len(_cache_files(empty_app)) == 1


def test_a_new_version_gets_new_tiles_and_etags(empty_app):
    _load_admin_units(empty_app)
    client = empty_app.test_client()
    url = tile_url("admin-units", tile_at(*PROVINCE, 7))
    before = client.get(url)
    old_files = _cache_files(empty_app)
    result, code = _load_admin_units(empty_app, rename="Renamed for the test")
    assert result.changed == 1
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    names = {f["properties"]["code"]: f["properties"]["name_en"]
             for f in decode(after.data)["admin-units"]["features"]}
    assert names[code] == "Renamed for the test"
    new_files = _cache_files(empty_app)
    assert len(new_files) == 1 and new_files[0].parts[1] != old_files[0].parts[1]


def test_a_rebuilt_database_never_meets_old_tiles(backend, postgres, tmp_path):
    bodies = []
    for round_ in range(2):
        app = make_app(new_database_url(backend, postgres, tmp_path / str(round_)), tmp_path)
        upgrade(app.extensions["opengov"].store.engine)
        _load_admin_units(app, rename=f"Round {round_}")  # version 1 both times
        layer = decode(app.test_client().get(tile_url("admin-units",
                                                       tile_at(*PROVINCE, 7))).data)
        bodies.append({f["properties"]["name_en"] for f in layer["admin-units"]["features"]})
        app.extensions["opengov"].store.engine.dispose()
    assert "Round 0" in bodies[0] and "Round 1" in bodies[1] and "Round 0" not in bodies[1]


def test_disabled_cache_writes_nothing(backend, postgres, tmp_path):
    app = make_app(new_database_url(backend, postgres, tmp_path), tmp_path, tile_cache_mb=0)
    upgrade(app.extensions["opengov"].store.engine)
    _load_admin_units(app)
    assert app.test_client().get(tile_url("admin-units", tile_at(*PROVINCE, 7))).status_code == 200
    assert _cache_files(app) == []
    app.extensions["opengov"].store.engine.dispose()


def test_trim_keeps_the_cache_within_its_budget_oldest_first(tmp_path):
    # Written through a roomy cache (no background trim racing with the mtimes set here),
    # then trimmed by one with the small budget.
    roomy = TileCache(tmp_path, max_bytes=1 << 30)
    for i in range(12):
        roomy.put("c", "1-1", Tile(5, i, 0), b"x" * 4000)
        path = tmp_path / "c" / "1-1" / "5" / str(i) / "0.mvt"
        os.utime(path, (time.time() - 100 + i, time.time() - 100 + i))
    cache = TileCache(tmp_path, max_bytes=10 * 4096)
    cache.trim()
    left = sorted(int(p.parent.name) for p in tmp_path.rglob("*.mvt"))
    assert len(left) * 4096 <= 10 * 4096 * 0.8
    assert left == list(range(12 - len(left), 12))  # the newest survive
    assert cache.get("c", "1-1", Tile(5, 11, 0)) == b"x" * 4000
    assert cache.get("c", "1-1", Tile(5, 0, 0)) is None
