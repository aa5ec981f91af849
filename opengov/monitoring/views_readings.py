"""``/monitoring/readings`` (read and ingest) and ``/monitoring/latest``."""

from __future__ import annotations

from datetime import datetime

import marshmallow as ma
import pandas as pd
from flask import Response, g, request

from opengov import bodylimit
from opengov.bearer import BEARER_DOC, require_role
from opengov.context import current
from opengov.cursor import Cursor, CursorError
from opengov.errors import ApiError
from opengov.links import page_url
from opengov.monitoring import ingest, queries
from opengov.monitoring.encoding import (
    buckets_csv,
    buckets_json,
    csv_stream,
    json_stream,
    records,
)
from opengov.monitoring.routes import blp
from opengov.monitoring.sample import sample_stations
from opengov.monitoring.schemas import (
    IngestResultSchema,
    LatestArgs,
    ReadingsArgs,
    ReadingsPageSchema,
)
from opengov.negotiation import negotiate

DEFAULT_PAGE = 1000
CSV_EXAMPLE = ("station,parameter,time,value,unit,flag\r\n"
               "aq-001,pm25,2026-01-10T16:00:00Z,17.43,µg/m³,valid\r\n")
JSON_EXAMPLE = {"meta": {"resolution": "raw", "returned": 1}, "links": [], "results": [
    {"station": "aq-001", "parameter": "pm25", "time": "2026-01-10T16:00:00Z", "value": 17.43,
     "unit": "µg/m³", "flag": "valid"}]}


def _epoch(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


def _selection(args: dict) -> queries.Selection:
    start, end = _epoch(args.get("start")), _epoch(args.get("end"))
    if start is not None and end is not None and end <= start:
        raise ApiError(400, "`to` must be after `from`.", errors=[
            {"location": "query", "field": "to", "messages": ["must be after from"]}])
    return queries.Selection(tuple(args["station"]), tuple(args.get("parameter") or ()),
                             start, end)


def _after(token: str | None) -> tuple | None:
    if not token:
        return None
    try:
        key = Cursor.decode(token, ("string", "string", "integer")).key
        if None in key:
            raise CursorError("malformed cursor")
        return key
    except CursorError as exc:
        raise ApiError(400, str(exc), errors=[{"location": "query", "field": "cursor",
                                               "messages": [str(exc)]}]) from exc


def _aggregated(store, sel: queries.Selection, resolution: str) -> list[queries.Buckets]:
    if resolution == "hour":
        return queries.hourly(store, sel)
    days = queries.days(store, sel)
    return queries.months(days) if resolution == "month" else days


@blp.route("/readings")
@blp.doc(summary="Readings: raw values or hourly/daily/monthly aggregates",
         description="Raw readings are paged with a keyset cursor (`next` link) in JSON; CSV "
                     "(`f=csv` or `Accept: text/csv`) streams the whole range. Aggregates use "
                     "valid readings only; days and months are local (UTC+7). Times are the "
                     "start of the hour (or bucket), ISO 8601 UTC; ranges are half-open.")
@blp.arguments(ReadingsArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
@blp.response(200, ReadingsPageSchema, example=JSON_EXAMPLE, description="Readings")
@blp.alt_response(200, schema={"type": "string"}, content_type="text/csv",
                  example=CSV_EXAMPLE)
def get_readings(args):
    fmt = negotiate(("json", "csv"), "json", spatial=False)
    store = current().store
    sel = _selection(args)
    resolution = args["resolution"]
    headers = {"Cache-Control": "public, max-age=60"}
    after = _after(args.get("cursor"))
    if resolution != "raw":
        return _aggregated_response(store, sel, args, fmt, after, headers)
    if fmt == "csv":
        batches = queries.raw(store, sel, after=after, limit=args.get("limit"))
        return Response(csv_stream(batches), mimetype="text/csv", headers=headers)
    limit = args.get("limit") or DEFAULT_PAGE
    rows = [r for batch in queries.raw(store, sel, after=after, limit=limit + 1) for r in batch]
    links = [{"rel": "self", "href": page_url(), "type": "application/json"}]
    if len(rows) > limit:
        rows = rows[:limit]
        token = Cursor(tuple(rows[-1][:3]), "next").encode()
        links.append({"rel": "next", "href": page_url(cursor=token),
                      "type": "application/json"})
    head = {"meta": {"resolution": "raw", "returned": len(rows)}, "links": links}
    response = Response(json_stream(head, [rows]), mimetype="application/json",
                        headers=headers)
    return _with_next(response, links)


def _with_next(response: Response, links: list[dict]) -> Response:
    """The ``Link: <…>; rel="next"`` header when ``links`` has a next page."""
    if len(links) > 1:
        response.headers["Link"] = f'<{links[1]["href"]}>; rel="next"'
    return response


def _aggregated_response(store, sel: queries.Selection, args: dict, fmt: str,
                         after: tuple | None, headers: dict) -> Response:
    """Hourly, daily or monthly buckets; ``limit`` pages them like raw readings (a ``next``
    link with a cursor), and without it every bucket of the range is answered."""
    series = _aggregated(store, sel, args["resolution"])  # bounded: one row per bucket
    following = None
    if args.get("limit") or after is not None:
        series, following = queries.page_buckets(series, after,
                                                 args.get("limit") or DEFAULT_PAGE)
    if fmt == "csv":
        return Response(buckets_csv(series, args["agg"]), mimetype="text/csv", headers=headers)
    links = [{"rel": "self", "href": page_url(), "type": "application/json"}]
    if following is not None:
        links.append({"rel": "next", "href": page_url(cursor=Cursor(following, "next").encode()),
                      "type": "application/json"})
    head = {"meta": {"resolution": args["resolution"], "agg": args["agg"],
                     "returned": sum(len(b.time) for b in series)}, "links": links}
    return _with_next(Response(buckets_json(head, series, args["agg"]),
                               mimetype="application/json", headers=headers), links)


blp.record_once(lambda state: bodylimit.allow_larger(
    state.app, "monitoring.post_readings", lambda s: s.ingest_max_body_bytes))


# The documented bodies: an array of readings, bare or as ``{"readings": [...]}``; a CSV with
# its header row then one row per reading (the header's optional unit and flag columns are in
# the description: a pattern stating all three variants would be unreadable).
READINGS_ARRAY = {"type": "array", "minItems": 1, "maxItems": ingest.MAX_BATCH, "items": {
    "type": "object", "properties": {
        "station": {"type": "string"}, "parameter": {"type": "string"},
        "time": {"type": "string", "format": "date-time"},
        "value": {"type": "number"}, "unit": {"type": "string"},
        "flag": {"type": "string", "enum": ["valid", "suspect", "invalid"]}},
    "required": ["station", "parameter", "time", "value"]}}
_CELL = '[^,"\\r\\n]*'
CSV_PATTERN = (r"^station,parameter,time,value\r?\n"
               rf"({_CELL},{_CELL},{_CELL},{_CELL}\r?\n)+$")


@blp.route("/readings", methods=["POST"])
@blp.doc(summary="Ingest a batch of readings (role ingest)",
         description=f"Up to {ingest.MAX_BATCH} readings as JSON (`{{\"readings\": [...]}}`) or "
                     "CSV (header `station,parameter,time,value[,unit][,flag]`). Every row is "
                     "checked first (station, parameter, unit, finite value in range, time with "
                     "offset and not in the future); any bad row answers 422 listing them, and "
                     "nothing is written. A reading already stored (same station, parameter, "
                     "time) is skipped and counted as a duplicate, so resending is safe. A key "
                     "scoped to an operator writes only that operator's stations.",
         requestBody={"required": True, "content": {
             "application/json": {"schema": {"oneOf": [
                 {"type": "object", "properties": {"readings": READINGS_ARRAY},
                  "required": ["readings"]},
                 READINGS_ARRAY]},
                 "example": {"readings": [{"station": "aq-001", "parameter": "pm25",
                                           "time": "2026-01-15T08:00:00+07:00",
                                           "value": 21.4, "unit": "µg/m³"}]}},
             "text/csv": {"schema": {"type": "string", "pattern": CSV_PATTERN},
                          "example": "station,parameter,time,value\r\n"
                                     "aq-001,pm25,2026-01-15T08:00:00+07:00,21.4\r\n"}}},
         **BEARER_DOC)
@blp.response(200, IngestResultSchema, description="Nothing new (a resend)", example={
    "received": 1, "inserted": 0, "duplicates": 1, "resend": True})
@blp.alt_response(201, schema=IngestResultSchema, description="Readings stored", example={
    "received": 1, "inserted": 1, "duplicates": 0, "resend": False})
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
@blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@require_role("ingest")
def post_readings():
    mimetype = request.mimetype
    try:
        if mimetype == "application/json" or mimetype.endswith("+json"):
            batch = ingest.parse_json(request.get_data())
        elif mimetype in ("text/csv", "application/csv"):
            batch = ingest.parse_csv(request.get_data())
        else:
            raise ApiError(415, "Send the batch as application/json or text/csv (got "
                                f"{mimetype or 'no Content-Type'}).")
    except ingest.BatchError as exc:
        raise ApiError(exc.status, str(exc)) from exc
    outcome = ingest.ingest(current().store, batch, g.api_key.scope, pd.Timestamp.now(tz="UTC"))
    if outcome.forbidden:
        raise ApiError(403, f"Your key may write only stations of operator {g.api_key.scope!r}.",
                       errors=outcome.errors)
    if outcome.errors:
        raise ApiError(422, f"{outcome.bad_rows} of {outcome.received} readings are invalid; "
                            "nothing was written.", errors=outcome.errors, kind="validation")
    body = {"received": outcome.received, "inserted": outcome.inserted,
            "duplicates": outcome.duplicates, "resend": outcome.inserted == 0}
    return body, 201 if outcome.inserted else 200


@blp.route("/latest")
@blp.doc(summary="The newest reading of each station and parameter",
         description="Like OpenAQ's `latest`: one row per station and parameter that has data.")
@blp.arguments(LatestArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
@blp.response(200, ReadingsPageSchema, example=JSON_EXAMPLE, description="Newest readings")
@blp.alt_response(200, schema={"type": "string"}, content_type="text/csv",
                  example=CSV_EXAMPLE)
def get_latest(args):
    fmt = negotiate(("json", "csv"), "json", spatial=False)
    store = current().store
    wanted_stations = set(args.get("station") or ())
    wanted_parameters = set(args.get("parameter") or ())
    pairs = [(s, p) for s, params in sample_stations(store, None) for p in params
             if (not wanted_stations or s in wanted_stations)
             and (not wanted_parameters or p in wanted_parameters)]
    rows = queries.latest(store, pairs)
    headers = {"Cache-Control": "public, max-age=60"}
    if fmt == "csv":
        return Response(csv_stream([rows]), mimetype="text/csv", headers=headers)
    return {"meta": {"resolution": "raw", "returned": len(rows)}, "links": [],
            "results": records(rows)}
