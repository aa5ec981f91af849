"""``/monitoring`` stations and parameters; the other views register on the same blueprint.

The station list is the shared feature view plus, in GeoJSON, each air station's latest VN_AQI
(``latest_aqi``), so a map can colour stations from one request.
"""

from __future__ import annotations

import marshmallow as ma
import orjson
from flask import Response
from sqlalchemy import select

from opengov import query as q
from opengov.api import Blueprint
from opengov.collection_views import (
    PAGE_HEADERS,
    RECORD_FORMATS,
    SPATIAL_FORMATS,
    feature_page_docs,
    item_response,
    list_response,
)
from opengov.conditional import current_tag, version_tag, versioned
from opengov.context import current
from opengov.docschemas import (
    example_feature,
    feature_schema,
    listed_page_schema,
    page_schema,
    record_schema,
)
from opengov.monitoring import indices
from opengov.monitoring.collection import PARAMETERS, STATIONS
from opengov.monitoring.schemas import PARAMETER_CODES, _codes
from opengov.params import item_args_schema, list_args_schema, to_query

blp = Blueprint("monitoring", __name__, url_prefix="/monitoring",
                description="Environmental monitoring: stations, parameters, readings, VN_AQI "
                            "and QCVN 05:2023 exceedances (sample data).")

POINT = {"type": "Point", "coordinates": [108.376059, 15.824865]}
StationArgs = list_args_schema(STATIONS, SPATIAL_FORMATS, extra={
    "parameter": _codes("Only stations measuring this parameter (comma-separated: any of them).",
                        choices=PARAMETER_CODES)})
# Stations with their latest hourly AQI are kept this long (the stations alone: 300 s).
LATEST_AQI_SECONDS = 60
EXAMPLE_STATION = example_feature(STATIONS, POINT)
LISTED_STATION = example_feature(STATIONS, POINT)
LISTED_STATION["properties"]["latest_aqi"] = {
    "time": "2026-01-10T16:00:00Z", "aqi": 45, "dominant": "pm25",
    "category": {"name": {"vi": "Tốt", "en": "Good"}, "colour": "#00E400", "rgb": [0, 228, 0]}}
LISTED_STATIONS = listed_page_schema(STATIONS, "MonitoringStationsListed", {
    "latest_aqi": ma.fields.Dict(allow_none=True, metadata={
        "description": "Air stations: the newest hourly VN_AQI (time, aqi, dominant, category)"})})


def station_ids(codes: tuple[str, ...]) -> tuple[str, ...]:
    """Ids of the stations that measure any of ``codes``."""
    t = current().store.repo(STATIONS.id).table
    with current().store.engine.connect() as conn:
        rows = conn.execute(select(t.c.id, t.c.parameters)).all()
    return tuple(r[0] for r in rows if set(r[1] or ()) & set(codes))


def air_stations(only: tuple[str, ...] | None = None) -> list[str]:
    """Ids of the air stations (or of ``only``, kept in that order if they exist)."""
    t = current().store.repo(STATIONS.id).table
    with current().store.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(select(t.c.id).where(t.c.kind == "air")
                                          .order_by(t.c.id))]
    return ids if not only else [s for s in only if s in set(ids)]


def _with_latest(response: Response, page_etag: str) -> Response:
    """Add ``latest_aqi`` to each air station of a GeoJSON page; the ETag covers it."""
    doc = orjson.loads(response.get_data())
    ids = [f["id"] for f in doc["features"] if f["properties"].get("kind") == "air"]
    latest = indices.latest(current().store, ids)
    for feature in doc["features"]:
        entry = latest.get(feature["id"])
        if entry is not None:
            feature["properties"]["latest_aqi"] = {k: v for k, v in entry.items()
                                                   if k != "subindices"}
    # The page's tag (as list_response named it) and the latest readings' times: the AQI moves
    # hourly, so this answer is kept 60 s rather than the stations' own lifetime.
    version_tag(page_etag, *(e["time"] for e in latest.values()), max_age=LATEST_AQI_SECONDS)
    response.set_data(orjson.dumps(doc))
    return response


@blp.route("/stations")
@blp.doc(summary="List monitoring stations",
         description=f"{STATIONS.description['en']}\n\nGeoJSON (default; air stations carry "
                     "`latest_aqi`, their newest hourly VN_AQI) or CSV (`f=csv`). Filters "
                     "combine with AND. Follow the `next` link to page.")
@blp.arguments(StationArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
@feature_page_docs(blp, STATIONS, LISTED_STATION, "stations", schema=LISTED_STATIONS)
def list_stations(args):
    codes = args.pop("parameter", None)
    query = to_query(STATIONS, args)
    if codes:
        ids = station_ids(codes)
        only = q.In("id", ids) if ids else q.Compare("id", "=", "")
        query = q.Query(**{**query.__dict__, "filter": q.all_of(query.filter, only)})
    response = list_response(STATIONS, query)
    if response.mimetype != "application/geo+json":
        return response
    return _with_latest(response, current_tag())


@blp.route("/stations/<item_id>")
@blp.doc(summary="One monitoring station by id", description="A GeoJSON Feature (or CSV).")
@blp.arguments(item_args_schema(STATIONS, SPATIAL_FORMATS), location="query", unknown=ma.RAISE,
               as_kwargs=False)
@blp.response(200, feature_schema(STATIONS), content_type="application/geo+json",
              headers={"ETag": PAGE_HEADERS["ETag"]}, example=EXAMPLE_STATION,
              description="The station")
@blp.alt_response(404, response="NOT_FOUND")
@versioned(blp, max_age=STATIONS.cache_seconds)
def get_station(_args, item_id):
    return item_response(STATIONS, item_id)


@blp.route("/parameters")
@blp.doc(summary="List monitored parameters",
         description=f"{PARAMETERS.description['en']}\n\nJSON (default) or CSV (`f=csv`).")
@blp.arguments(list_args_schema(PARAMETERS, RECORD_FORMATS), location="query",
               unknown=ma.RAISE, as_kwargs=False)
@blp.response(200, page_schema(PARAMETERS), headers=PAGE_HEADERS,
              description="A page of parameters", example={
                  "numberMatched": 1, "numberReturned": 1, "links": [],
                  "items": [{"id": "pm25", "name": {"vi": "Bụi PM2.5", "en": "PM2.5"},
                             "unit": "µg/m³", "medium": "air", "valid_min": 0,
                             "valid_max": 2000}]})
@blp.alt_response(200, schema={"type": "string"}, content_type="text/csv",
                  example="id,name_vi,name_en,unit,medium,valid_min,valid_max")
@versioned(blp, max_age=PARAMETERS.cache_seconds)
def list_parameters(args):
    return list_response(PARAMETERS, to_query(PARAMETERS, args))


@blp.route("/parameters/<item_id>")
@blp.doc(summary="One monitored parameter by code", description="JSON (or CSV).")
@blp.arguments(item_args_schema(PARAMETERS, RECORD_FORMATS), location="query",
               unknown=ma.RAISE, as_kwargs=False)
@blp.response(200, record_schema(PARAMETERS), description="The parameter",
              example={"id": "pm25", "name": {"vi": "Bụi PM2.5", "en": "PM2.5"},
                       "unit": "µg/m³", "medium": "air", "valid_min": 0, "valid_max": 2000})
@blp.alt_response(404, response="NOT_FOUND")
@versioned(blp, max_age=PARAMETERS.cache_seconds)
def get_parameter(_args, item_id):
    return item_response(PARAMETERS, item_id)
