"""HTTP endpoints under /land: parcels, planning zones, price zones, point lookup, statistics."""

from __future__ import annotations

import marshmallow as ma
import orjson
from flask import Response

from opengov.api import Blueprint
from opengov.collection_views import (
    PAGE_HEADERS,
    RECORD_FORMATS,
    SPATIAL_FORMATS,
    feature_page_docs,
    item_response,
    list_response,
)
from opengov.collections import Collection
from opengov.conditional import version_tag, versioned
from opengov.context import current
from opengov.docschemas import example_feature, feature_schema, page_schema
from opengov.encoders.stored import spatial_encoders
from opengov.errors import ApiError
from opengov.geo.crs import CONTENT_CRS_HEADER as CRS_HEADER
from opengov.geo.crs import CRS84, SUPPORTED, content_crs
from opengov.land import args as land_args
from opengov.land.collection import CODES, PARCELS, PRICES, ZONES
from opengov.land.queries import area_stats, lookup
from opengov.land.schemas import (
    LandLookupArgs,
    LandLookupSchema,
    LandStatsArgs,
    LandStatsSchema,
)
from opengov.params import list_args_schema, to_query

blp = Blueprint("land", __name__, url_prefix="/land",
                description="Cadastral parcels, land-use planning zones and land prices.")

EXAMPLE_POLYGON = {"type": "Polygon", "coordinates": [[
    [108.474, 15.573], [108.47405, 15.573], [108.47405, 15.57322], [108.474, 15.57322],
    [108.474, 15.573]]]}


def _register(collection: Collection, path: str, noun: str, parcels: bool = False) -> None:
    """List and item views of one land collection at ``/land/<path>``."""
    example = example_feature(collection, EXAMPLE_POLYGON)
    schema = land_args.land_args_schema(collection, parcels=parcels)
    item_schema = land_args.item_args_schema(collection)

    @blp.route(f"/{path}", endpoint=f"list_{path}")
    @blp.doc(summary=f"List {noun}",
             description=f"{collection.description['en']}\n\nGeoJSON FeatureCollection "
                         f"(default) or CSV. `limit` up to {collection.max_limit}. Filters "
                         "combine with AND; comma-separated values of one filter with OR. "
                         "`crs=EPSG:5899` returns VN-2000 / TM-3 107-45 metres as loaded.")
    @blp.arguments(schema, location="query", unknown=ma.RAISE, as_kwargs=False)
    @feature_page_docs(blp, collection, example, noun)
    def list_view(args):
        read = land_args.display(collection, args)
        query = land_args.land_query(collection, args)
        return list_response(collection, query, encoders=spatial_encoders(read),
                             crs_uri=read.crs.uri, count_limit=collection.count_limit)

    @blp.route(f"/{path}/<item_id>", endpoint=f"item_{path}")
    @blp.doc(summary=f"One of the {noun} by id",
             description="A GeoJSON Feature (or CSV with `f=csv`); `crs` as for the list.")
    @blp.arguments(item_schema, location="query", unknown=ma.RAISE, as_kwargs=False)
    @blp.response(200, feature_schema(collection), content_type="application/geo+json",
                  headers={"ETag": PAGE_HEADERS["ETag"], **CRS_HEADER}, example=example,
                  description="The feature")
    @blp.alt_response(404, response="NOT_FOUND")
    @versioned(blp, max_age=collection.cache_seconds)
    def item_view(args, item_id):
        read = land_args.display(collection, args)

        def render(_fmt: str, stored: str) -> tuple[str, str]:
            return read.feature(stored), "application/geo+json"

        return item_response(collection, item_id, formats=SPATIAL_FORMATS, render=render,
                             crs_uri=read.crs.uri, feature_column=read.feature_column)


_register(PARCELS, "parcels", "parcels", parcels=True)
_register(ZONES, "zones", "planning zones")
_register(PRICES, "prices", "land price zones")


CodeArgs = list_args_schema(CODES, RECORD_FORMATS)


@blp.route("/codes")
@blp.doc(summary="Land-use codes, versioned",
         description=f"{CODES.description['en']}\n\nFilter by `code`, `scheme` or "
                     "`land_group`; `q` searches the names. JSON (default) or CSV.")
@blp.arguments(CodeArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
@blp.response(200, page_schema(CODES), headers=PAGE_HEADERS,
              description="A page of land-use codes", example={
    "numberMatched": 1, "numberReturned": 1, "links": [], "items": [{
        "id": "27/2018:BHK", "code": "BHK", "name": {
            "vi": "Đất bằng trồng cây hằng năm khác", "en": "Other annual crops on flat land"},
        "land_group": "agricultural", "scheme": "27/2018/TT-BTNMT", "valid_from": "2019-01-14",
        "valid_to": "2024-07-31", "replaced_by": "HNK"}]})
@blp.alt_response(200, schema={"type": "string"}, content_type="text/csv",
                  example="id,code,name_vi,name_en,…")
@versioned(blp, max_age=CODES.cache_seconds)
def codes_view(args):
    return list_response(CODES, to_query(CODES, args))


@blp.route("/lookup")
@blp.doc(summary="Parcel, planning zone and land price at a point",
         description="The parcel containing the point (WGS 84 lon/lat), with the planning zone "
                     "and the price zone at that point, in one answer. 404 outside the parcels.")
@blp.arguments(LandLookupArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
@blp.response(200, LandLookupSchema, headers={"ETag": PAGE_HEADERS["ETag"], **CRS_HEADER},
              example={"point": {"type": "Point", "coordinates": [108.4742, 15.5731]},
                       "parcel": example_feature(PARCELS, EXAMPLE_POLYGON),
                       "zone": example_feature(ZONES, EXAMPLE_POLYGON),
                       "price": example_feature(PRICES, EXAMPLE_POLYGON)})
@blp.alt_response(404, response="NOT_FOUND")
@versioned(blp, max_age=PARCELS.cache_seconds)
def lookup_view(args):
    store = current().store
    with store.reading() as conn:  # one statement: versions and the three features
        versions, found = lookup(store, args["lon"], args["lat"], conn)
    version_tag("land-lookup", *versions, args["lon"], args["lat"])
    if found["parcel"] is None:
        raise ApiError(404, f"No parcel contains the point {args['lon']}, {args['lat']}.")
    parts = [b'{"point":', orjson.dumps({"type": "Point",
                                         "coordinates": [args["lon"], args["lat"]]})]
    for key in ("parcel", "zone", "price"):
        value = found[key]
        parts += [f',"{key}":'.encode(), _bytes(value) if value is not None else b"null"]
    response = Response(b"".join(parts) + b"}", content_type="application/json")
    response.headers["Content-Crs"] = content_crs(SUPPORTED[CRS84])
    return response


def _bytes(value) -> bytes:
    return value if isinstance(value, bytes | bytearray | memoryview) and not isinstance(
        value, str) else str(value).encode()


@blp.route("/stats")
@blp.doc(summary="Area by land-use code per commune",
         description="Total parcel area (m²) and parcel count per recorded land-use value "
                     "(mixed uses such as `ODT+CLN` under their own value) per current commune. "
                     "Computed once per version of the parcels.")
@blp.arguments(LandStatsArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
@blp.response(200, LandStatsSchema, headers={"ETag": PAGE_HEADERS["ETag"]}, example={
    "version": 1, "area_m2": 1520.5, "parcels": 12, "communes": [{
        "commune": "20341", "area_m2": 1520.5, "parcels": 12, "landuse": [
            {"code": "ODT", "area_m2": 1210.0, "parcels": 10},
            {"code": "ODT+CLN", "area_m2": 310.5, "parcels": 2}]}]})
@versioned(blp, max_age=PARCELS.cache_seconds)
def stats_view(args):
    store = current().store
    communes = args.get("commune")
    with store.reading() as conn:
        state = store.repo(PARCELS.id).state(conn)
        version_tag("land-stats", state.version, communes)
        body = area_stats(store, state.version, communes, conn)
    response = Response(orjson.dumps({"version": state.version, **body}),
                        content_type="application/json")
    if state.modified is not None:
        response.last_modified = state.modified
    return response

