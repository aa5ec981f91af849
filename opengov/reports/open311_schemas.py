"""Schemas documenting (and, for POST, validating) the Open311 GeoReport v2 payloads."""

from __future__ import annotations

import marshmallow as ma

from opengov.params import EmptyIsAbsent
from opengov.reports.schemas import MAX_ADDRESS, MAX_DESCRIPTION, no_markup


def _s(description: str, **kwargs) -> ma.fields.String:
    return ma.fields.String(metadata={"description": description}, **kwargs)


class ServiceSchema(ma.Schema):
    service_code = _s("Unique code of the service (our category code)")
    service_name = _s("Name (Vietnamese)")
    description = _s("Description (Vietnamese)")
    metadata = ma.fields.Boolean(metadata={"description": "Has a service definition"})
    type = _s("realtime, batch or blackbox")
    keywords = _s("Comma-separated keywords")
    group = _s("Group")


class AttributeValueSchema(ma.Schema):
    key = _s("Value to send")
    name = _s("Label")


class AttributeSchema(ma.Schema):
    variable = ma.fields.Boolean(metadata={"description": "Asks the user for a value"})
    code = _s("Attribute code; send as attribute[code]")
    datatype = _s("string, number, datetime, text, singlevaluelist or multivaluelist")
    required = ma.fields.Boolean(metadata={"description": "Must be given"})
    datatype_description = _s("Format hint", allow_none=True)
    order = ma.fields.Integer(metadata={"description": "Display order"})
    description = _s("Question shown to the user")
    values = ma.fields.List(ma.fields.Nested(AttributeValueSchema))


class ServiceDefinitionSchema(ma.Schema):
    service_code = _s("Service code")
    attributes = ma.fields.List(ma.fields.Nested(AttributeSchema))


class NoteSchema(ma.Schema):
    datetime = _s("When (ISO 8601 with zone)")
    type = _s("status_change, assignment or note")
    status = _s("Detailed status after this note")
    agency = _s("Responsible agency", allow_none=True)
    description = _s("Public note", allow_none=True)


class Open311AnswerSchema(ma.Schema):
    code = _s("Attribute code (from the service definition)")
    value = ma.fields.Raw(metadata={"description": "One answer: a list key, text, a number or "
                                                   "a date; a multivaluelist gives one entry "
                                                   "per chosen key"})


class RequestSchema(ma.Schema):
    service_request_id = _s("Request id")
    status = _s("open or closed")
    status_notes = _s("Latest public note", allow_none=True)
    service_name = _s("Service name")
    service_code = _s("Service code")
    description = _s("Description", allow_none=True)
    agency_responsible = _s("Agency handling the request", allow_none=True)
    service_notice = _s("What to expect: the same notice as the POST answered",
                        allow_none=True)
    account_id = _s("Always null (accounts are not published)", allow_none=True)
    requested_datetime = _s("Submitted at (ISO 8601 with zone)")
    updated_datetime = _s("Last change (ISO 8601 with zone)", allow_none=True)
    expected_datetime = _s("Expected resolution (service-level target)", allow_none=True)
    address = _s("Address", allow_none=True)
    address_id = _s("Always null: an address_id sent with a POST is read back as `address`",
                    allow_none=True)
    zipcode = _s("Postal code (unused)", allow_none=True)
    lat = ma.fields.Float(allow_none=True, metadata={"description": "Latitude (WGS 84)"})
    long = ma.fields.Float(allow_none=True, metadata={"description": "Longitude (WGS 84)"})
    media_url = _s("First approved photo, metadata stripped", allow_none=True)
    detailed_status = _s("Extension: received, assigned, in_progress, resolved or rejected")
    attributes = ma.fields.List(ma.fields.Nested(Open311AnswerSchema), metadata={
        "description": "Extension: answers to the service definition's attributes"})
    notes = ma.fields.List(ma.fields.Nested(NoteSchema), metadata={
        "description": "Extension: the full public history"})


class Open311CreatedSchema(ma.Schema):
    service_request_id = _s("Id of the new request (never a token as well)")
    service_notice = _s("What to expect (the service-level target)")
    account_id = _s("Always null (accounts are not published)", allow_none=True)


class Open311ErrorSchema(ma.Schema):
    code = ma.fields.Integer(metadata={"description": "Error code; may be more specific than "
                                                      "the HTTP status (e.g. 422 under a 400)"})
    description = _s("What went wrong, for the user")


class TokenSchema(ma.Schema):
    service_request_id = _s("Request id")
    token = _s("The token asked about")


class PostRequestSchema(EmptyIsAbsent):
    """GeoReport v2 POST fields (``application/x-www-form-urlencoded``)."""

    api_key = _s("API key of an `app` key (a missing or wrong one is 403)")
    service_code = _s("Service code", required=True, validate=ma.validate.Length(1, 100))
    lat = ma.fields.Float(validate=ma.validate.Range(-90, 90), allow_nan=False,
                          metadata={"description": "Latitude (WGS 84)"})
    long = ma.fields.Float(validate=ma.validate.Range(-180, 180), allow_nan=False,
                           metadata={"description": "Longitude (WGS 84)"})
    address_string = _s("Address", validate=ma.validate.Length(max=MAX_ADDRESS))
    address_id = _s("Id of an address in the city's register: a location on its own. We "
                    "hold no register, so it is stored (and read back) as the address text "
                    "when no address_string is given", validate=ma.validate.Length(max=200))
    email = ma.fields.Email(validate=ma.validate.Length(max=254),
                            metadata={"description": "Reporter's e-mail (private)"})
    device_id = _s("Device id (private)", validate=ma.validate.Length(max=200))
    account_id = _s("Account id (private)", validate=ma.validate.Length(max=200))
    first_name = _s("First name (private)", validate=ma.validate.Length(max=100))
    last_name = _s("Last name (private)", validate=ma.validate.Length(max=100))
    phone = _s("Phone (private)", validate=ma.validate.Regexp(r"^\+?[0-9 ().-]{6,20}$"))
    description = _s("Plain text, at most 4,000 characters; HTML markup is refused (the "
                     "standard: no HTML)",
                     validate=[ma.validate.Length(max=MAX_DESCRIPTION), no_markup])
    media_url = _s("Ignored: photos are accepted only as uploads on POST /reports, so an "
                   "official can approve them first")
    jurisdiction_id = _s("Accepted and ignored (one jurisdiction)")

    @ma.validates_schema
    def _location(self, data, **_kwargs):
        has_point = "lat" in data or "long" in data
        if has_point and not ("lat" in data and "long" in data):
            raise ma.ValidationError("Give both lat and long.", "long")
        if not has_point and not any((data.get(k) or "").strip()
                                     for k in ("address_string", "address_id")):
            raise ma.ValidationError("Give lat and long, address_string or address_id.",
                                     "address_string")


EXAMPLE_REQUEST = {
    "service_request_id": "20260115-3f9a1c2b7d", "status": "open",
    "status_notes": "Đã tiếp nhận phản ánh. / Report received.",
    "service_name": "Ổ gà, hư hỏng mặt đường", "service_code": "pothole",
    "description": "Ổ gà lớn trước số 12", "agency_responsible": "so-xay-dung",
    "service_notice": "Expected within 72 hours.", "requested_datetime": "2026-01-15T02:30:00Z",
    "updated_datetime": "2026-01-15T02:30:00Z", "expected_datetime": "2026-01-18T02:30:00Z",
    "address": "12 Phan Chu Trinh, Tam Kỳ", "address_id": None, "zipcode": None,
    "lat": 15.5733, "long": 108.4745, "media_url": None, "detailed_status": "received",
    "attributes": [{"code": "size", "value": "large"}],
    "notes": [{"datetime": "2026-01-15T02:30:00Z", "type": "status_change",
               "status": "received", "agency": "so-xay-dung",
               "description": "Đã tiếp nhận phản ánh. / Report received."}],
}


class DiscoveryEndpointSchema(ma.Schema):
    specification = _s("The specification this endpoint implements")
    url = _s("Base URL of the endpoint")
    changeset = _s("When this endpoint last changed (ISO 8601 with zone)")
    type = _s("production, test or qa")
    formats = ma.fields.List(ma.fields.String(), metadata={"description": "Media types served"})


class DiscoverySchema(ma.Schema):
    changeset = _s("When this document last changed (ISO 8601 with zone)")
    contact = _s("Whom to ask for help")
    key_service = _s("How to get an api_key")
    endpoints = ma.fields.List(ma.fields.Nested(DiscoveryEndpointSchema))
