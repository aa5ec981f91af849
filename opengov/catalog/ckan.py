"""A CKAN-compatible read API at ``/api/3/action/`` and ``/api/action/`` (CKAN 2.10 actions).

Answers use CKAN's envelope ``{"help", "success", "result"}``; errors use its error object
(``{"success": false, "error": {"__type": "Not Found Error", "message": …}}``), which is what
the ``ckanapi`` client and CKAN harvesters parse (DOMAIN.md §8). GET takes query arguments,
POST a JSON object, as CKAN does.
"""

from __future__ import annotations

import json

import flask
import marshmallow as ma
from flask import Response, request

from opengov.api import Blueprint
from opengov.catalog import ckan_lists, datastore, live_catalog
from opengov.catalog import ckan_packages as packages
from opengov.context import current
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


# How the OpenAPI document shows these errors (opengov.openapi_doc.FAMILY_CONTENT_ATTR).
ckan_error.openapi_content = {"application/json": {  # type: ignore[attr-defined]
    "schema": {"type": "object", "required": ["success", "error"], "properties": {
        "help": {"type": "string"}, "success": {"type": "boolean", "enum": [False]},
        "error": {"type": "object", "properties": {"__type": {"type": "string"},
                                                   "message": {"type": "string"}}}}},
    "example": {"help": "https://data.example.gov.vn/api/3/action/package_show",
                "success": False, "error": {"__type": "Not Found Error",
                                            "message": 'Dataset "x" was not found.'}}}}


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


class JsonObject(ma.fields.String):
    """A JSON object: as JSON text in a query string, as an object in a JSON body."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as exc:
                raise ma.ValidationError("Not valid JSON.") from exc
        if not isinstance(value, dict):
            raise ma.ValidationError("Not a JSON object.")
        return value


class NameList(ma.fields.String):
    """Names: comma-separated in a query string, a list of strings in a JSON body."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ma.ValidationError("Not a list of names.")
        return [v.strip() for v in value if v.strip()]


class DatastoreArgs(ma.Schema):
    resource_id = ma.fields.String(metadata={
        "description": "Resource id `<dataset>.csv` (or the dataset id); `id` is an alias"})
    id = ma.fields.String(metadata={"description": "Alias of `resource_id`"})
    filters = JsonObject(metadata={
        "description": 'JSON object: column → value, or → list of values (any of them); '
                       'e.g. `{"level": ["commune", "province"]}`'})
    q = ma.fields.String(metadata={
        "description": "Full-text words (case and Vietnamese diacritics folded, prefixes)"})
    fields = NameList(metadata={"description": "Columns to return, comma-separated "
                                               "(default: every column, in CSV order)"})
    sort = ma.fields.String(metadata={
        "description": "Columns to sort by, e.g. `name_vi asc, id desc` (default `id`)"})
    limit = ma.fields.Integer(load_default=datastore.DEFAULT_LIMIT,
                              validate=ma.validate.Range(0, datastore.LARGEST), metadata={
        "description": f"Records per page (default 100; above {datastore.ROWS_MAX} served "
                       f"at {datastore.ROWS_MAX})"})
    offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0, datastore.LARGEST),
                               metadata={"description": "Records to skip"})
    include_total = ma.fields.Boolean(load_default=True, metadata={
        "description": "Whether to count the matching records (`total`)"})
    records_format = ma.fields.String(
        load_default="objects", validate=ma.validate.OneOf(datastore.RECORDS_FORMATS),
        metadata={"description": "`objects` (default), `lists`, or `csv`/`tsv` text "
                                 "without a header row"})


class TagListArgs(ma.Schema):
    query = ma.fields.String(metadata={
        "description": "Only tags containing this text (case and diacritics folded)"})
    vocabulary_id = ma.fields.String(metadata={
        "description": "Tags of a vocabulary: every tag here is free (none match)"})
    all_fields = ma.fields.Boolean(load_default=False, metadata={
        "description": "Tag dictionaries instead of names"})


class OwnerListArgs(ma.Schema):
    sort = ma.fields.String(metadata={
        "description": "`name`, `title` or `package_count`, then `asc`/`desc` "
                       "(default `name asc`)"})
    limit = ma.fields.Integer(validate=ma.validate.Range(0), metadata={
        "description": "Largest number to return"})
    offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0), metadata={
        "description": "Number to skip"})
    all_fields = ma.fields.Boolean(load_default=False, metadata={
        "description": "Dictionaries (title, package_count, …) instead of names"})
    include_dataset_count = ma.fields.Boolean(load_default=True, metadata={
        "description": "With `all_fields`: include `package_count`"})
    organizations = NameList(metadata={"description": "organization_list: only these names"})
    groups = NameList(metadata={"description": "group_list: only these names"})


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


def _datastore_collection(resource_id: str):
    """The collection behind a DataStore resource: ``<dataset>.csv`` or ``<dataset>``."""
    dataset_id = resource_id.removesuffix(".csv")
    registry = current().registry
    if dataset_id in registry:
        return registry.get(dataset_id)
    if dataset_id in live_catalog.sources():
        raise ApiError(404, f'Resource "{resource_id}" is not in the DataStore: '
                            f"{dataset_id} is published as monthly extracts only.")
    raise ApiError(404, f'Resource "{resource_id}" was not found.')


SUPPORTED = ("datastore_search", "group_list", "organization_list", "package_list",
             "package_search", "package_show", "resource_show", "status_show", "tag_list")


def _add_datastore_and_lists(blp: Blueprint, methods: list[str]) -> None:
    """``datastore_search`` and the tag, organization and group lists."""

    @blp.route("/datastore_search", methods=methods)
    @blp.doc(summary="CKAN datastore_search: query the rows of a dataset's CSV",
             description="Filters, full text `q`, `fields`, `sort`, `limit`/`offset`, "
                         "`include_total` and `records_format` as in CKAN 2.10; the table "
                         "is the dataset's CSV download (same columns and cells).")
    @blp.arguments(DatastoreArgs, location="query", unknown=ma.EXCLUDE, as_kwargs=False)
    @blp.response(200, Envelope, description="Matching records",
                  example={"help": "", "success": True, "result": {
                      "resource_id": "procedures.csv", "records_format": "objects",
                      "limit": 1, "offset": 0, "include_total": True, "total": 1600,
                      "total_was_estimated": False, "total_estimation_threshold": None,
                      "fields": [{"id": "id", "type": "text"}],
                      "records": [{"id": "1.900370"}],
                      "_links": {"start": "/api/action/datastore_search?resource_id="
                                          "procedures.csv&limit=1",
                                 "next": "/api/action/datastore_search?resource_id="
                                         "procedures.csv&limit=1&offset=1"}}})
    def datastore_search(args):
        args = _args(DatastoreArgs, args)
        resource_id = args.get("resource_id") or args.get("id")
        if not resource_id:
            raise ApiError(409, "Missing data for required field: resource_id.",
                           errors=[{"field": "resource_id",
                                    "messages": ["Missing value"]}])
        collection = _datastore_collection(resource_id)
        return _ok(datastore.search(current().store, collection, args, resource_id,
                                    request.path))

    @blp.route("/tag_list", methods=methods)
    @blp.doc(summary="CKAN tag_list: every tag (keyword) of every dataset")
    @blp.arguments(TagListArgs, location="query", unknown=ma.EXCLUDE, as_kwargs=False)
    @blp.response(200, Envelope, description="Tag names (or dictionaries)",
                  example={"help": "", "success": True, "result": ["cameras", "traffic"]})
    def tag_list(args):
        args = _args(TagListArgs, args)
        if args.get("vocabulary_id"):
            return _ok([])
        return _ok(ckan_lists.tags(packages.packages(), args.get("query") or "",
                                   args.get("all_fields", False)))

    @blp.route("/organization_list", methods=methods)
    @blp.doc(summary="CKAN organization_list: the datasets' publishers")
    @blp.arguments(OwnerListArgs, location="query", unknown=ma.EXCLUDE, as_kwargs=False)
    @blp.response(200, Envelope, description="Organization names (or dictionaries)",
                  example={"help": "", "success": True, "result": ["opengov-sample-data"]})
    def organization_list(args):
        return _ok(ckan_lists.owners(packages.packages(), "organization",
                                     _args(OwnerListArgs, args)))

    @blp.route("/group_list", methods=methods)
    @blp.doc(summary="CKAN group_list: the datasets' EU data themes")
    @blp.arguments(OwnerListArgs, location="query", unknown=ma.EXCLUDE, as_kwargs=False)
    @blp.response(200, Envelope, description="Group names (or dictionaries)",
                  example={"help": "", "success": True, "result": ["GOVE", "TRAN"]})
    def group_list(args):
        return _ok(ckan_lists.owners(packages.packages(), "group", _args(OwnerListArgs, args)))


def _add_unsupported(blp: Blueprint, methods: list[str]) -> None:
    """Every other action name: CKAN's answer to an action it does not know."""

    def unsupported(action):
        # CKAN answers an unknown action 400 "Bad request - Action name not known: …"
        # (ckan/views/api.py); we give the same status and text inside its error envelope.
        error = {"__type": "Bad Request",
                 "message": f"Bad request - Action name not known: {action}. This read-only "
                            f"API supports: {', '.join(SUPPORTED)}."}
        body = {"help": url_for_path(request.path), "success": False, "error": error}
        return Response(dumps(body), status=400, mimetype="application/json")

    # Registered with Flask itself, outside the OpenAPI document: it is every other name, and
    # the blueprint's description says what it answers.
    flask.Blueprint.add_url_rule(blp, "/<action>", "unsupported", unsupported,
                                 methods=methods)


def _blueprint(name: str, prefix: str) -> Blueprint:
    blp = Blueprint(name, __name__, url_prefix=prefix,
                    description=f"CKAN-compatible read API under {prefix} (envelope "
                                "{help, success, result}). Any other action name answers "
                                "400 `Bad request - Action name not known: …` in CKAN's "
                                "error envelope, as CKAN does.")
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

    _add_datastore_and_lists(blp, methods)

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

    _add_unsupported(blp, methods)
    return blp


def blueprints() -> list[Blueprint]:
    return [_blueprint("ckan3", PREFIXES[0]), _blueprint("ckan", PREFIXES[1])]
