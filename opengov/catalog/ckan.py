"""A CKAN-compatible read API at ``/api/3/action/`` and ``/api/action/`` (CKAN 2.10 actions).

Answers use CKAN's envelope ``{"help", "success", "result"}``; errors use its error object
(``{"success": false, "error": {"__type": "Not Found Error", "message": …}}``), which is what
the ``ckanapi`` client and CKAN harvesters parse (DOMAIN.md §8). GET takes query arguments,
POST a JSON object, as CKAN does.
"""

from __future__ import annotations

import marshmallow as ma
from flask import Response, request

from opengov.api import Blueprint
from opengov.catalog import ckan_packages as packages
from opengov.errors import ApiError, Problem
from opengov.geo.geojson import dumps
from opengov.links import url_for_path

PREFIXES = ("/api/3/action", "/api/action")
CKAN_VERSION = "2.10.0"
_ERROR_TYPES = {400: "Validation Error", 409: "Validation Error", 422: "Validation Error",
                401: "Authorization Error", 403: "Authorization Error", 404: "Not Found Error"}


def ckan_error(problem: Problem) -> Response:
    """CKAN's error envelope, for every error under the CKAN prefixes."""
    error: dict = {"__type": _ERROR_TYPES.get(problem.status, problem.title),
                   "message": problem.detail}
    for item in problem.errors or []:
        if item.get("field"):
            error[item["field"]] = item.get("messages", [])
    body = {"help": url_for_path(request.path), "success": False, "error": error}
    return Response(dumps(body), status=problem.status, mimetype="application/json")


class IdArgs(ma.Schema):
    id = ma.fields.String(metadata={"description": "Dataset (or resource) id (required)"})


class ListArgs(ma.Schema):
    limit = ma.fields.Integer(validate=ma.validate.Range(0), metadata={
        "description": "Largest number of names to return"})
    offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0), metadata={
        "description": "Names to skip"})


class SearchArgs(ma.Schema):
    q = ma.fields.String(load_default="", metadata={
        "description": "Words to find (case and diacritics folded); `*:*` matches all"})
    fq = ma.fields.String(load_default="", metadata={
        "description": "Filter terms `field:value` (tags, groups, name, res_format, "
                       "organization, license_id), all must hold"})
    rows = ma.fields.Integer(load_default=10, validate=ma.validate.Range(0, 1000), metadata={
        "description": "Results per page (default 10, max 1000)"})
    start = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0), metadata={
        "description": "Results to skip"})


class Envelope(ma.Schema):
    help = ma.fields.String(metadata={"description": "URL of this action"})
    success = ma.fields.Boolean(metadata={"description": "True when the action succeeded"})
    result = ma.fields.Raw(metadata={"description": "The action's result"})


def _args(schema: type[ma.Schema], query_args: dict) -> dict:
    """Query arguments (validated by flask-smorest) or, for POST, the JSON body."""
    if request.method != "POST":
        return query_args
    body = request.get_json(silent=True)
    if body is None and request.data:
        raise ApiError(400, "Send the action's arguments as a JSON object.")
    try:
        return schema().load(body or {}, unknown=ma.EXCLUDE)
    except ma.ValidationError as exc:
        errors = [{"field": k, "messages": list(v)} for k, v in exc.normalized_messages().items()]
        raise ApiError(409, "Invalid arguments.", errors=errors) from exc


def _id(args: dict) -> str:
    """The required ``id`` (checked here: it may come from the query or the JSON body)."""
    if not args.get("id"):
        raise ApiError(400, "Missing data for required field: id.",
                       errors=[{"field": "id", "messages": ["Missing data for required field."]}])
    return args["id"]


def _ok(result) -> Response:
    body = {"help": url_for_path(request.path), "success": True, "result": result}
    return Response(dumps(body), mimetype="application/json")


def _blueprint(name: str, prefix: str) -> Blueprint:
    blp = Blueprint(name, __name__, url_prefix=prefix,
                    description=f"CKAN-compatible read API under {prefix} (envelope "
                                "{help, success, result}).")
    methods = ["GET", "POST"]

    @blp.route("/package_list", methods=methods)
    @blp.doc(summary="CKAN package_list: every dataset id")
    @blp.arguments(ListArgs, location="query", unknown=ma.EXCLUDE, as_kwargs=False)
    @blp.response(200, Envelope, example={"help": "", "success": True, "result": ["cameras"]},
                  description="Dataset names")
    def package_list(args):
        args = _args(ListArgs, args)
        names = packages.names()[args.get("offset", 0):]
        return _ok(names[: args["limit"]] if args.get("limit") is not None else names)

    @blp.route("/package_show", methods=methods)
    @blp.doc(summary="CKAN package_show: one dataset with its resources")
    @blp.arguments(IdArgs, location="query", unknown=ma.EXCLUDE, as_kwargs=False)
    @blp.response(200, Envelope, description="The dataset",
                  example={"help": "", "success": True, "result": packages.EXAMPLE})
    def package_show(args):
        return _ok(packages.show(_id(_args(IdArgs, args))))

    @blp.route("/package_search", methods=methods)
    @blp.doc(summary="CKAN package_search: search datasets (q, fq, rows, start)")
    @blp.arguments(SearchArgs, location="query", unknown=ma.EXCLUDE, as_kwargs=False)
    @blp.response(200, Envelope, description="Matching datasets",
                  example={"help": "", "success": True,
                           "result": {"count": 1, "results": [packages.EXAMPLE],
                                      "sort": "name asc", "facets": {},
                                      "search_facets": {}}})
    def package_search(args):
        return _ok(packages.search(**_args(SearchArgs, args)))

    @blp.route("/resource_show", methods=methods)
    @blp.doc(summary="CKAN resource_show: one distribution (id `<dataset>.<format>`)")
    @blp.arguments(IdArgs, location="query", unknown=ma.EXCLUDE, as_kwargs=False)
    @blp.response(200, Envelope, description="The resource",
                  example={"help": "", "success": True,
                           "result": packages.EXAMPLE["resources"][0]})
    def resource_show(args):
        return _ok(packages.resource(_id(_args(IdArgs, args))))

    @blp.route("/status_show", methods=methods)
    @blp.doc(summary="CKAN status_show: site and API version")
    @blp.response(200, Envelope, description="Site status",
                  example={"help": "", "success": True,
                           "result": {"ckan_version": CKAN_VERSION, "site_title": "opengov",
                                      "site_url": "https://example.org", "extensions": []}})
    def status_show():
        return _ok({"ckan_version": CKAN_VERSION, "site_title": "opengov",
                    "site_description": "opengov open data (CKAN-compatible read API)",
                    "site_url": url_for_path(""), "extensions": [], "locale_default": "vi"})

    return blp


def blueprints() -> list[Blueprint]:
    return [_blueprint("ckan3", PREFIXES[0]), _blueprint("ckan", PREFIXES[1])]
