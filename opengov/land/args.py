"""Query arguments of the /land endpoints and their translation into a Query.

The shared list arguments (:func:`opengov.params.list_args_schema`: paging, ``bbox``,
``commune``, equality filters on the filterable fields) plus ``crs``, ``properties``,
``simplify``/``zoom`` and, for parcels, ``landuse`` (any component of a mixed code) and an area
range.
"""

from __future__ import annotations

from dataclasses import replace

import marshmallow as ma

from opengov import query as q
from opengov.collection_views import SPATIAL_FORMATS
from opengov.collections import Collection
from opengov.errors import arg_error
from opengov.geo.args import PROPERTIES_DESCRIPTION, crs_arg, crs_field, properties_arg
from opengov.geo.stored_features import Reading, reading
from opengov.geo.tolerance import zoom_tolerance_m
from opengov.land.codes import known_codes
from opengov.params import ListArg, list_args_schema, to_query

DISPLAY_ARGS = ("crs", "properties", "simplify", "zoom")
PARCEL_ARGS = ("landuse", "area_min", "area_max")


def display_fields(collection: Collection) -> dict[str, ma.fields.Field]:
    """``crs``, ``properties``, ``simplify`` and ``zoom``: how features are sent."""
    return {
        "crs": crs_field(
            f"CRS of the returned geometries (stated in `Content-Crs`); "
            f"`{collection.native_crs}` returns the coordinates exactly as loaded (metres).",
            metadata={"example": "EPSG:5899"}),
        "properties": properties_field(collection),
        "simplify": ma.fields.Float(validate=ma.validate.Range(0, 1000), metadata={
            "description": "Simplify geometries with this tolerance in metres (display-grade "
                           "geometry; each feature on its own, topology kept)."}),
        "zoom": ma.fields.Integer(validate=ma.validate.Range(0, 24), metadata={
            "description": "Map zoom level the geometry is for: simplifies to half a pixel of "
                           "a 256-px Web Mercator tile at that zoom. Not with `simplify`."}),
    }


def properties_field(collection: Collection) -> ListArg:
    """``properties``: a list of ``collection``'s field names (one path per collection, so
    the document enumerates them)."""
    names = [f.name for f in collection.fields]
    return ListArg(ma.fields.String(validate=ma.validate.OneOf(names)), metadata={
        "description": PROPERTIES_DESCRIPTION, "example": ",".join(names[:2])})


def parcel_fields() -> dict[str, ma.fields.Field]:
    return {
        "landuse": ListArg(ma.fields.String(validate=ma.validate.OneOf(known_codes())), metadata={
            "description": "Land-use code(s), comma-separated: parcels having ANY of them among "
                           "their codes (`CLN` matches `ODT+CLN`). Codes of 08/2024/TT-BTNMT "
                           "and retired 27/2018 codes are accepted.", "example": "ODT,CLN"}),
        "area_min": ma.fields.Float(validate=ma.validate.Range(0), metadata={
            "description": "Smallest area, m² (inclusive)."}),
        "area_max": ma.fields.Float(validate=ma.validate.Range(0), metadata={
            "description": "Largest area, m² (inclusive)."}),
    }


def land_args_schema(collection: Collection, parcels: bool = False) -> type[ma.Schema]:
    """The query-argument schema of a land list endpoint."""
    extra = display_fields(collection)
    if parcels:
        extra.update(parcel_fields())
    return list_args_schema(collection, SPATIAL_FORMATS, extra=extra)


def item_args_schema(collection: Collection) -> type[ma.Schema]:
    from opengov.params import format_field

    fields = {"f": format_field(SPATIAL_FORMATS), **display_fields(collection)}
    name = "".join(p.title() for p in collection.id.split("-")) + "LandItemArgs"
    return ma.Schema.from_dict(fields, name=name)


def landuse_filter(codes: tuple[str, ...]) -> q.Filter:
    """Parcels with any of ``codes`` among their ``+``-joined codes.

    Codes are three letters and never contain ``+``, so ``%ODT%`` matches exactly the values
    with an ``ODT`` component.
    """
    items = tuple(q.Like("landuse", f"%{code}%") for code in codes)
    return items[0] if len(items) == 1 else q.Or(items)


def land_query(collection: Collection, args: dict) -> q.Query:
    """Validated arguments → Query."""
    query = to_query(collection, args, special=DISPLAY_ARGS + PARCEL_ARGS)
    extra: list[q.Filter | None] = []
    if args.get("landuse"):
        extra.append(landuse_filter(args["landuse"]))
    low, high = args.get("area_min"), args.get("area_max")
    if low is not None and high is not None and low > high:
        raise arg_error("area_min", "area_min is larger than area_max")
    if low is not None:
        extra.append(q.Compare("area_m2", ">=", low))
    if high is not None:
        extra.append(q.Compare("area_m2", "<=", high))
    return replace(query, filter=q.all_of(query.filter, *extra))


def display(collection: Collection, args: dict) -> Reading:
    """The stored Features to read and what to change in them, for the ``crs``,
    ``properties`` and ``simplify`` (metres) or ``zoom`` asked for."""
    crs = crs_arg(args)
    props = properties_arg(collection, args.get("properties"))
    if args.get("simplify") is not None and args.get("zoom") is not None:
        raise arg_error("zoom", "give either simplify or zoom, not both")
    tolerance = args.get("simplify")
    if args.get("zoom") is not None:
        tolerance = zoom_tolerance_m(args["zoom"])
    return reading(collection, crs, props, tolerance or None, metres=True)
