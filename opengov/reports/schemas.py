"""Request and response schemas of the native reports API (they also document it)."""

from __future__ import annotations

import re

import marshmallow as ma

from opengov.params import AwareDateTime, ListArg
from opengov.reports.collection import STATUSES

MAX_DESCRIPTION = 4000  # Open311 GeoReport v2: description up to 4,000 characters
MAX_ADDRESS = 500
MAX_NOTE = 2000


# GeoReport v2: descriptions carry no HTML (DOMAIN.md §1). Both APIs refuse what an HTML parser
# would read as markup: "<" followed by a letter, "/", "!" or "?" (the WHATWG HTML tokenizer's
# "tag open state" starts a tag, end tag, declaration or comment there). A lone "<" or ">", as in
# "sâu > 10 cm", is plain text and is kept; JSON and XML answers escape it as their syntax needs.
MARKUP = re.compile(r"<[A-Za-z/!?]")
NO_HTML = "Plain text only: HTML markup (such as <b> or <script>) is not accepted."


def no_markup(value: str) -> None:
    """Refuse text containing HTML markup (see ``MARKUP``)."""
    if MARKUP.search(value):
        raise ma.ValidationError(NO_HTML)


def _text(limit: int, description: str, **kwargs) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.Length(max=limit),
                            metadata={"description": description}, **kwargs)


class ContactSchema(ma.Schema):
    """Private: kept for officials, erased after closing, never published."""

    name = _text(200, "Reporter's name (private)")
    email = ma.fields.Email(validate=ma.validate.Length(max=254),
                            metadata={"description": "Reporter's e-mail (private)"})
    phone = ma.fields.String(validate=ma.validate.Regexp(r"^\+?[0-9 ().-]{6,20}$"),
                             metadata={"description": "Reporter's phone (private)"})


class SubmitSchema(ma.Schema):
    """A new report. Give `lon`+`lat`, or `address`, or both."""

    category = ma.fields.String(required=True, validate=ma.validate.Length(1, 100), metadata={
        "description": "Category code (see /open311/v2/services.json)", "example": "pothole"})
    description = ma.fields.String(
        validate=[ma.validate.Length(max=MAX_DESCRIPTION), no_markup], metadata={
            "description": "What is wrong, as plain text (at most 4,000 characters); text "
                           "with HTML markup such as `<b>` is refused (422)"})
    lon = ma.fields.Float(validate=ma.validate.Range(-180, 180), allow_nan=False, allow_none=True,
                          metadata={"description": "Longitude (WGS 84)", "example": 108.4745})
    lat = ma.fields.Float(validate=ma.validate.Range(-90, 90), allow_nan=False, allow_none=True,
                          metadata={"description": "Latitude (WGS 84)", "example": 15.5733})
    address = _text(MAX_ADDRESS, "Address or place description")
    contact = ma.fields.Nested(ContactSchema, metadata={
        "description": "Optional contact details (private; erased after the report closes)"})
    device_id = _text(200, "Device id of the reporting app (private)")
    attributes = ma.fields.Dict(keys=ma.fields.String(validate=ma.validate.Length(1, 100)),
                                validate=ma.validate.Length(max=50), metadata={
        "description": "Answers to the category's attributes (see "
                       "/open311/v2/services/{code}.json): `{code: value}`, a list of keys for "
                       "a multivaluelist; multipart sends `attribute[code]` fields instead",
        "example": {"size": "large"}})

    @ma.validates_schema
    def _location(self, data, **_kwargs):
        lon, lat = data.get("lon"), data.get("lat")
        has_point = lon is not None or lat is not None
        if has_point and (lon is None or lat is None):
            raise ma.ValidationError("Give both lon and lat.", "lat")
        if not has_point and not (data.get("address") or "").strip():
            raise ma.ValidationError("Give lon and lat, or an address.", "address")


class ReceiptLinksSchema(ma.Schema):
    report = ma.fields.String(metadata={"description": "The public report"})
    track = ma.fields.String(metadata={"description": "Private tracking page (keep it secret)"})


class ReceiptSchema(ma.Schema):
    id = ma.fields.String(metadata={"description": "Report id (public)"})
    tracking_token = ma.fields.String(metadata={
        "description": "Private token to follow the report; shown only in this answer"})
    status = ma.fields.String(metadata={"description": "Status after submission"})
    links = ma.fields.Nested(ReceiptLinksSchema)


class ChangeSchema(ma.Schema):
    """An official's change: a status, a new agency (dispatchers), and/or a public note."""

    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES), metadata={
        "description": f"New status: {', '.join(STATUSES)}"})
    agency = ma.fields.String(validate=ma.validate.Length(1, 100), metadata={
        "description": "Reassign to this agency (dispatcher or admin)"})
    note = _text(MAX_NOTE, "Public note (required when rejecting)")

    class Meta:
        # What _something_to_change checks (a change with the report's current status or
        # agency is a conflict with its state: 409).
        openapi = {"anyOf": [{"required": ["status"]}, {"required": ["agency"]},
                             {"required": ["note"], "properties": {"note": {"pattern": r"\S"}}}]}

    @ma.validates_schema
    def _something_to_change(self, data, **_kwargs):
        if not (data.get("status") or data.get("agency") or (data.get("note") or "").strip()):
            raise ma.ValidationError("Give status, agency or a note that is not blank.")


class PhotoApprovalSchema(ma.Schema):
    approved = ma.fields.Boolean(required=True, metadata={
        "description": "true publishes the photo; false withdraws it"})


class PhotoSchema(ma.Schema):
    id = ma.fields.Integer(metadata={"description": "Photo id"})
    media_type = ma.fields.String(metadata={"description": "image/jpeg or image/png"})
    approved = ma.fields.Boolean(metadata={"description": "Published"})
    href = ma.fields.String(metadata={"description": "Where the photo is served"})


class HistoryEntrySchema(ma.Schema):
    datetime = ma.fields.String(metadata={"description": "When (ISO 8601, UTC)"})
    type = ma.fields.String(metadata={"description": "status_change, assignment or note"})
    status = ma.fields.String(metadata={"description": "Status after this entry"})
    agency = ma.fields.String(allow_none=True, metadata={"description": "Responsible agency"})
    description = ma.fields.String(allow_none=True, metadata={"description": "Public note"})


class HistorySchema(ma.Schema):
    id = ma.fields.String(metadata={"description": "Report id"})
    history = ma.fields.List(ma.fields.Nested(HistoryEntrySchema))


class TrackSchema(ma.Schema):
    report = ma.fields.Dict(metadata={"description": "The public report (GeoJSON Feature)"})
    history = ma.fields.List(ma.fields.Nested(HistoryEntrySchema))


def date_range_args() -> dict[str, ma.fields.Field]:
    """``start_date``/``end_date`` over the submission time, half-open ``[start, end)``."""
    return {
        "start_date": AwareDateTime(metadata={
            "description": "Only reports submitted at or after this time (ISO 8601 with offset)"}),
        "end_date": AwareDateTime(metadata={
            "description": "Only reports submitted before this time (ISO 8601 with offset)"}),
    }


StatsArgs = ma.Schema.from_dict({
    "category": ListArg(ma.fields.String(), metadata={"description": "Category code(s)"}),
    "agency": ListArg(ma.fields.String(), metadata={"description": "Agency code(s)"}),
    **date_range_args(),
}, name="ReportStatsArgs")


class StatsSchema(ma.Schema):
    total = ma.fields.Integer(metadata={"description": "Reports matching"})
    by_status = ma.fields.Dict(metadata={"description": "Count per status"})
    by_category = ma.fields.Dict(metadata={"description": "Count per category"})
    by_agency = ma.fields.Dict(metadata={"description": "Count per agency"})
    resolved = ma.fields.Integer(metadata={"description": "Reports resolved"})
    median_hours_to_resolve = ma.fields.Float(allow_none=True, metadata={
        "description": "Median hours from submission to resolution"})
    share_resolved_within_target = ma.fields.Float(allow_none=True, metadata={
        "description": "Share of resolved reports closed by their expected time (0–1)"})

