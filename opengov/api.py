"""Our few flask-smorest subclasses: problem+json errors in the spec and at run time."""

from __future__ import annotations

import http
from functools import wraps

import marshmallow as ma
from flask import request
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.spec import prepare_response
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter

from opengov import bounds, errors, jsonbody, params
from opengov.lru import LRU
from opengov.openapi_doc import ContractPlugin

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

    def _init_spec(self, *, extra_plugins=None, **kwargs):
        # Every operation completed alike (operationId, security, 4xx, examples), its errors
        # in the format of the API family its path belongs to (read when each is registered).
        contract = ContractPlugin(lambda: self._app.extensions.get(errors.FAMILIES_KEY, ()))
        super()._init_spec(extra_plugins=[*(extra_plugins or ()), contract], **kwargs)
        # Comma-separated list arguments are arrays serialised ``a,b`` (style form, explode
        # false), so a client (and a fuzzer) sends them as the view reads them.
        self.ma_plugin.converter.add_attribute_function(_list_arg_property)
        self.ma_plugin.converter.add_parameter_attribute_function(_list_arg_parameter)
        self.ma_plugin.converter.add_parameter_attribute_function(_empty_is_absent_parameter)

    def _register_pagination_header(self):
        """Nothing: no view pages through flask-smorest (its unused schema stays out)."""

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


def _list_arg_property(converter, field, **kwargs) -> dict:
    if isinstance(field, params.SortArg):
        keys = [prefix + name for name in field.allowed for prefix in ("", "-")]
        return {"type": "array", "minItems": 1, "items": {"type": "string", "enum": keys}}
    if not isinstance(field, params.ListArg):
        return {}
    prop = {"type": "array", "minItems": 1, "items": converter.field2property(field.inner)}
    example = field.metadata.get("example")
    if isinstance(example, str):  # written as sent: ``a,b``
        prop["example"] = example.split(",")
    return prop


def _list_arg_parameter(converter, field, **kwargs) -> dict:
    listed = isinstance(field, params.ListArg | params.SortArg)
    return {"style": "form", "explode": False} if listed else {}


def _empty_is_absent_parameter(converter, field, ret=None, **kwargs) -> dict:
    """``allowEmptyValue`` on the query arguments of an :class:`~opengov.params.EmptyIsAbsent`
    schema: an empty value is accepted (and read as absent)."""
    in_query = (ret or {}).get("in") == "query"
    return ({"allowEmptyValue": True}
            if in_query and isinstance(getattr(field, "parent", None), params.EmptyIsAbsent)
            else {})


class Int64Converter(IntegerConverter):
    """``<int:…>`` path parts up to the 64-bit maximum; a larger number matches no route (404)
    instead of overflowing the database's integer.

    The pattern itself stops at 18 digits (below 2**63): a number refused only by the converter's
    bound would make werkzeug answer 405 to a method that another rule of the same path allows.
    """

    regex = r"\d{1,18}"

    def __init__(self, map, fixed_digits=0, min=None, max=bounds.INT64_MAX, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


class TextConverter(UnicodeConverter):
    """Path parts (``<name>``, ``<string:…>``) without NUL: such a URL matches no route (404)
    instead of reaching PostgreSQL, which refuses NUL in text."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]")  # werkzeug sets it per instance


class TextPathConverter(PathConverter):
    """``<path:…>`` without NUL, for the same reason as :class:`TextConverter`."""

    regex = "[^/\\x00][^\\x00]*?"


PATH_CONVERTERS = {"int": Int64Converter, "default": TextConverter, "string": TextConverter,
                   "path": TextPathConverter}


def _require_json(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
            raise errors.ApiError(415, f"Send the body as application/json (got "
                                       f"{request.mimetype or 'no Content-Type'}).")
        return view(*args, **kwargs)

    return wrapper


class QueryCachingParser(FlaskParser):
    """webargs' parser, remembering the parsed query arguments per schema and query string.

    Parsing a query string is a pure function of its text (no argument schema reads the clock
    or the database), and on a small page it cost a quarter of the request: each distinct
    query string is parsed once per process (bounded), then served as a fresh shallow copy.
    Invalid query strings are not kept: they raise every time.
    """

    def __init__(self, size: int = 4096):
        super().__init__()
        self._parsed = LRU(size)

    def parse(self, argmap, req=None, **kwargs):
        if (kwargs.get("location") != "query" or not isinstance(argmap, ma.Schema)
                or kwargs.get("validate")):
            return super().parse(argmap, req, **kwargs)
        key = (argmap, kwargs.get("unknown"), (req or request).query_string)
        parsed = self._parsed.get(key)
        if parsed is None:
            _check_query_text(req or request)
            parsed = super().parse(argmap, req, **kwargs)
            self._parsed.put(key, parsed)
        return dict(parsed)

    def _raw_load_json(self, req):
        """JSON bodies through :func:`opengov.jsonbody.loads` (bounded depth, storable text)."""
        if not is_json_request(req):
            return core.missing
        return jsonbody.loads(req.get_data(cache=True))


def _check_query_text(req) -> None:
    """A 400 for query arguments holding text no database stores (a NUL character)."""
    for name, value in req.args.items(multi=True):
        problem = bounds.text_problem(value) or bounds.text_problem(name)
        if problem:
            raise errors.ApiError(400, f"{name}: {problem}.", errors=[
                {"location": "query", "field": name, "messages": [problem]}])


def _documentation_only(decorator):
    """Apply a flask-smorest decorator that only documents, without its forwarding layer.

    ``doc`` and ``alt_response`` wrap the view in a function that just calls it and carries the
    added documentation; the view carries that documentation itself instead, so a request does
    not pass through one more call per documented response.
    """

    def apply(view):
        view._apidoc = decorator(view)._apidoc
        return view

    return apply


class Blueprint(SmorestBlueprint):
    """Query-argument errors are 400 (malformed request), body errors 422, wrong body type 415."""

    ARGUMENTS_PARSER = QueryCachingParser()

    @staticmethod
    def doc(**kwargs):
        return _documentation_only(SmorestBlueprint.doc(**kwargs))

    def alt_response(self, *args, **kwargs):
        return _documentation_only(super().alt_response(*args, **kwargs))

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
