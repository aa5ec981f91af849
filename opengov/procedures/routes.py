"""HTTP endpoints of the procedures collection: search, detail and statistics."""

from __future__ import annotations

import marshmallow as ma
from flask import Response, request

from opengov.api import Blueprint
from opengov.collection_views import (
    PAGE_HEADERS,
    RECORD_FORMATS,
    bad_query,
    item_response,
    list_response,
)
from opengov.conditional import version_tag, versioned
from opengov.context import current
from opengov.docschemas import page_schema, record_schema
from opengov.geo.geojson import dumps
from opengov.params import item_args_schema, list_args_schema, to_query
from opengov.procedures.collection import PROCEDURES, STATS_FACETS, SUMMARY_FIELDS
from opengov.store.filters import FilterError

blp = Blueprint("procedures", __name__, url_prefix="/procedures",
                description=PROCEDURES.description["en"])

ALIASES = {"field_code": "field", "agency_code": "agency", "online_level": "online"}
ListArgs = list_args_schema(PROCEDURES, RECORD_FORMATS, aliases=ALIASES)
StatsArgs = list_args_schema(PROCEDURES, RECORD_FORMATS, aliases=ALIASES, paging=False)
SUMMARY = tuple(PROCEDURES.field(name) for name in SUMMARY_FIELDS)
SUMMARY_COLUMNS = [c for f in SUMMARY for c in f.columns]


def _summary(row: tuple) -> str:
    values = iter(row)
    out: dict = {}
    for f in SUMMARY:
        out[f.name] = {"vi": next(values), "en": next(values)} if f.type == "i18n" else next(values)
    return dumps(out)


@blp.route("")
@blp.doc(summary="Search and list procedures",
         description="Summaries of matching procedures (full detail at `/procedures/{code}`). "
                     "`q` searches names, fields and agencies; filters combine with AND.")
@blp.arguments(ListArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
@blp.response(200, page_schema(PROCEDURES), headers=PAGE_HEADERS,
              description="A page of procedure summaries", example={
    "numberMatched": 1, "numberReturned": 1, "links": [],
    "items": [{"code": "1.001193", "name": {"vi": "Đăng ký khai sinh", "en": "Birth "
               "registration"}, "field_code": "ho-tich", "level": "commune",
               "online_level": "full", "postal": True, "delegated": False}]})
@blp.alt_response(200, schema={"type": "string"}, content_type="text/csv",
                  example="id,code,name_vi,name_en,…")
@versioned(blp, max_age=PROCEDURES.cache_seconds)
def list_procedures(args):
    return list_response(PROCEDURES, to_query(PROCEDURES, args), summarise=_summary,
                         summary_columns=SUMMARY_COLUMNS)


class FacetSchema(ma.Schema):
    value = ma.fields.Raw(metadata={"description": "Field value"})
    count = ma.fields.Integer()


StatsSchema = ma.Schema.from_dict({
    "total": ma.fields.Integer(),
    "facets": ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(
        ma.fields.Nested(FacetSchema)), metadata={
        "description": f"Counts per value of {', '.join(STATS_FACETS)}"}),
}, name="ProcedureStats")


@blp.route("/stats")
@blp.doc(summary="Procedure counts by field, level, agency, online level, postal, delegated",
         description="Takes the same filters as the list, so counts can be drilled down.")
@blp.arguments(StatsArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
@blp.response(200, StatsSchema, example={
    "total": 1600, "facets": {"postal": [{"value": True, "count": 1158}]}})
@versioned(blp, max_age=PROCEDURES.cache_seconds)
def procedure_stats(args):
    repo = current().store.repo(PROCEDURES.id)
    state = repo.state()
    version_tag("procedures-stats", state.version, request.query_string.decode())
    query = to_query(PROCEDURES, {**args, "limit": 0})
    try:
        facets = repo.facets(query, STATS_FACETS)
        total = repo.count(query, state.version)
    except FilterError as exc:
        raise bad_query(exc) from exc
    body = {"total": total, "facets": {
        name: [{"value": v, "count": c} for v, c in rows] for name, rows in facets.items()}}
    return Response(dumps(body), mimetype="application/json")


@blp.route("/<code>")
@blp.doc(summary="One procedure in full", description="Methods with times and fees, cases "
         "with documents, steps, legal basis and results.")
@blp.response(200, record_schema(PROCEDURES), example={"code": "1.001193", "name": {
    "vi": "Đăng ký khai sinh", "en": "Birth registration"}})
@blp.alt_response(404, response="NOT_FOUND")
@blp.arguments(item_args_schema(PROCEDURES, RECORD_FORMATS), location="query", unknown=ma.RAISE,
               as_kwargs=False)
@versioned(blp, max_age=PROCEDURES.cache_seconds)
def get_procedure(_args, code):
    return item_response(PROCEDURES, code)
