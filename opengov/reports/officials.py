"""Endpoints for officials, dispatchers and admins: status changes, notes, photo approval.

Every change needs ``If-Match`` with the report's current ETag (428 without it, 412 when someone
changed the report since it was read), checked inside the write transaction.
"""

from __future__ import annotations

from flask import Response, g, url_for

from opengov.bearer import BEARER_DOC, require_role
from opengov.conditional import check_if_match, if_match_required
from opengov.context import current
from opengov.docschemas import feature_schema
from opengov.errors import ApiError
from opengov.reports import queries, service, workflow
from opengov.reports.collection import REPORTS
from opengov.reports.routes import EXAMPLE_FEATURE, STAFF_ROLES, blp, report_etag
from opengov.reports.schemas import ChangeSchema, PhotoApprovalSchema, PhotoSchema

STAFF = STAFF_ROLES
IF_MATCH = {"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
            "description": "The report's current ETag (from GET /reports/{id})"}


def _answer(report_id: str, feature: str, version: int) -> Response:
    response = Response(feature, content_type="application/geo+json")
    response.headers["ETag"] = report_etag(report_id, version)
    response.headers["Cache-Control"] = "no-store"
    return response


def _if_match(report_id: str):
    return lambda version: check_if_match(report_etag(report_id, version), required=True)


@blp.route("/<report_id>", methods=["PATCH"])
@require_role(*STAFF)  # outermost: no key, no body parsing (401 first)
@blp.doc(summary="Change a report's status, agency or add a note (officials)",
         description="Needs `If-Match` with the report's current ETag (`*` is 428: it would "
                     "skip the lost-update check); the key is checked before the body. "
                     "Officials act on their own agency's reports; only dispatchers and admins "
                     "reassign to another agency. Flow: received → assigned → in_progress → "
                     "resolved, or rejected (with a reason) from any open state; closed reports "
                     "do not change (409). Every change is kept in the public history.",
         parameters=[IF_MATCH], **BEARER_DOC)
@blp.arguments(ChangeSchema)
@blp.response(200, feature_schema(REPORTS), content_type="application/geo+json",
              example=EXAMPLE_FEATURE, description="The report after the change")
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@if_match_required(blp)
def update_report(data, report_id):
    key = g.api_key
    change = workflow.Change(status=data.get("status"), agency=data.get("agency"),
                             note=data.get("note"))
    feature, version = service.change(current().store, report_id, change, role=key.role,
                                      scope=key.scope, if_match=_if_match(report_id))
    return _answer(report_id, feature, version)


@blp.route("/<report_id>/photos/<int:photo_id>", methods=["PATCH"])
@require_role(*STAFF)  # outermost: no key, no body parsing (401 first)
@blp.doc(summary="Approve or withdraw a photo (officials)",
         description="Photos may show faces or number plates (personal data), so they are "
                     "published only after an official has looked at them.",
         parameters=[IF_MATCH], **BEARER_DOC)
@blp.arguments(PhotoApprovalSchema)
@blp.response(200, feature_schema(REPORTS), content_type="application/geo+json",
              example=EXAMPLE_FEATURE, description="The report with its public photo list")
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@if_match_required(blp)
def approve_photo(data, report_id, photo_id):
    key = g.api_key
    feature, version = service.approve_photo(
        current().store, report_id, photo_id, data["approved"], role=key.role, scope=key.scope,
        if_match=_if_match(report_id),
        photo_url=lambda rid, pid: url_for("reports.photo", report_id=rid, photo_id=pid))
    return _answer(report_id, feature, version)


@blp.route("/<report_id>/photos")
@require_role(*STAFF)  # outermost: no key, no body parsing (401 first)
@blp.doc(summary="Every photo of a report, approved or not (officials)",
         description="Officials review photos here before approving them; the review copy of "
                     "an unapproved photo is served at its `href` to staff keys only. An "
                     "official's key scoped to another agency is refused (403), as for a "
                     "change.",
         **BEARER_DOC)
@blp.response(200, PhotoSchema(many=True), example=[{
    "id": 7, "media_type": "image/jpeg", "approved": False,
    "href": "/reports/20260115-3f9a1c2b7d/photos/7"}])
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def list_photos(report_id):
    store = current().store
    with store.engine.connect() as conn:
        report = queries.responsible(store, report_id, conn)
        if report is None:
            raise ApiError(404, f"No report with id {report_id!r}.")
        service.check_agency(g.api_key.role, g.api_key.scope, report.agency)
        photos = queries.photo_ids(store, report_id, conn)
    return [{**p, "href": url_for("reports.photo", report_id=report_id, photo_id=p["id"])}
            for p in photos]
