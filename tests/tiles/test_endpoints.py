"""``/tiles/{collection}/{z}/{x}/{y}.mvt`` over HTTP, on both backends."""

from __future__ import annotations

import numpy as np
import pytest

from opengov.tiles.grid import MAX_ZOOM, Tile, tile_transform
from tests.tiles.helpers import MVT, decode, source_features, tile_at, tile_url

TAM_KY = (108.474, 15.573)


def _camera_tile(client, z: int) -> Tile:
    """A tile at zoom ``z`` holding the first camera of the collection."""
    first = client.get("/ogc/collections/cameras/items?limit=1").get_json()["features"][0]
    lon, lat = first["geometry"]["coordinates"]
    return tile_at(lon, lat, z)


@pytest.mark.parametrize("z", [6, 12])
def test_point_tile_has_every_camera_of_the_tile_at_its_grid_position(client, z):
    tile = _camera_tile(client, z)
    response = client.get(tile_url("cameras", tile))
    assert response.status_code == 200
    assert response.mimetype == MVT
    layer = decode(response.data)["cameras"]
    assert layer["extent"] == 4096 and layer["version"] == 2
    decoded = {f["properties"]["id"]: f for f in layer["features"]}
    expected = source_features(client, "cameras", tile)
    assert expected and {f["id"] for f in expected} <= set(decoded)
    to_tile = tile_transform(tile)
    for feature in expected:
        point = decoded[feature["id"]]["geometry"]
        assert point["type"] == "Point"
        want = np.rint(to_tile(np.array([feature["geometry"]["coordinates"]])))[0]
        assert point["coordinates"] == [int(want[0]), int(want[1])]
    ids = [f["id"] for f in layer["features"]]
    assert len(set(ids)) == len(ids) and all(isinstance(i, int) for i in ids)


def test_properties_are_the_scalar_public_fields_with_bilingual_names(client, loaded_app):
    tile = _camera_tile(client, 10)
    feature = decode(client.get(tile_url("cameras", tile)).data)["cameras"]["features"][0]
    source = client.get(f"/cameras/{feature['properties']['id']}").get_json()
    props = feature["properties"]
    assert props["name_vi"] == source["properties"]["name"]["vi"]
    assert props["name_en"] == source["properties"]["name"]["en"]
    assert props["kind"] == source["properties"]["kind"]
    collection = loaded_app.extensions["opengov"].registry.get("cameras")
    allowed = {c for f in collection.fields if f.type not in ("array", "object")
               for c in f.columns}
    assert set(props) <= allowed
    assert "name" not in props


def test_polygons_come_with_their_properties(client):
    tile = tile_at(*TAM_KY, 9)
    layer = decode(client.get(tile_url("admin-units", tile)).data)["admin-units"]
    codes = {f["properties"]["code"] for f in layer["features"]}
    expected = {f["properties"]["code"] for f in source_features(client, "admin-units", tile)}
    assert expected <= codes
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in layer["features"])
    effective = {f["properties"]["effective_from"] for f in layer["features"]}
    assert effective == {"2025-07-01"}  # dates as ISO 8601 text


def test_etag_if_none_match_and_cache_control(client, loaded_app):
    url = tile_url("admin-units", tile_at(*TAM_KY, 8))
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    seconds = loaded_app.extensions["opengov"].registry.get("admin-units").cache_seconds
    assert first.headers["Cache-Control"] == f"public, max-age={seconds}"
    again = client.get(url)
    assert again.headers["ETag"] == etag and again.data == first.data
    for header in (etag, f"W/{etag}", f'"other", {etag}'):
        cached = client.get(url, headers={"If-None-Match": header})
        assert cached.status_code == 304 and cached.data == b""
        assert cached.headers["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    other_tile = client.get(tile_url("admin-units", tile_at(108.2, 15.9, 8)))
    assert other_tile.headers["ETag"] != etag


def test_tile_outside_the_data_is_204_no_content(client):
    response = client.get(tile_url("admin-units", tile_at(2.35, 48.85, 10)))  # Paris
    assert response.status_code == 204
    assert response.data == b""
    assert "ETag" in response.headers and "Cache-Control" in response.headers
    assert client.get(tile_url("cameras", Tile(14, 0, 0))).status_code == 204


def test_parcels_start_at_their_minimum_zoom(client, loaded_app):
    parcels = loaded_app.extensions["opengov"].registry.get("parcels")
    assert parcels.min_zoom == 13
    box = client.get("/ogc/collections/parcels").get_json()["extent"]["spatial"]["bbox"][0]
    lon, lat = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    below = client.get(tile_url("parcels", tile_at(lon, lat, 12)))
    assert below.status_code == 204 and below.data == b""
    at = client.get(tile_url("parcels", tile_at(lon, lat, 14)))
    assert at.status_code == 200
    layer = decode(at.data)["parcels"]
    assert layer["features"]
    expected = {f["id"] for f in source_features(client, "parcels", tile_at(lon, lat, 14))}
    assert expected <= {f["properties"]["id"] for f in layer["features"]}
    fields = {c for f in parcels.fields for c in f.columns}
    assert {k for f in layer["features"] for k in f["properties"]} <= fields


@pytest.mark.parametrize("path", [
    f"{MAX_ZOOM + 1}/0/0", "3/8/0", "3/0/8", "3/-1/0", "a/0/0", "3/1.5/0", "3/0/x",
])
def test_tile_numbers_outside_the_grid_are_400_problems(client, path):
    response = client.get(f"/tiles/admin-units/{path}.mvt")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 400 and body["detail"]


@pytest.mark.parametrize("collection", ["no-such-thing", "procedures"])
def test_unknown_or_non_spatial_collection_is_404_problem(client, collection):
    for url in (f"/tiles/{collection}/0/0/0.mvt", f"/tiles/{collection}.json"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["status"] == 404


def test_ogc_collection_links_its_tiles(client):
    links = client.get("/ogc/collections/admin-units").get_json()["links"]
    tilejson = [link for link in links if link["href"].endswith("/tiles/admin-units.json")]
    assert tilejson and tilejson[0]["type"] == "application/json"
    assert client.get(tilejson[0]["href"]).status_code == 200


def test_tiles_are_documented_in_openapi(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    path = paths["/tiles/{collection_id}/{z}/{x}/{y}.mvt"]
    tile = path["get"]
    assert {"200", "204", "304", "400", "404"} <= set(tile["responses"])
    assert MVT in tile["responses"]["200"]["content"]
    params = {p["name"]: p for p in path.get("parameters", []) + tile.get("parameters", [])}
    assert params["z"]["schema"]["type"] == "integer"
    assert "/tiles/{collection_id}.json" in paths
