"""Native-CRS columns: filled from the loaded geometry, or by transformation on write."""

from __future__ import annotations

import numpy as np
import pytest

from opengov.land.collection import PARCELS
from opengov.land.native import native_row_values
from opengov.land.places import to_crs84
from opengov.land.sample import SMALL_TOWNS, load_land_sample
from opengov.land.tessellation import SEED, generate
from opengov.store.records import row_values


@pytest.fixture(scope="module")
def records():
    return generate(SEED, SMALL_TOWNS).parcels[:40]


def _props(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "geometry"}


def test_rows_without_native_geometry_get_it_by_transformation(empty_app, records):
    store = empty_app.extensions["opengov"].store
    rows = [row_values(PARCELS, _props(r), to_crs84(r["geometry"])) for r in records]
    store.repo(PARCELS.id).replace_all(rows, source="test:crs84-only")
    client = empty_app.test_client()
    body = client.get("/land/parcels?limit=100&crs=EPSG:5899").get_json()
    by_id = {r["id"]: r for r in records}
    assert len(body["features"]) == len(records)
    for f in body["features"]:
        served = np.array(f["geometry"]["coordinates"][0])
        loaded = np.array(by_id[f["id"]]["geometry"].exterior.coords)
        # CRS84 keeps 6 decimals (≈ 0.1 m): the transformed-back metres are that close.
        assert np.abs(np.sort(served, axis=0) - np.sort(loaded, axis=0)).max() < 0.2


def test_native_rows_keep_the_loaded_millimetres(empty_app, records):
    store = empty_app.extensions["opengov"].store
    rows = native_row_values(PARCELS, [_props(r) for r in records],
                             [r["geometry"] for r in records])
    store.repo(PARCELS.id).replace_all(rows, source="test:native")
    client = empty_app.test_client()
    some = records[0]
    feature = client.get(f"/land/parcels/{some['id']}?crs=EPSG:5899").get_json()
    assert sorted(map(tuple, feature["geometry"]["coordinates"][0])) == sorted(
        some["geometry"].exterior.coords)


def test_reloading_the_sample_is_idempotent(empty_app):
    store = empty_app.extensions["opengov"].store
    first = load_land_sample(store, "small")
    again = load_land_sample(store, "small")
    assert all(r.new > 0 for r in first)
    assert all(not r.touched for r in again)
    assert [r.version for r in again] == [r.version for r in first]


def test_ogc_items_in_epsg5899_are_the_loaded_millimetres_too(empty_app, records):
    """OGC API – Features and /land go through the same encoding path: a surveyor gets the
    loaded coordinates from either, in pages and single features."""
    store = empty_app.extensions["opengov"].store
    rows = native_row_values(PARCELS, [_props(r) for r in records],
                             [r["geometry"] for r in records])
    store.repo(PARCELS.id).replace_all(rows, source="test:native")
    client = empty_app.test_client()
    crs = "http://www.opengis.net/def/crs/EPSG/0/5899"
    page = client.get(f"/ogc/collections/parcels/items?limit=100&crs={crs}")
    assert page.headers["Content-Crs"] == f"<{crs}>"
    by_id = {r["id"]: r for r in records}
    for f in page.get_json()["features"]:
        assert sorted(map(tuple, f["geometry"]["coordinates"][0])) == sorted(
            by_id[f["id"]]["geometry"].exterior.coords)
    some = records[1]
    one = client.get(f"/ogc/collections/parcels/items/{some['id']}?crs={crs}").get_json()
    assert sorted(map(tuple, one["geometry"]["coordinates"][0])) == sorted(
        some["geometry"].exterior.coords)
    assert any(link["rel"] == "self" for link in one["links"])
