"""Query-argument schemas derived from a collection, and their translation into a Query."""

from __future__ import annotations

import marshmallow as ma

from opengov import bounds
from opengov import query as q
from opengov.collections import Collection, Field
from opengov.geo.bbox import BBoxError, parse_bbox

MAX_OFFSET = 10_000


class EmptyIsAbsent(ma.Schema):
    """Arguments where an empty value is the same as no value.

    GeoReport v2, "Optional Arguments": the response should be the same whether an optional
    parameter is passed empty or not passed at all. Only declared fields are dropped, so an
    unknown parameter is still refused even when empty.
    """

    @ma.pre_load
    def _drop_empty(self, data, **_kwargs):
        return {key: value for key, value in data.items()
                if not (key in self.fields and isinstance(value, str) and not value.strip())}


class BBoxArg(ma.fields.String):
    """``minLon,minLat,maxLon,maxLat`` in CRS84, parsed into a :class:`~opengov.query.BBox`."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_bbox(super()._deserialize(value, attr, data, **kwargs))
        except BBoxError as exc:
            raise ma.ValidationError(str(exc)) from exc


# The years :mod:`opengov.bounds` accepts, as the OpenAPI document states them (1001–8998: a
# time in 1000 or 8999 may leave the range once its offset is applied).
SAFE_YEARS = "^(100[1-9]|10[1-9][0-9]|1[1-9][0-9]{2}|[2-7][0-9]{3}|8[0-8][0-9]{2}|89[0-8][0-9])-"


class AwareDateTime(ma.fields.AwareDateTime):
    """ISO 8601 with an offset; naive timestamps are rejected."""

    def __init__(self, **kwargs):
        super().__init__(format="iso", **kwargs)
        self.metadata = {"pattern": SAFE_YEARS, **self.metadata}
        self.error_messages["invalid_awareness"] = (
            "Give a UTC offset (e.g. 2025-07-01T00:00:00+07:00 or …Z); naive times are ambiguous."
        )

    def _deserialize(self, value, attr, data, **kwargs):
        return _bounded(super()._deserialize(value, attr, data, **kwargs), bounds.date_problem)


class Date(ma.fields.Date):
    """An ISO 8601 date within the safe range of :mod:`opengov.bounds`."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.metadata = {"pattern": SAFE_YEARS, **self.metadata}

    def _deserialize(self, value, attr, data, **kwargs):
        return _bounded(super()._deserialize(value, attr, data, **kwargs), bounds.date_problem)


class Int64(ma.fields.Integer):
    """An integer that fits in 64 bits (what both databases store)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.metadata = {"minimum": bounds.INT64_MIN, "maximum": bounds.INT64_MAX,
                         **self.metadata}

    def _deserialize(self, value, attr, data, **kwargs):
        return _bounded(super()._deserialize(value, attr, data, **kwargs), bounds.int_problem)


def _bounded(value, problem):
    message = problem(value)
    if message:
        raise ma.ValidationError(message[0].upper() + message[1:] + ".")
    return value


class ListArg(ma.fields.Field):
    """A comma-separated list of values of one inner field; ``a,b`` means a OR b."""

    def __init__(self, inner: ma.fields.Field, **kwargs):
        super().__init__(**kwargs)
        self.inner = inner

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not value.strip() and not self.required:
            return ma.missing  # an empty optional argument is as if not sent
        if not isinstance(value, str) or not value.strip():
            raise ma.ValidationError("Give one or more comma-separated values.")
        return tuple(self.inner.deserialize(v.strip()) for v in value.split(","))


class SortArg(ma.fields.String):
    """``field`` or ``-field`` (descending), comma-separated, over the sortable fields."""

    def __init__(self, allowed: tuple[str, ...], **kwargs):
        super().__init__(**kwargs)
        self.allowed = allowed

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not value.strip():
            return ma.missing  # an empty optional argument is as if not sent
        keys = []
        for part in super()._deserialize(value, attr, data, **kwargs).split(","):
            part = part.strip()
            desc = part.startswith("-")
            name = part.lstrip("+-")
            if name not in self.allowed:
                raise ma.ValidationError(f"Cannot sort by {name!r}; use one of "
                                         f"{', '.join(self.allowed)} (prefix - for descending).")
            keys.append(q.SortKey(name, desc))
        return tuple(keys)


def _filter_field(f: Field) -> ma.fields.Field:
    meta = {"description": f"{f.en}. Several values: comma-separated (any of them)."}
    if f.type == "boolean":
        return ma.fields.Boolean(metadata={"description": f.en})
    if f.type == "integer":
        inner: ma.fields.Field = Int64()
    elif f.type == "number":
        inner = ma.fields.Float(allow_nan=False)
    elif f.type == "date":
        inner = Date()
    elif f.enum:
        inner = ma.fields.String(validate=ma.validate.OneOf(f.enum))
        meta["description"] += f" One of: {', '.join(f.enum)}."
    else:
        inner = ma.fields.String()
    return ListArg(inner, metadata=meta)


def paging_fields(collection: Collection, formats: tuple[str, ...]) -> dict[str, ma.fields.Field]:
    """``limit``, ``offset``, ``cursor`` and ``f``: the same on every list endpoint."""
    return {
        "limit": ma.fields.Integer(
            load_default=collection.default_limit,
            validate=ma.validate.Range(1, collection.max_limit),
            metadata={"description": f"Page size (default {collection.default_limit}, "
                                     f"maximum {collection.max_limit})."}),
        "offset": ma.fields.Integer(
            load_default=0, validate=ma.validate.Range(0, MAX_OFFSET),
            metadata={"description": f"Skip this many records (at most {MAX_OFFSET}); prefer the "
                                     "cursor in `next` links for deep paging."}),
        "cursor": ma.fields.String(metadata={
            "description": "Opaque position from a `next`/`prev` link; do not build it yourself."}),
        "f": format_field(formats),
    }


def list_args_schema(collection: Collection, formats: tuple[str, ...],
                     extra: dict[str, ma.fields.Field] | None = None,
                     aliases: dict[str, str] | None = None,
                     paging: bool = True) -> type[ma.Schema]:
    """The query-argument schema of a collection's list endpoint.

    ``aliases`` renames a field's query parameter (``{"field_code": "field"}``).
    """
    fields: dict[str, ma.fields.Field] = dict(paging_fields(collection, formats)) if paging else {}
    if collection.spatial:
        fields["bbox"] = BBoxArg(metadata={
            "description": "minLon,minLat,maxLon,maxLat (WGS 84); features intersecting the box.",
            "example": "108.30,15.85,108.36,15.90"})
    if collection.commune_field:
        fields["commune"] = ListArg(ma.fields.String(), metadata={
            "description": "Current (2025) commune-level unit code(s), comma-separated."})
    if collection.searchable:
        fields["q"] = ma.fields.String(validate=ma.validate.Length(1, 200), metadata={
            "description": "Full-text search, case- and diacritic-insensitive (`dang ky` finds "
                           "`Đăng ký`); ranked by relevance unless `sort` is given."})
    fields["updated_since"] = AwareDateTime(metadata={
        "description": "Only records changed at or after this time (ISO 8601 with offset), for "
                       "incremental sync."})
    for f in collection.filterable_fields:
        if f.name != collection.commune_field:
            fields.setdefault(f.name, _filter_field(f))
    if paging:
        sortable = tuple(f.name for f in collection.sortable_fields)
        fields["sort"] = SortArg(sortable, metadata={
            "description": f"Sort keys among {', '.join(sortable)}; prefix - for descending."})
    for name, alias in (aliases or {}).items():
        fields[name].data_key = alias
    fields.update(extra or {})
    name = "".join(p.title() for p in collection.id.split("-")) + "ListArgs"
    return ma.Schema.from_dict(fields, name=name)


def to_query(collection: Collection, args: dict, *, special: tuple[str, ...] = ()) -> q.Query:
    """Translate validated arguments into a Query (filters on fields, paging, bbox…)."""
    filters: list[q.Filter] = []
    skip = {"limit", "offset", "cursor", "f", "bbox", "updated_since", "sort", "q", *special}
    for name, value in args.items():
        if name in skip or value is None:
            continue
        field = collection.commune_field if name == "commune" else name
        if isinstance(value, tuple):
            one = len(value) == 1
            filters.append(q.Compare(field, "=", value[0]) if one else q.In(field, value))
        else:
            filters.append(q.Compare(field, "=", value))
    return q.Query(
        filter=q.all_of(*filters),
        bbox=args.get("bbox"),
        updated_since=args.get("updated_since"),
        sort=args.get("sort") or (),
        limit=args.get("limit", 0),
        offset=args.get("offset", 0),
        cursor=args.get("cursor"),
        search=args.get("q"),
    )


def format_field(formats: tuple[str, ...]) -> ma.fields.Field:
    """The ``f`` parameter; ``json`` is accepted as GeoJSON wherever GeoJSON is offered."""
    offered = formats + (("json",) if "geojson" in formats and "json" not in formats else ())
    return ma.fields.String(validate=ma.validate.OneOf(offered), metadata={
        "description": f"Output format: {', '.join(offered)} (overrides the Accept header)."})


def item_args_schema(collection: Collection, formats: tuple[str, ...]) -> type[ma.Schema]:
    """Query arguments of a single-record endpoint: just the format."""
    name = "".join(p.title() for p in collection.id.split("-")) + "ItemArgs"
    return ma.Schema.from_dict({"f": format_field(formats)}, name=name)
