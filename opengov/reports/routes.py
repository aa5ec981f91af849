"""Native endpoints: submit, list (GeoJSON), read, history, track, stats, photos."""

from __future__ import annotations

from dataclasses import replace

import marshmallow as ma
from flask import Response, current_app, request, url_for

from opengov import query as q
from opengov.api import Blueprint
from opengov.bearer import OPTIONAL_BEARER_DOC
from opengov.collection_views import (
    PAGE_HEADERS,
    SPATIAL_FORMATS,
    feature_page_docs,
    list_response,
)
from opengov.conditional import make_etag, version_tag, versioned
from opengov.context import current
from opengov.docschemas import example_feature, feature_schema
from opengov.errors import ApiError
from opengov.geo.geojson import dumps
from opengov.keys import verify_token
from opengov.params import item_args_schema, list_args_schema, to_query
from opengov.reports import limits, queries, service
from opengov.reports.collection import REPORTS
from opengov.reports.privacy import Janitor
from opengov.reports.schemas import (
    HistorySchema,
    ReceiptSchema,
    StatsArgs,
    StatsSchema,
    SubmitSchema,
    TrackSchema,
    date_range_args,
)
from opengov.reports.submission import read_submission

blp = Blueprint("reports", __name__, url_prefix="/reports", description=REPORTS.description["en"])

STAFF_ROLES = ("official", "dispatcher", "admin")
EXAMPLE_GEOMETRY = {"type": "Point", "coordinates": [108.4745, 15.5733]}
EXAMPLE_FEATURE = example_feature(REPORTS, EXAMPLE_GEOMETRY)
EXAMPLE_HISTORY = [{"datetime": "2026-01-15T02:30:00Z", "type": "status_change",
                    "status": "received", "agency": "so-xay-dung",
                    "description": "Đã tiếp nhận phản ánh. / Report received."}]


@blp.record_once
def _setup(state) -> None:
    """Per application: submission limits and the erasure janitor."""
    from opengov.reports.open311 import blp as open311_blp

    ctx = state.app.extensions["opengov"]
    limits.install(state.app, [blp, open311_blp], ctx.settings)
    state.app.extensions["opengov-reports"] = Janitor()


@blp.before_request
def _housekeeping() -> None:
    if request.method != "GET":
        ctx = current()
        current_app.extensions["opengov-reports"].maybe_run(ctx.store, ctx.settings)


def _report_tag(report_id: str, row_version: int) -> tuple:
    """What a report's ETag is made of: it changes with every change of the report."""
    return REPORTS.id, report_id, row_version


def report_etag(report_id: str, row_version: int) -> str:
    return make_etag(*_report_tag(report_id, row_version))


def receipt_response(receipt: service.Receipt) -> Response:
    body = {"id": receipt.report_id, "tracking_token": receipt.token, "status": "received",
            "links": {"report": url_for("reports.item", report_id=receipt.report_id),
                      "track": url_for("reports.track", token=receipt.token)}}
    response = Response(dumps(body), status=200 if receipt.replayed else 201,
                        mimetype="application/json")
    response.headers["Location"] = body["links"]["report"]
    if receipt.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


# The multipart fields sent as text parts (photos are the file parts).
TEXT_PARTS = ("category", "description", "lon", "lat", "address", "name", "email", "phone")


@blp.route("", methods=["POST"])
@blp.doc(summary="Submit a report",
         description="JSON, or multipart/form-data with up to 5 `photos` (JPEG/PNG, 5 MB each; "
                     "contact fields `name`, `email`, `phone` at top level; answers to the "
                     "category's attributes as `attributes` in JSON, `attribute[code]` fields "
                     "in multipart, checked against /open311/v2/services/{code}.json). No key "
                     "needed. "
                     "Send `Idempotency-Key` so a retried submission is stored once: a replay "
                     "answers 200 with the first answer. Rate-limited per client (429 with "
                     "`Retry-After`); bodies over the cap are 413, photos of another type 415.",
         parameters=[{"in": "header", "name": "Idempotency-Key", "required": False,
                      "schema": {"type": "string", "maxLength": 200},
                      "description": "Unique per report; retries reuse it"}],
         requestBody={"required": True, "content": {
             "application/json": {"schema": SubmitSchema},
             "multipart/form-data": {"schema": {"type": "object", "properties": {
                 "category": {"type": "string"}, "description": {"type": "string"},
                 "lon": {"type": "number"}, "lat": {"type": "number"},
                 "address": {"type": "string"}, "name": {"type": "string"},
                 "email": {"type": "string"}, "phone": {"type": "string"},
                 "photos": {"type": "array", "items": {"type": "string", "format": "binary"}}},
                 "required": ["category"]},
                 # Text fields are plain text parts; only photos are files.
                 "encoding": {**{name: {"contentType": "text/plain"} for name in TEXT_PARTS},
                              "photos": {"contentType": "image/jpeg, image/png"}}}}})
@blp.response(201, ReceiptSchema, description="Stored; keep the tracking token private",
              example={"id": "20260115-3f9a1c2b7d", "tracking_token": "trk_…",
                       "status": "received",
                       "links": {"report": "/reports/20260115-3f9a1c2b7d",
                                 "track": "/reports/track/trk_…"}})
@blp.alt_response(200, schema=ReceiptSchema, description="Replay of an earlier submission "
                  "with the same Idempotency-Key", example={"id": "20260115-3f9a1c2b7d",
                                                            "tracking_token": "trk_…",
                                                            "status": "received", "links": {}})
@blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
@blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def submit():
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 1 <= len(key) <= 200:
        raise ApiError(400, "Idempotency-Key must be 1 to 200 characters.")
    ctx = current()
    receipt = service.submit(ctx.store, read_submission(), idempotency_key=key,
                             idempotency_hours=ctx.settings.reports_idempotency_hours)
    return receipt_response(receipt)


def _query(args: dict) -> q.Query:
    """Validated arguments as a Query; ``start_date``/``end_date`` bound the submission time."""
    query = to_query(REPORTS, args, special=("start_date", "end_date"))
    if args.get("start_date") or args.get("end_date"):
        query = replace(query, interval=q.Interval(args.get("start_date"), args.get("end_date")))
    return query


ListArgs = list_args_schema(REPORTS, SPATIAL_FORMATS, extra=date_range_args())


@blp.route("", methods=["GET"])
@blp.doc(summary="List reports (public fields, GeoJSON for maps)",
         description="Filters: `status`, `category`, `agency`, `bbox`, `start_date`/`end_date` "
                     "(submission time, half-open). Reports located only by address have a null "
                     "geometry and never match a bbox. CSV with `f=csv`.")
@blp.arguments(ListArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
@feature_page_docs(blp, REPORTS, EXAMPLE_FEATURE, "reports")
def list_reports(args):
    query = _query(args)
    if not query.sort and not query.search:
        query = replace(query, sort=(q.SortKey("requested_at", True),))
    return list_response(REPORTS, query)


@blp.route("/stats")
@blp.doc(summary="Report statistics",
         description="Counts by status, category and agency; median hours from submission to "
                     "resolution; share of resolved reports closed within their category's "
                     "service-level target.")
@blp.arguments(StatsArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
@blp.response(200, StatsSchema, example={
    "total": 3, "by_status": {"received": 1, "assigned": 0, "in_progress": 1, "resolved": 1,
                              "rejected": 0},
    "by_category": {"pothole": 2, "flooding": 1}, "by_agency": {"so-xay-dung": 3},
    "resolved": 1, "median_hours_to_resolve": 20.5, "share_resolved_within_target": 1.0})
def stats(args):
    query = _query(args)
    store = current().store
    with store.engine.connect() as conn:
        return queries.stats(store, store.repo(REPORTS.id).where(query), conn)


@blp.route("/track/<token>")
@blp.doc(summary="Follow your report with its private tracking token",
         description="The public report and its history. The token is never shown anywhere "
                     "else; an unknown token is 404.")
@blp.response(200, TrackSchema, example={"report": EXAMPLE_FEATURE, "history": EXAMPLE_HISTORY})
@blp.alt_response(404, response="NOT_FOUND")
def track(token):
    store = current().store
    with store.engine.connect() as conn:
        report_id = queries.report_for_token(store, token, conn)
        found = queries.item(store, report_id, conn) if report_id else None
        if found is None:
            raise ApiError(404, "No report has this tracking token.")
        entries = queries.history(store, [report_id], conn)[report_id]
    body = '{"report":' + found[0] + ',"history":' + dumps(entries) + "}"
    response = Response(body, mimetype="application/json")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blp.route("/<report_id>")
@blp.doc(summary="One report by id",
         description="A GeoJSON Feature with public fields only. Its ETag changes with every "
                     "change of the report; officials send it back in `If-Match` when they "
                     "update it.")
@blp.arguments(item_args_schema(REPORTS, ("geojson",)), location="query", unknown=ma.RAISE,
               as_kwargs=False)
@blp.response(200, feature_schema(REPORTS), content_type="application/geo+json",
              headers={"ETag": PAGE_HEADERS["ETag"]}, example=EXAMPLE_FEATURE,
              description="The report")
@blp.alt_response(404, response="NOT_FOUND")
@versioned(blp, max_age=REPORTS.cache_seconds)
def item(_args, report_id):
    store = current().store
    with store.engine.connect() as conn:
        found = queries.item(store, report_id, conn)
    if found is None:
        raise ApiError(404, f"No report with id {report_id!r}.")
    version_tag(*_report_tag(report_id, found[1]))
    return Response(found[0], content_type="application/geo+json")


@blp.route("/<report_id>/history")
@blp.doc(summary="Status history of a report",
         description="Every change with its time, status, agency and public note, oldest "
                     "first.")
@blp.response(200, HistorySchema, example={"id": "20260115-3f9a1c2b7d",
                                           "history": EXAMPLE_HISTORY})
@blp.alt_response(404, response="NOT_FOUND")
def history(report_id):
    store = current().store
    with store.engine.connect() as conn:
        if queries.item(store, report_id, conn) is None:
            raise ApiError(404, f"No report with id {report_id!r}.")
        entries = queries.history(store, [report_id], conn)[report_id]
    return {"id": report_id, "history": entries}


@blp.route("/<report_id>/photos/<int:photo_id>")
@blp.doc(summary="An approved photo of a report",
         description="JPEG or PNG with all metadata (EXIF, GPS) removed. Photos are public only "
                     "after an official approved them; others are 404 (staff keys that may act "
                     "on the report fetch them for review; an official of another agency gets "
                     "403).", **OPTIONAL_BEARER_DOC)
@blp.response(200, {"type": "string", "format": "binary"}, content_type="image/jpeg",
              example="<JPEG bytes>", description="The photo")
@blp.alt_response(200, schema={"type": "string", "format": "binary"}, content_type="image/png",
                  example="<PNG bytes>")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def photo(report_id, photo_id):
    store = current().store
    key = _staff_key(store)
    with store.engine.connect() as conn:
        found = queries.photo(store, report_id, photo_id, conn)
        if found is not None and not found[2] and key is not None:
            # An unapproved photo is for the staff who may act on the report: an official
            # of another agency is refused as for a change (403).
            service.check_agency(key.role, key.scope,
                                 queries.responsible(store, report_id, conn).agency)
    if found is None or (not found[2] and key is None):
        raise ApiError(404, f"Report {report_id} has no public photo {photo_id}.")
    response = Response(found[0], mimetype=found[1])
    # Staff may see unapproved photos: never let a shared cache keep those.
    response.headers["Cache-Control"] = ("private, no-store" if key is not None
                                         else "public, max-age=300")
    return response


def _staff_key(store):
    """The request's valid official, dispatcher or admin key, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    key = verify_token(store, token.strip())
    return key if key is not None and key.role in STAFF_ROLES else None
