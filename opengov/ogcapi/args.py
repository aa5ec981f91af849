"""Query arguments of the OGC items endpoints and their translation into a Query.

The schema extends the shared one of :func:`opengov.params.list_args_schema` (limit, offset,
cursor, property equality filters, ``sortby``) with the OGC parameters: ``bbox``/``bbox-crs``,
``crs``, ``datetime``, ``filter``/``filter-lang``/``filter-crs``, ``properties``, ``simplify``.
The geo ones (``bbox``/``bbox-crs``, ``crs``, ``properties``) are the shared fields and parsing
of :mod:`opengov.geo.args`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import marshmallow as ma

from opengov import bounds
from opengov import query as q
from opengov.collections import Collection
from opengov.errors import arg_error as bad
from opengov.geo.args import bbox_arg, bbox_fields, crs_arg, crs_field, properties_field
from opengov.ogcapi.cql2 import Cql2Error, parse_filter
from opengov.page_language import lang_field
from opengov.params import format_field, list_args_schema, to_query

FORMATS = ("geojson", "html", "csv")
OGC_ARGS = ("bbox_crs", "crs", "datetime", "filter", "filter_lang", "filter_crs",
            "properties", "simplify", "lang")


def items_args_schema(collection: Collection) -> type[ma.Schema]:
    """The argument schema of ``/ogc/collections/{id}/items``."""
    extra: dict[str, ma.fields.Field] = {
        **bbox_fields(),
        "crs": crs_field("CRS of the returned geometries (see `Content-Crs`)."),
        "filter": ma.fields.String(metadata={
            "description": "CQL2-text filter over the queryables: comparisons, AND/OR/NOT, "
                           "LIKE, IN, BETWEEN, IS NULL, S_INTERSECTS(geometry, BBOX(…) or WKT).",
            "example": "kind = 'traffic' AND status IN ('online','maintenance')"}),
        "filter_lang": ma.fields.String(data_key="filter-lang",
                                        validate=ma.validate.OneOf(("cql2-text",)),
                                        metadata={"description": "Filter language: cql2-text."}),
        "filter_crs": crs_field("CRS of geometries in `filter`.", data_key="filter-crs"),
        "properties": properties_field(),
        "simplify": ma.fields.Float(validate=ma.validate.Range(0, 1), metadata={
            "description": "Simplify geometries with this tolerance in degrees (for maps at "
                           "low zoom); topology is preserved."}),
        "lang": lang_field(),
    }
    if collection.time_field:
        extra["datetime"] = ma.fields.String(metadata={
            "description": f"Instant or interval on `{collection.time_field}` (ISO 8601 with "
                           "offset, or a date): `t`, `start/end`, `../end`, `start/..`; both "
                           "ends inclusive.", "example": "2026-01-01T00:00:00Z/.."})
    return list_args_schema(collection, FORMATS, extra=extra, aliases={"sort": "sortby"})


def item_args_schema(collection: Collection) -> type[ma.Schema]:
    """The argument schema of ``/ogc/collections/{id}/items/{featureId}``."""
    name = "".join(p.title() for p in collection.id.split("-")) + "OgcItemArgs"
    return ma.Schema.from_dict({
        "f": format_field(("geojson", "html")),
        "crs": crs_field("CRS of the returned geometry (see `Content-Crs`)."),
        "lang": lang_field(),
    }, name=name)


def _moment(text: str, end: bool) -> datetime | None:
    if text in ("", ".."):
        return None
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise bad("datetime", f"{text!r} is not an ISO 8601 date or date-time") from exc
    if moment.tzinfo is None:
        raise bad("datetime", f"{text!r} has no UTC offset")
    problem = bounds.datetime_problem(moment)
    if problem:
        raise bad("datetime", f"{text!r}: {problem}")
    if not end:
        return moment
    return moment + (timedelta(days=1) if len(text) == 10 else timedelta(microseconds=1))


def parse_datetime(text: str) -> q.Interval:
    """An OGC ``datetime`` (closed interval) as our half-open :class:`~opengov.query.Interval`."""
    parts = text.split("/")
    if len(parts) == 1:
        if text == "..":
            raise bad("datetime", "give an instant or an interval")
        return q.Interval(_moment(text, False), _moment(text, True))
    if len(parts) != 2:
        raise bad("datetime", "use start/end, ../end or start/..")
    start, end = _moment(parts[0], False), _moment(parts[1], True)
    if start and end and start >= end:
        raise bad("datetime", "the interval ends before it starts")
    return q.Interval(start, end)


def items_query(collection: Collection, args: dict) -> q.Query:
    """Translate validated items arguments into a Query (400 for bad CRS, bbox, filter…)."""
    query = to_query(collection, args, special=OGC_ARGS)
    cql = None
    if args.get("filter"):
        try:
            cql = parse_filter(args["filter"], collection,
                               crs_arg(args, "filter_crs", "filter-crs"))
        except Cql2Error as exc:
            raise bad("filter", str(exc)) from exc
    interval = parse_datetime(args["datetime"]) if args.get("datetime") else None
    return replace(query, filter=q.all_of(query.filter, cql), bbox=bbox_arg(args),
                   interval=interval)
