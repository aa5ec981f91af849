"""Shared helpers of the tile tests: decoding, tile numbers, source geometry in tile units."""

from __future__ import annotations

import mapbox_vector_tile
import numpy as np
import shapely
from shapely.geometry import shape

from opengov.tiles.grid import Tile, lonlat_to_tile, tile_transform

MVT = "application/vnd.mapbox-vector-tile"


def decode(data: bytes) -> dict:
    """Layers of an MVT in tile units (y down, as encoded)."""
    return mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})


def tile_url(collection: str, tile: Tile) -> str:
    return f"/tiles/{collection}/{tile.z}/{tile.x}/{tile.y}.mvt"


def tile_at(lon: float, lat: float, z: int) -> Tile:
    return lonlat_to_tile(lon, lat, z)


def source_features(client, collection: str, tile: Tile) -> list[dict]:
    """The collection's GeoJSON features in the tile's box (through the API)."""
    box = ",".join(str(v) for v in tile.lonlat_bounds())
    url = f"/ogc/collections/{collection}/items?limit=1000&bbox={box}"
    features: list[dict] = []
    while url:
        body = client.get(url).get_json()
        features += body["features"]
        url = next((link["href"].replace("http://localhost", "") for link in body["links"]
                    if link["rel"] == "next"), None)
    return features


def in_tile_units(geometry: dict, tile: Tile):
    """A GeoJSON geometry projected into the tile's units (4096 per side, y down)."""
    return shapely.transform(shape(geometry), tile_transform(tile))


def decoded_shapes(layer: dict) -> dict:
    """Feature id → shapely geometry of a decoded layer."""
    return {f["id"]: shape(f["geometry"]) for f in layer["features"]}


def tile_box() -> shapely.Polygon:
    return shapely.box(0, 0, 4096, 4096)


def centre(geoms) -> tuple[float, float]:
    minx, miny, maxx, maxy = shapely.total_bounds(np.asarray(geoms))
    return (minx + maxx) / 2, (miny + maxy) / 2
