"""``/tiles/{collection}.json``: TileJSON 3.0.0, on both backends."""

from __future__ import annotations

import pytest

from opengov.tiles.grid import MAX_ZOOM
from tests.tiles.helpers import decode, tile_at, tile_url

REQUIRED = ("tilejson", "tiles", "vector_layers")


@pytest.mark.parametrize("collection", ["admin-units", "cameras", "parcels"])
def test_tilejson_has_the_required_keys_and_matches_the_collection(client, loaded_app,
                                                                   collection):
    response = client.get(f"/tiles/{collection}.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    doc = response.get_json()
    for key in REQUIRED:
        assert key in doc
    assert doc["tilejson"] == "3.0.0"
    declared = loaded_app.extensions["opengov"].registry.get(collection)
    assert doc["minzoom"] == declared.min_zoom and doc["maxzoom"] == MAX_ZOOM
    template = doc["tiles"][0]
    assert template.startswith("http://localhost/") and template.endswith("/{z}/{x}/{y}.mvt")
    extent = client.get(f"/ogc/collections/{collection}").get_json()["extent"]
    assert doc["bounds"] == pytest.approx(extent["spatial"]["bbox"][0], abs=1e-6)
    west, south, east, north = doc["bounds"]
    lon, lat, zoom = doc["center"]
    assert west <= lon <= east and south <= lat <= north
    assert doc["minzoom"] <= zoom <= doc["maxzoom"]
    assert "synthetic" in doc["attribution"] and "CC-BY-4.0" in doc["attribution"]
    layer = doc["vector_layers"][0]
    assert layer["id"] == collection and isinstance(layer["fields"], dict)
    assert all(isinstance(v, str) for v in layer["fields"].values())


def test_tilejson_fields_describe_the_tile_properties(client):
    doc = client.get("/tiles/admin-units.json").get_json()
    lon, lat, _ = doc["center"]
    z = 8
    url = doc["tiles"][0].replace("http://localhost", "").format(
        z=z, x=tile_at(lon, lat, z).x, y=tile_at(lon, lat, z).y)
    assert url == tile_url("admin-units", tile_at(lon, lat, z))
    layer = decode(client.get(url).data)["admin-units"]
    keys = {k for f in layer["features"] for k in f["properties"]}
    assert keys and keys <= set(doc["vector_layers"][0]["fields"])
    assert {"name_vi", "name_en"} <= keys


def test_tilejson_etag_and_base_url(client):
    first = client.get("/tiles/cameras.json")
    etag = first.headers["ETag"]
    assert client.get("/tiles/cameras.json",
                      headers={"If-None-Match": etag}).status_code == 304
    other_host = client.get("/tiles/cameras.json", base_url="https://maps.example.org")
    assert other_host.get_json()["tiles"][0].startswith("https://maps.example.org/tiles/")
    assert other_host.headers["ETag"] != etag
