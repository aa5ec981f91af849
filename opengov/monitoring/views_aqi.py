"""``/monitoring/aqi``, ``/monitoring/aqi/latest`` (GeoJSON for maps) and ``/exceedances``."""

from __future__ import annotations

import time

import marshmallow as ma
import orjson
from flask import Response
from sqlalchemy import select

from opengov.context import current
from opengov.errors import ApiError
from opengov.monitoring import indices, standards
from opengov.monitoring.collection import STATIONS
from opengov.monitoring.queries import DAY, HOUR
from opengov.monitoring.routes import air_stations, blp
from opengov.monitoring.schemas import (
    AqiArgs,
    AqiLatestArgs,
    AqiSeriesSchema,
    ExceedanceArgs,
    ExceedancePageSchema,
)
from opengov.negotiation import negotiate

METHOD = "VN_AQI, Decision 1459/QĐ-TCMT (2019)"
STANDARD = "QCVN 05:2023/BTNMT (PM2.5 24-h limit 45 µg/Nm³ from 2026-01-01)"
MAX_SPAN = {"hour": 366 * DAY, "day": 3660 * DAY}
DEFAULT_SPAN = {"hour": DAY, "day": 30 * DAY}
CATEGORY = {"name": {"vi": "Tốt", "en": "Good"}, "colour": "#00E400", "rgb": [0, 228, 0]}
AQI_EXAMPLE = {"time": "2026-01-10T16:00:00Z", "aqi": 45, "category": CATEGORY,
               "dominant": "pm25", "subindices": {"pm25": 45, "pm10": 34, "o3": 20}}


def _window(args: dict, resolution: str, required: bool = False) -> tuple[int, int]:
    start, end = args.get("start"), args.get("end")
    if required and (start is None or end is None):
        raise ApiError(400, "Give both `from` and `to`.", errors=[
            {"location": "query", "field": "from", "messages": ["required with to"]}])
    end_s = int(end.timestamp()) if end else int(time.time()) // HOUR * HOUR + HOUR
    start_s = int(start.timestamp()) if start else end_s - DEFAULT_SPAN[resolution]
    if end_s <= start_s:
        raise ApiError(400, "`to` must be after `from`.", errors=[
            {"location": "query", "field": "to", "messages": ["must be after from"]}])
    if end_s - start_s > MAX_SPAN[resolution]:
        raise ApiError(400, f"At most {MAX_SPAN[resolution] // DAY} days per request at "
                            f"resolution {resolution}.", errors=[
            {"location": "query", "field": "to", "messages": ["range too long"]}])
    return start_s, end_s


def _json(body: dict) -> Response:
    """Large answers are serialised once with orjson (the schemas only document them)."""
    return Response(orjson.dumps(body), mimetype="application/json",
                    headers={"Cache-Control": "public, max-age=60"})


def _stations(args: dict) -> list[str]:
    asked = tuple(args.get("station") or ())
    found = air_stations(asked or None)
    missing = [s for s in asked if s not in found]
    if missing:
        raise ApiError(404, f"No air station {', '.join(missing)}.")
    return found


@blp.route("/aqi")
@blp.doc(summary="VN_AQI per station: hourly (NowCast) or daily",
         description="Computed as Decision 1459/QĐ-TCMT (2019) prescribes: sub-index per "
                     "pollutant, the overall index (the largest), the dominant pollutant, the "
                     "category (vi/en) and its official colour. Hourly PM uses NowCast over 12 "
                     "hours; a day is the local day (hours ending 01:00 … 24:00). Hours or days "
                     "without PM2.5 or PM10 have no index. See docs/monitoring.md for rounding.")
@blp.arguments(AqiArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
@blp.response(200, AqiSeriesSchema, description="Index series", example={
    "method": METHOD, "resolution": "hour",
    "stations": [{"station": "aq-001", "values": [AQI_EXAMPLE]}]})
def get_aqi(args):
    resolution = args["resolution"]
    start, end = _window(args, resolution)
    stations = _stations(args)
    found = indices.series(current().store, stations, start, end, resolution)
    return _json({"method": METHOD, "resolution": resolution,
                  "stations": [{"station": s, "values": found.get(s, [])} for s in stations]})


@blp.route("/aqi/latest")
@blp.doc(summary="The newest hourly VN_AQI of every air station, as GeoJSON for maps",
         description="One Point feature per air station with its newest hourly index, "
                     "category, official colour, dominant pollutant and sub-indices; stations "
                     "without recent PM data have `aqi: null`.")
@blp.arguments(AqiLatestArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
@blp.response(200, schema={"type": "object"}, content_type="application/geo+json",
              description="FeatureCollection", example={
                  "type": "FeatureCollection", "features": [{
                      "type": "Feature", "id": "aq-001",
                      "geometry": {"type": "Point", "coordinates": [108.376059, 15.824865]},
                      "properties": {"name": {"vi": "Trạm không khí Duy Nghĩa (mẫu)",
                                              "en": "Duy Nghia air station (sample)"},
                                     "status": "active", **AQI_EXAMPLE}}]})
def get_aqi_latest(args):
    negotiate(("geojson",), "geojson")
    store = current().store
    stations = _stations(args)
    latest = indices.latest(store, stations)
    t = store.repo(STATIONS.id).table
    with store.engine.connect() as conn:
        rows = {r[0]: r[1] for r in conn.execute(select(t.c.id, t.c._feature)
                                                 .where(t.c.id.in_(stations)))}
    features = []
    for station in stations:
        stored = orjson.loads(rows[station])
        props = stored["properties"]
        entry = latest.get(station) or {"time": None, "aqi": None, "category": None,
                                        "dominant": None, "subindices": {}}
        features.append({"type": "Feature", "id": station, "geometry": stored["geometry"],
                         "properties": {"name": props.get("name"),
                                        "status": props.get("status"), **entry}})
    body = orjson.dumps({"type": "FeatureCollection", "features": features})
    return Response(body, mimetype="application/geo+json",
                    headers={"Cache-Control": "public, max-age=60"})


@blp.route("/exceedances")
@blp.doc(summary="Hours and days above the QCVN 05:2023/BTNMT limits",
         description="Per station, parameter and averaging period (1 h, 8 h, 24 h, year): how "
                     "many periods had enough data, how many were above the limit, the worst, "
                     "and the exceeding periods. The PM2.5 24-hour limit is 50 µg/Nm³ for days "
                     "before 2026-01-01 and 45 µg/Nm³ from then on. The range is aligned to "
                     "local days.")
@blp.arguments(ExceedanceArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
@blp.response(200, ExceedancePageSchema, description="Exceedance summaries", example={
    "standard": STANDARD, "results": [{
        "station": "aq-003", "parameter": "pm25", "averaging": "24h", "unit": "µg/Nm³",
        "limits": [45.0, 50.0], "evaluated": 21, "exceeded": 2,
        "worst": {"start": "2026-01-01T17:00:00Z", "value": 67.72},
        "items": [{"start": "2026-01-01T17:00:00Z", "value": 67.72, "limit": 45.0}],
        "truncated": False}]})
def get_exceedances(args):
    start, end = _window(args, "day", required=True)
    start, end = indices.align(start, end, "day")
    parameters = tuple(args.get("parameter") or standards.LIMITS)
    periods = tuple(args.get("averaging") or standards.PERIODS)
    results = standards.exceedances(current().store, _stations(args), parameters, start, end,
                                    periods)
    return _json({"standard": STANDARD, "results": results})
