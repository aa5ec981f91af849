"""Reading a native submission from JSON or multipart (with photos) into a Submission."""

from __future__ import annotations

import marshmallow as ma
from flask import request

from opengov.errors import ApiError
from opengov.reports import attributes
from opengov.reports.photos import MAX_PHOTOS, clean_photos
from opengov.reports.schemas import SubmitSchema
from opengov.reports.service import Submission

CONTACT_FIELDS = ("name", "email", "phone")


def _invalid(messages: dict, location: str) -> ApiError:
    errors = []
    for name, msgs in messages.items():
        if isinstance(msgs, dict):
            msgs = [f"{k}: {', '.join(map(str, v))}" for k, v in msgs.items()]
        errors.append({"location": location, "field": name, "messages": list(msgs)})
    names = ", ".join(e["field"] for e in errors)
    return ApiError(422, f"Invalid value for: {names}.", title="Invalid request",
                    errors=errors, kind="validation")


def _form_body() -> dict:
    form = request.form
    body: dict = {k: v for k, v in form.items() if k not in CONTACT_FIELDS and v != ""
                  and not attributes.FORM_KEY.match(k)}
    contact = {k: form[k] for k in CONTACT_FIELDS if form.get(k)}
    if contact:
        body["contact"] = contact
    return body


def read_submission() -> Submission:
    """The validated submission of this request (422, 415 or 413 problems otherwise)."""
    if request.mimetype == "application/json":
        body, location = request.get_json(silent=True), "json"
        if not isinstance(body, dict):
            raise ApiError(422, "The body must be a JSON object.")
        files = []
    elif request.mimetype == "multipart/form-data":
        body, location = _form_body(), "form"
        files = [f for f in request.files.getlist("photos") if f.filename or f.mimetype]
        answers = attributes.from_form(request.form)
    else:
        raise ApiError(415, "Send the report as application/json or multipart/form-data (got "
                            f"{request.mimetype or 'no Content-Type'}).")
    try:
        data = SubmitSchema().load(body, unknown=ma.RAISE)
    except ma.ValidationError as exc:
        raise _invalid(exc.messages, location) from exc
    if len(files) > MAX_PHOTOS:
        raise ApiError(422, f"At most {MAX_PHOTOS} photos per report ({len(files)} sent).",
                       errors=[{"location": "files", "field": "photos",
                                "messages": [f"At most {MAX_PHOTOS}."]}])
    photos = clean_photos([f.read() for f in files])
    contact = dict(data.get("contact") or {})
    if data.get("device_id"):
        contact["device_id"] = data["device_id"]
    if location == "json":
        answers = attributes.from_json(data.get("attributes") or {})
    return Submission(category=data["category"], description=data.get("description"),
                      lon=data.get("lon"), lat=data.get("lat"), address=data.get("address"),
                      contact=contact, photos=photos, attributes=answers, location=location)
