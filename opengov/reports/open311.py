"""Open311 GeoReport v2 endpoints under ``/open311/v2``, in XML and JSON.

Every resource has a ``.xml`` variant (the standard's required format, :mod:`.open311_xml`) and
a ``.json`` one with the same content. Reading needs no key; POST needs the ``api_key`` of an
``app`` key, as the standard says. Errors on this path use the standard's array format
(:mod:`opengov.reports.open311_format`), in XML under ``.xml`` paths.
"""

from __future__ import annotations

import json
from datetime import timedelta

import marshmallow as ma
from flask import Response, request

from opengov import query as q
from opengov.api import Blueprint
from opengov.context import current
from opengov.errors import ApiError
from opengov.geo.geojson import dumps
from opengov.keys import verify_token
from opengov.links import page_url
from opengov.params import AwareDateTime, EmptyIsAbsent, ListArg
from opengov.reports import attributes, open311_format, queries, service
from opengov.reports.categories import all_categories
from opengov.reports.collection import CLOSED_STATUSES, REPORTS, STATUSES
from opengov.reports.open311_schemas import (
    EXAMPLE_REQUEST,
    Open311CreatedSchema,
    Open311ErrorSchema,
    PostRequestSchema,
    RequestSchema,
    ServiceDefinitionSchema,
    ServiceSchema,
    TokenSchema,
)
from opengov.reports.open311_xml import to_xml, xml_response
from opengov.store.types import utcnow

PREFIX = "/open311/v2"

blp = Blueprint("open311", __name__, url_prefix=PREFIX,
                description="Open311 GeoReport v2 (XML and JSON): services, requests, tokens.")
FORMAT = "<any(json, xml):format>"

DEFAULT_WINDOW = timedelta(days=90)  # GeoReport v2: default and maximum date range
# GeoReport v2, GET Service Requests: by default "a span of 90 days or first 1000 requests,
# whichever is smallest"; 1,000 is also the largest page.
MAX_PAGE_SIZE = 1000
JSON_TYPE = "application/json; charset=utf-8"  # GeoReport v2, "Format Support"


def render(body, format: str, root: str) -> Response:
    """``body`` as JSON, or as GeoReport v2 XML under the element ``root``."""
    if format == "xml":
        return xml_response(root, body)
    return Response(dumps(body), content_type=JSON_TYPE)


def _formats(schema, example, root: str, description: str, headers: dict | None = None):
    """Document the 200 answer in JSON and in XML (the same content, ``root`` element)."""
    text = (f"{description}: JSON for `.json`, GeoReport v2 XML (root element `{root}`) for "
            "`.xml`")

    def decorate(view):
        view = blp.alt_response(200, schema={"type": "string"}, content_type="text/xml",
                                example=to_xml(root, example).decode(), description=text)(view)
        return blp.response(200, schema, example=example, description=text,
                            headers=headers)(view)
    return decorate


ERROR_TEXT = {400: "Invalid request (the body code may be more specific, e.g. 422)",
              403: "Missing or invalid api_key", 404: "No such resource",
              429: "Too many requests from this client (see Retry-After)"}


def _errors(*statuses: int):
    """Document the standard's error array, in JSON and XML, for ``statuses``."""
    def decorate(view):
        for status in statuses:
            example = [{"code": status, "description": ERROR_TEXT[status]}]
            text = (f"{ERROR_TEXT[status]}: the Open311 error array, `<errors><error>…` "
                    "for `.xml`")
            view = blp.alt_response(status, schema={"type": "string"}, content_type="text/xml",
                                    example=to_xml("errors", example).decode(),
                                    description=text)(view)
            view = blp.alt_response(status, schema=Open311ErrorSchema(many=True), example=example,
                                    description=text)(view)
        return view
    return decorate


@blp.route(f"/services.{FORMAT}")
@blp.doc(summary="Open311: list of services (report categories)")
@_errors(400)
@_formats(ServiceSchema(many=True), [{
    "service_code": "pothole", "service_name": "Ổ gà, hư hỏng mặt đường",
    "description": "Ổ gà, lún, nứt, bong tróc mặt đường.", "metadata": True, "type": "realtime",
    "keywords": "đường, ổ gà, road, pothole", "group": "roads"}], "services", "Services")
def services(format):
    return render([open311_format.service_entry(c) for c in all_categories(current().store)],
                   format, "services")


@blp.route(f"/services/<service_code>.{FORMAT}")
@blp.doc(summary="Open311: a service definition (its attributes)",
         description="Send answers with POST requests as `attribute[code]=value` (repeat "
                     "`attribute[code][]=value` for a multivaluelist).")
@_formats(ServiceDefinitionSchema, {"service_code": "pothole", "attributes": [{
    "variable": True, "code": "size", "datatype": "singlevaluelist", "required": False,
    "datatype_description": None, "order": 1, "description": "Kích thước / Size",
    "values": [{"key": "small", "name": "< 30 cm"}]}]}, "service_definition",
    "The service definition")
@_errors(400, 404)
def service_definition(service_code, format):
    return render(open311_format.service_definition(_service(current().store, service_code)),
                   format, "service_definition")


def _service(store, service_code: str):
    """The category of ``service_code``; 404 as GeoReport v2 says for an unknown one."""
    found = {c.code: c for c in all_categories(store)}.get(service_code)
    if found is None:
        raise ApiError(404, f"Unknown service_code {service_code!r}.")
    return found


RequestsArgs = EmptyIsAbsent.from_dict({
    "service_request_id": ListArg(ma.fields.String(), metadata={
        "description": "Comma-separated ids; when given, the other filters are ignored"}),
    "service_code": ListArg(ma.fields.String(), metadata={"description": "Service code(s)"}),
    "status": ListArg(ma.fields.String(validate=ma.validate.OneOf(("open", "closed"))),
                      metadata={"description": "open, closed or both"}),
    "start_date": AwareDateTime(metadata={"description": "Requested at or after (with zone)"}),
    "end_date": AwareDateTime(metadata={"description": "Requested before (with zone)"}),
    "page": ma.fields.Integer(load_default=1, validate=ma.validate.Range(1, 10_000), metadata={
        "description": "Page number (common extension), from 1"}),
    "page_size": ma.fields.Integer(load_default=MAX_PAGE_SIZE, validate=ma.validate.Range(
        1, MAX_PAGE_SIZE), metadata={"description": "Requests per page (common extension), "
                                                    f"default and at most {MAX_PAGE_SIZE}; a "
                                                    "`Link: <…>; rel=\"next\"` header points "
                                                    "to the next page"}),
    "jurisdiction_id": ma.fields.String(metadata={
        "description": "Accepted and ignored: this endpoint serves one jurisdiction"}),
    "extensions": ma.fields.Boolean(metadata={
        "description": "Accepted for compatibility; `notes[]`, `attributes` and "
                       "`detailed_status` are always included"}),
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


def _records(query: q.Query) -> tuple[list[dict], bool]:
    """The Open311 records of one page of ``query``, and whether another page follows."""
    store = current().store
    repo = store.repo(REPORTS.id)
    with store.engine.connect() as conn:
        page = repo.page(query, 0, with_count=False, conn=conn)
        ids = [json.loads(f)["id"] for f in page.items]
        notes = queries.history(store, ids, conn)
    categories = {c.code: c for c in all_categories(store)}
    records = [open311_format.request_record(f, notes[i], request.host_url, categories)
               for f, i in zip(page.items, ids, strict=True)]
    return records, page.next is not None


@blp.route(f"/requests.{FORMAT}", methods=["GET"])
@blp.doc(summary="Open311: search service requests",
         description="Newest first. Without dates: the last 90 days, at most 1,000 requests "
                     "per page (the standard's default); when more follow, a `Link: <…>; "
                     "rel=\"next\"` header gives the next page. `page`/`page_size` and "
                     "`notes[]` are the common extensions; contacts are never included. An "
                     "empty parameter is the same as an absent one.")
@blp.arguments(RequestsArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
@_formats(RequestSchema(many=True), [EXAMPLE_REQUEST], "service_requests", "Requests",
          headers={"Link": {"description": "`<url>; rel=\"next\"` when another page follows",
                            "schema": {"type": "string"}}})
@_errors(400)
def get_requests(args, format):
    records, more = _records(_requests_query(args))
    response = render(records, format, "service_requests")
    if more:
        response.headers["Link"] = f'<{page_url(page=args["page"] + 1)}>; rel="next"'
    return response


@blp.route(f"/requests/<service_request_id>.{FORMAT}")
@blp.doc(summary="Open311: one service request (an array of one)")
@_formats(RequestSchema(many=True), [EXAMPLE_REQUEST], "service_requests", "The request")
@_errors(400, 404)
def get_request(service_request_id, format):
    records, _ = _records(q.Query(filter=q.Compare("id", "=", service_request_id), limit=1))
    if not records:
        raise ApiError(404, f"Unknown service_request_id {service_request_id!r}.")
    return render(records, format, "service_requests")


@blp.route(f"/tokens/<token>.{FORMAT}")
@blp.doc(summary="Open311: the request id of a token",
         description="Tokens are the private tracking tokens given by the native API.")
@_formats(TokenSchema(many=True), [{"service_request_id": "20260115-3f9a1c2b7d",
                                    "token": "trk_…"}], "service_requests", "The request id")
@_errors(400, 404)
def get_token(token, format):
    store = current().store
    with store.engine.connect() as conn:
        report_id = queries.report_for_token(store, token, conn)
    if report_id is None:
        raise ApiError(404, "Unknown token.")
    response = render([{"service_request_id": report_id, "token": token}], format,
                       "service_requests")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blp.route(f"/requests.{FORMAT}", methods=["POST"])
@blp.doc(summary="Open311: create a service request (needs an app's api_key)",
         description="Form-encoded as the standard says. One location is required: `lat`+"
                     "`long`, `address_string` or `address_id`; empty fields count as absent. "
                     "A description with HTML markup is refused (400, code 422). Answers "
                     "to the service definition's attributes go in `attribute[code]=value` "
                     "(`attribute[code][]=value`, repeated, for a multivaluelist); they are "
                     "checked against the definition "
                     "(required, datatype, allowed values; any error is 400 and nothing is "
                     "stored) and published with the request. The reporter's contact fields "
                     "are stored privately and never published. Answers `service_request_id`; "
                     "an unknown `service_code` is 404.")
@blp.arguments(PostRequestSchema, location="form", unknown=ma.EXCLUDE, as_kwargs=False)
@_formats(Open311CreatedSchema(many=True), [{
    "service_request_id": "20260115-3f9a1c2b7d",
    "service_notice": "Expected within 72 hours.", "account_id": None}], "service_requests",
    "The new request's id")
@_errors(400, 403, 404, 429)
def post_request(form, format):
    store = current().store
    key = verify_token(store, form.get("api_key") or "")
    if key is None or key.role not in ("app", "admin"):
        raise ApiError(403, "Invalid api_key received -- can't proceed with create_request.")
    category = _service(store, form["service_code"])
    name = " ".join(p for p in (form.get("first_name"), form.get("last_name")) if p) or None
    contact = {"name": name, "email": form.get("email"), "phone": form.get("phone"),
               "device_id": form.get("device_id"), "account_id": form.get("account_id")}
    sub = service.Submission(category=category.code, description=form.get("description"),
                             lon=form.get("long"), lat=form.get("lat"),
                             address=form.get("address_string") or form.get("address_id"),
                             contact=contact,
                             source="open311", attributes=attributes.from_form(request.form),
                             location="form")
    receipt = service.submit(store, sub, idempotency_key=request.headers.get("Idempotency-Key"),
                             idempotency_hours=current().settings.reports_idempotency_hours)
    return render([{"service_request_id": receipt.report_id,
                     "service_notice": open311_format.service_notice(category),
                     "account_id": None}], format, "service_requests")
