"""``/tiles``: Mapbox Vector Tiles and TileJSON for every spatial collection."""

from __future__ import annotations

from functools import cache

from flask import Response

from opengov.api import Blueprint
from opengov.collections import Collection
from opengov.conditional import version_tag, versioned
from opengov.context import current
from opengov.errors import ApiError
from opengov.geo.geojson import dumps
from opengov.links import base_url
from opengov.tiles.grid import MAX_ZOOM, Tile, TileError
from opengov.tiles.service import render, version_key
from opengov.tiles.tilejson import tilejson

MVT_MEDIA_TYPE = "application/vnd.mapbox-vector-tile"

CACHE_HEADERS = {
    "ETag": {"description": "Version of this tile (collection version and z/x/y); send it back "
                            "in If-None-Match", "schema": {"type": "string"}},
    "Cache-Control": {"description": "How long the collection's answers may be reused",
                      "schema": {"type": "string"}},
}


def _param(name: str, description: str, schema: dict) -> dict:
    return {"in": "path", "name": name, "required": True, "description": description,
            "schema": schema}


def _collection_param(spatial: tuple[Collection, ...]) -> dict:
    return _param("collection_id", "A spatial collection (see `/ogc/collections`)",
                  {"type": "string", "enum": [c.id for c in spatial]})


def _tile_params(spatial: tuple[Collection, ...]) -> list[dict]:
    return [
        _collection_param(spatial),
        _param("z", f"Zoom level, 0–{MAX_ZOOM}", {"type": "integer", "minimum": 0,
                                                 "maximum": MAX_ZOOM}),
        _param("x", "Column, 0 to 2^z − 1, from 180° W eastwards",
               {"type": "integer", "minimum": 0}),
        _param("y", "Row, 0 to 2^z − 1, from 85.05° N southwards",
               {"type": "integer", "minimum": 0}),
    ]


def _spatial_collection(collection_id: str) -> Collection:
    registry = current().registry
    if collection_id not in registry or not registry.get(collection_id).spatial:
        raise ApiError(404, f"No spatial collection {collection_id!r}.")
    return registry.get(collection_id)


def _min_zooms(spatial: tuple[Collection, ...]) -> str:
    raised = [f"`{c.id}` from z{c.min_zoom}" for c in spatial if c.min_zoom > 0]
    return "; ".join(raised) if raised else "none"


@cache
def build(spatial: tuple[Collection, ...]) -> Blueprint:
    """The blueprint over ``spatial``, an application's spatial collections (documented in
    OpenAPI with their ids and minimum zooms). Built once per distinct set of declarations:
    a process-wide cache, as the declarations are immutable."""
    blp = Blueprint("tiles", __name__, url_prefix="/tiles",
                    description="Mapbox Vector Tiles (WebMercator XYZ) and TileJSON 3.0.0 for "
                                "every spatial collection")
    tile_params = _tile_params(spatial)
    collection_param = tile_params[0]

    @blp.route("/<collection_id>/<z>/<x>/<y>.mvt", parameters=tile_params)
    @blp.doc(summary="A vector tile of a collection",
             description="One Mapbox Vector Tile (MVT 2.1, extent 4096, WebMercator XYZ "
                         "numbering) with one layer named after the collection: every feature "
                         "with its id (the record's storage number; the public `id` is a "
                         "property) and its scalar public properties (bilingual ones as "
                         "`<name>_vi`/`<name>_en`, dates as ISO 8601 text). Polygons are "
                         "generalised per zoom as a coverage, so a tessellation stays without "
                         "gaps or overlaps; points are exact to the tile grid. 204 No Content "
                         "below the collection's minimum zoom or where the tile holds no "
                         f"feature (minimum zooms: {_min_zooms(spatial)}). Tiles are cached per "
                         "collection version (`docs/tiles.md`).")
    @blp.response(200, {"type": "string", "format": "binary"}, content_type=MVT_MEDIA_TYPE,
                  headers=CACHE_HEADERS, description="The tile",
                  example="(binary protobuf: Tile.layers[0].name = the collection id)")
    @blp.alt_response(204, description="No feature here: below the collection's minimum zoom or "
                                       "outside its data", headers=CACHE_HEADERS)
    @blp.alt_response(400, response="BAD_REQUEST", description="z, x or y outside the grid")
    @blp.alt_response(404, response="NOT_FOUND", description="No such spatial collection")
    @versioned(blp)
    def tile_view(collection_id: str, z: str, x: str, y: str):
        collection = _spatial_collection(collection_id)
        try:
            tile = Tile.parse(z, x, y)
        except TileError as exc:
            raise ApiError(400, str(exc), errors=[{"location": "path", "field": "z/x/y",
                                                   "messages": [str(exc)]}]) from exc
        state = current().store.repo(collection.id).state()
        version_tag("tile", collection.id, version_key(state), tile.z, tile.x, tile.y,
                    max_age=collection.cache_seconds)
        data = render(collection, tile, state) if tile.z >= collection.min_zoom else b""
        if not data:
            empty = Response(status=204)
            del empty.headers["Content-Type"]
            return empty
        return Response(data, mimetype=MVT_MEDIA_TYPE)

    @blp.route("/<collection_id>.json", parameters=[collection_param])
    @blp.doc(summary="TileJSON of a collection's vector tiles",
             description="TileJSON 3.0.0: the absolute tile URL template, zoom range (the "
                         "collection's minimum zoom to the deepest served), bounds from the "
                         "collection's extent, attribution and licence, and the layer with its "
                         "fields.")
    @blp.response(200, {"type": "object"}, content_type="application/json", headers=CACHE_HEADERS,
                  description="The TileJSON document",
                  example={"tilejson": "3.0.0", "tiles": [
                      "https://example.org/tiles/cameras/{z}/{x}/{y}.mvt"], "minzoom": 0,
                      "maxzoom": MAX_ZOOM, "vector_layers": [{"id": "cameras", "fields": {}}]})
    @blp.alt_response(404, response="NOT_FOUND", description="No such spatial collection")
    @versioned(blp)
    def tilejson_view(collection_id: str):
        collection = _spatial_collection(collection_id)
        state = current().store.repo(collection.id).state()
        version_tag("tilejson", collection.id, version_key(state), base_url(),
                    max_age=collection.cache_seconds)
        return Response(dumps(tilejson(collection)), mimetype="application/json")

    return blp
