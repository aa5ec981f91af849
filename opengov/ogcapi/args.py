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
from opengov.ogcapi.cql2 import LANGUAGES, Cql2Error, parse_filter
from opengov.ogcapi.queryables import GEOMETRY, queryable_properties
from opengov.page_language import lang_field
from opengov.params import AwareDateTime, Date, Int64, format_field, list_args_schema, to_query

FORMATS = ("geojson", "html", "csv")
OGC_ARGS = ("bbox_crs", "crs", "datetime", "filter", "filter_lang", "filter_crs",
            "properties", "simplify", "lang")


def _queryable_field(name: str, schema: dict) -> ma.fields.Field:
    """An equality parameter for a queryable that is not one of the collection's list filters
    (OGC 19-079r2 Part 3, class queryables-query-parameters): one value of its type."""
    meta = {"description": f"{schema.get('title', name)}: features whose `{name}` equals this "
                           "value (one value; use `filter` for more)."}
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "integer":
        return Int64(metadata=meta)
    if kind == "number":
        return ma.fields.Float(allow_nan=False, metadata=meta)
    if kind == "boolean":
        return ma.fields.Boolean(metadata=meta)
    if fmt == "date":
        return Date(metadata=meta)
    if fmt == "date-time":
        return AwareDateTime(metadata=meta)
    return ma.fields.String(metadata=meta)


def items_args_schema(collection: Collection) -> type[ma.Schema]:
    """The argument schema of ``/ogc/collections/{id}/items``.

    Every queryable is also a query parameter (equality); a queryable whose name is one of the
    items parameters (``limit``, ``crs``…) is reached through ``filter`` only.
    """
    extra: dict[str, ma.fields.Field] = {
        **bbox_fields(),
        "crs": crs_field("CRS of the returned geometries (see `Content-Crs`)."),
        "filter": ma.fields.String(metadata={
            "description": "CQL2 filter over the queryables, in the encoding `filter-lang` "
                           "names: comparisons, AND/OR/NOT, TRUE/FALSE, LIKE (case-sensitive), "
                           "IN, BETWEEN, IS NULL, S_INTERSECTS(geometry, BBOX(…) or a geometry).",
            "example": "kind = 'traffic' AND status IN ('online','maintenance')"}),
        "filter_lang": ma.fields.String(data_key="filter-lang",
                                        validate=ma.validate.OneOf(LANGUAGES),
                                        metadata={"description": "Filter language: cql2-text "
                                                  "(default) or cql2-json."}),
        "filter_crs": crs_field("CRS of geometries in `filter`.", data_key="filter-crs"),
        "properties": properties_field(),
        "simplify": ma.fields.Float(validate=ma.validate.Range(0, 1), metadata={
            "description": "Simplify geometries with this tolerance in degrees (for maps at "
                           "low zoom); topology is preserved."}),
        "lang": lang_field(),
        # OGC 17-069r4 §7.15.4: a limit above the maximum is served at the maximum.
        "limit": ma.fields.Integer(load_default=collection.default_limit,
                                   validate=ma.validate.Range(1), metadata={
            "description": f"Page size (default {collection.default_limit}); a larger value "
                           f"than the maximum, {collection.max_limit}, is served at the maximum "
                           "(see `numberReturned` and the `next` link)."}),
    }
    time_field = collection.time_field
    extra["datetime"] = ma.fields.String(metadata={
        "description": (f"Instant or interval on `{time_field}`" if time_field else
                        "Instant or interval (this collection has no time property, so every "
                        "feature matches)") + " (ISO 8601 with offset, or a date): `t`, "
                        "`start/end`, `../end`, `start/..`; both ends inclusive.",
        "example": "2026-01-01T00:00:00Z/.."})
    schema = list_args_schema(collection, FORMATS, extra=extra, aliases={"sort": "sortby"})
    taken = {f.data_key or name for name, f in schema._declared_fields.items()} | set(extra)
    more = {name: _queryable_field(name, prop)
            for name, prop in queryable_properties(collection).items()
            if name != GEOMETRY and name not in taken}
    if not more:
        return schema
    return ma.Schema.from_dict({**schema._declared_fields, **more}, name=schema.__name__)


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
    filter_crs = crs_arg(args, "filter_crs", "filter-crs")  # checked even without a filter
    if args.get("filter"):
        try:
            cql = parse_filter(args["filter"], collection, filter_crs,
                               args.get("filter_lang") or LANGUAGES[0])
        except Cql2Error as exc:
            raise bad("filter", str(exc)) from exc
    interval = parse_datetime(args["datetime"]) if args.get("datetime") else None
    if not collection.time_field:
        interval = None  # validated; no feature has a time property, so each one matches
    return replace(query, filter=q.all_of(query.filter, cql), bbox=bbox_arg(args),
                   interval=interval, limit=min(query.limit, collection.max_limit))
