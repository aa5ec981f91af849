"""Open311 GeoReport v2 endpoints under ``/open311/v2`` (JSON format).

Reading needs no key; POST needs the ``api_key`` of an ``app`` key, as the standard says.
Errors on this path use the standard's array format (:mod:`opengov.reports.open311_format`).
"""

from __future__ import annotations

import json
from datetime import timedelta

import marshmallow as ma
from flask import Response, request

from opengov import query as q
from opengov.api import Blueprint
from opengov.context import current
from opengov.errors import ApiError, register_family
from opengov.geo.geojson import dumps
from opengov.keys import verify_token
from opengov.params import AwareDateTime, ListArg
from opengov.reports import open311_format, queries, service
from opengov.reports.categories import all_categories, get_category
from opengov.reports.collection import CLOSED_STATUSES, REPORTS, STATUSES
from opengov.reports.open311_schemas import (
    EXAMPLE_REQUEST,
    PostRequestSchema,
    RequestSchema,
    ServiceDefinitionSchema,
    ServiceSchema,
    TokenSchema,
)
from opengov.store.types import utcnow

PREFIX = "/open311/v2"
register_family("/open311", open311_format.error_array)

blp = Blueprint("open311", __name__, url_prefix=PREFIX,
                description="Open311 GeoReport v2 (JSON): services, requests, tokens.")

DEFAULT_WINDOW = timedelta(days=90)  # GeoReport v2: default and maximum date range
MAX_PAGE_SIZE = 1000


def _json(body) -> Response:
    return Response(dumps(body), mimetype="application/json")


@blp.route("/services.json")
@blp.doc(summary="Open311: list of services (report categories)")
@blp.response(200, ServiceSchema(many=True), example=[{
    "service_code": "pothole", "service_name": "Ổ gà, hư hỏng mặt đường",
    "description": "Ổ gà, lún, nứt, bong tróc mặt đường.", "metadata": True, "type": "realtime",
    "keywords": "đường, ổ gà, road, pothole", "group": "roads"}])
def services():
    return _json([open311_format.service_entry(c) for c in all_categories(current().store)])


@blp.route("/services/<service_code>.json")
@blp.doc(summary="Open311: a service definition (its attributes)")
@blp.response(200, ServiceDefinitionSchema, example={"service_code": "pothole", "attributes": [{
    "variable": True, "code": "size", "datatype": "singlevaluelist", "required": False,
    "datatype_description": None, "order": 1, "description": "Kích thước / Size",
    "values": [{"key": "small", "name": "< 30 cm"}]}]})
@blp.alt_response(404, response="NOT_FOUND")
def service_definition(service_code):
    found = {c.code: c for c in all_categories(current().store)}.get(service_code)
    if found is None:
        raise ApiError(404, f"Unknown service_code {service_code!r}.")
    return _json(open311_format.service_definition(found))


RequestsArgs = ma.Schema.from_dict({
    "service_request_id": ListArg(ma.fields.String(), metadata={
        "description": "Comma-separated ids; when given, the other filters are ignored"}),
    "service_code": ListArg(ma.fields.String(), metadata={"description": "Service code(s)"}),
    "status": ListArg(ma.fields.String(validate=ma.validate.OneOf(("open", "closed"))),
                      metadata={"description": "open, closed or both"}),
    "start_date": AwareDateTime(metadata={"description": "Requested at or after (with zone)"}),
    "end_date": AwareDateTime(metadata={"description": "Requested before (with zone)"}),
    "page": ma.fields.Integer(load_default=1, validate=ma.validate.Range(1, 10_000), metadata={
        "description": "Page number (common extension), from 1"}),
    "page_size": ma.fields.Integer(load_default=100, validate=ma.validate.Range(
        1, MAX_PAGE_SIZE), metadata={"description": "Requests per page (common extension), "
                                                    f"at most {MAX_PAGE_SIZE}"}),
    "jurisdiction_id": ma.fields.String(metadata={
        "description": "Accepted and ignored: this endpoint serves one jurisdiction"}),
    "extensions": ma.fields.Boolean(metadata={
        "description": "Accepted for compatibility; `notes[]` and `detailed_status` are always "
                       "included"}),
}, name="Open311RequestsArgs")


def _requests_query(args) -> q.Query:
    ids = args.get("service_request_id")
    if ids:
        return q.Query(filter=q.In("id", ids), limit=len(ids))
    filters: list = []
    if args.get("service_code"):
        filters.append(q.In("category", args["service_code"]))
    wanted = set(args.get("status") or ())
    if wanted == {"open"}:
        filters.append(q.In("status", tuple(s for s in STATUSES if s not in CLOSED_STATUSES)))
    elif wanted == {"closed"}:
        filters.append(q.In("status", CLOSED_STATUSES))
    start, end = args.get("start_date"), args.get("end_date")
    if start is None:
        start = (end or utcnow()) - DEFAULT_WINDOW
    if end is not None and end - start > DEFAULT_WINDOW:
        raise ApiError(400, "start_date and end_date may be at most 90 days apart.")
    size = args["page_size"]
    return q.Query(filter=q.all_of(*filters), interval=q.Interval(start, end),
                   sort=(q.SortKey("requested_at", True),), limit=size,
                   offset=(args["page"] - 1) * size)


def _records(query: q.Query) -> list[dict]:
    store = current().store
    repo = store.repo(REPORTS.id)
    with store.engine.connect() as conn:
        page = repo.page(query, 0, with_count=False, conn=conn)
        ids = [json.loads(f)["id"] for f in page.items]
        notes = queries.history(store, ids, conn)
    return [open311_format.request_record(f, notes[i], request.host_url)
            for f, i in zip(page.items, ids, strict=True)]


@blp.route("/requests.json", methods=["GET"])
@blp.doc(summary="Open311: search service requests",
         description="Newest first. Without dates: the last 90 days. `page`/`page_size` and "
                     "`notes[]` are the common extensions; contacts are never included.")
@blp.arguments(RequestsArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
@blp.response(200, RequestSchema(many=True), example=[EXAMPLE_REQUEST])
def get_requests(args):
    return _json(_records(_requests_query(args)))


@blp.route("/requests/<service_request_id>.json")
@blp.doc(summary="Open311: one service request (an array of one)")
@blp.response(200, RequestSchema(many=True), example=[EXAMPLE_REQUEST])
@blp.alt_response(404, response="NOT_FOUND")
def get_request(service_request_id):
    records = _records(q.Query(filter=q.Compare("id", "=", service_request_id), limit=1))
    if not records:
        raise ApiError(404, f"Unknown service_request_id {service_request_id!r}.")
    return _json(records)


@blp.route("/tokens/<token>.json")
@blp.doc(summary="Open311: the request id of a token",
         description="Tokens are the private tracking tokens given by the native API.")
@blp.response(200, TokenSchema(many=True), example=[{
    "service_request_id": "20260115-3f9a1c2b7d", "token": "trk_…"}])
@blp.alt_response(404, response="NOT_FOUND")
def get_token(token):
    store = current().store
    with store.engine.connect() as conn:
        report_id = queries.report_for_token(store, token, conn)
    if report_id is None:
        raise ApiError(404, "Unknown token.")
    response = _json([{"service_request_id": report_id, "token": token}])
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blp.route("/requests.json", methods=["POST"])
@blp.doc(summary="Open311: create a service request (needs an app's api_key)",
         description="Form-encoded as the standard says. One location is required: `lat`+"
                     "`long` or `address_string`. The reporter's contact fields are stored "
                     "privately and never published. Answers `service_request_id`.")
@blp.arguments(PostRequestSchema, location="form", unknown=ma.EXCLUDE, as_kwargs=False)
@blp.response(200, RequestSchema(many=True), example=[{
    "service_request_id": "20260115-3f9a1c2b7d",
    "service_notice": "Expected within 72 hours.", "account_id": None}])
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def post_request(form):
    store = current().store
    key = verify_token(store, form.get("api_key") or "")
    if key is None or key.role not in ("app", "admin"):
        raise ApiError(403, "Invalid api_key received -- can't proceed with create_request.")
    category = get_category(store, form["service_code"])
    name = " ".join(p for p in (form.get("first_name"), form.get("last_name")) if p) or None
    contact = {"name": name, "email": form.get("email"), "phone": form.get("phone"),
               "device_id": form.get("device_id"), "account_id": form.get("account_id")}
    sub = service.Submission(category=category.code, description=form.get("description"),
                             lon=form.get("long"), lat=form.get("lat"),
                             address=form.get("address_string"), contact=contact,
                             source="open311")
    receipt = service.submit(store, sub, idempotency_key=request.headers.get("Idempotency-Key"),
                             idempotency_hours=current().settings.reports_idempotency_hours)
    return _json([{"service_request_id": receipt.report_id,
                   "service_notice": f"Expected within {category.target_hours} hours.",
                   "account_id": None}])
