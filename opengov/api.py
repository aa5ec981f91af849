"""Our few flask-smorest subclasses: problem+json errors in the spec and at run time."""

from __future__ import annotations

import http
from functools import wraps

import marshmallow as ma
from flask import request
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.spec import prepare_response

from opengov import errors

PROBLEM_MEDIA_TYPE = "application/problem+json"


class FieldErrorSchema(ma.Schema):
    location = ma.fields.String(metadata={"description": "Where: query, json, form, path…"})
    field = ma.fields.String(allow_none=True, metadata={"description": "Offending field"})
    messages = ma.fields.List(ma.fields.String(), metadata={"description": "What is wrong"})


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details."""

    type = ma.fields.String(metadata={"description": "URI identifying the problem type"})
    title = ma.fields.String(metadata={"description": "Short summary of the problem type"})
    status = ma.fields.Integer(metadata={"description": "HTTP status code"})
    detail = ma.fields.String(metadata={"description": "What went wrong in this request"})
    instance = ma.fields.String(metadata={"description": "The request path"})
    errors = ma.fields.List(ma.fields.Nested(FieldErrorSchema),
                            metadata={"description": "Offending fields (validation errors)"})


class Api(SmorestApi):
    """flask-smorest's Api, documenting and answering errors as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        errors.install(self._app)

    def _register_responses(self):
        for status in http.HTTPStatus:
            response: dict = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Error (RFC 9457 problem details)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def _require_json(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
            raise errors.ApiError(415, f"Send the body as application/json (got "
                                       f"{request.mimetype or 'no Content-Type'}).")
        return view(*args, **kwargs)

    return wrapper


class Blueprint(SmorestBlueprint):
    """Query-argument errors are 400 (malformed request), body errors 422, wrong body type 415."""

    def arguments(self, schema, *, location="json", error_status_code=None, **kwargs):
        if error_status_code is None:
            error_status_code = 400 if location in ("query", "headers", "path") else 422
        if isinstance(schema, type):
            schema = schema()  # one instance, not a new schema object per request
        parse = super().arguments(
            schema, location=location, error_status_code=error_status_code, **kwargs
        )
        if location != "json":
            return parse

        def decorator(view):
            return _require_json(parse(view))

        return decorator
