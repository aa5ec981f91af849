"""Marshmallow schemas documenting a collection's records, derived from its fields.

They feed the OpenAPI document only; responses are assembled from stored JSON.
"""

from __future__ import annotations

from functools import cache

import marshmallow as ma

from opengov.collections import Collection, Field


class I18nText(ma.Schema):
    vi = ma.fields.String(allow_none=True, metadata={"description": "Vietnamese"})
    en = ma.fields.String(allow_none=True, metadata={"description": "English"})


class Link(ma.Schema):
    href = ma.fields.String(required=True)
    rel = ma.fields.String(required=True)
    type = ma.fields.String()
    title = ma.fields.String()


class Geometry(ma.Schema):
    type = ma.fields.String(required=True, metadata={"description": "GeoJSON geometry type"})
    coordinates = ma.fields.Raw(metadata={"description": "[lon, lat] positions (RFC 7946)"})


def _doc_field(f: Field) -> ma.fields.Field:
    desc = f.en + (f" ({f.unit})" if f.unit else "") + f" — {f.vi}"
    meta: dict = {"description": desc}
    if f.enum:
        meta["enum"] = list(f.enum)
    if f.example is not None:
        meta["example"] = f.example
    kinds = {
        "string": ma.fields.String, "text": ma.fields.String, "integer": ma.fields.Integer,
        "number": ma.fields.Float, "boolean": ma.fields.Boolean, "date": ma.fields.Date,
        "datetime": ma.fields.DateTime, "object": ma.fields.Dict,
    }
    if f.type == "i18n":
        return ma.fields.Nested(I18nText, allow_none=not f.required, metadata=meta)
    if f.type == "array":
        return ma.fields.List(ma.fields.Raw(), allow_none=True, metadata=meta)
    return kinds[f.type](allow_none=not f.required, metadata=meta)


def _camel(collection: Collection) -> str:
    return "".join(p.title() for p in collection.id.split("-"))


def _record_fields(collection: Collection) -> dict:
    fields = {f.name: _doc_field(f) for f in collection.fields
              if not (collection.spatial and f.name == "id")}
    if not collection.spatial and "id" not in fields:  # every stored record carries its id
        fields = {"id": ma.fields.Raw(metadata={"description": "Record id"}), **fields}
    return fields


@cache
def record_schema(collection: Collection) -> type[ma.Schema]:
    """Schema of a record's public fields (a Feature's ``properties`` when spatial)."""
    suffix = "Properties" if collection.spatial else "Record"
    return ma.Schema.from_dict(_record_fields(collection), name=_camel(collection) + suffix)


def _feature_fields(properties: type[ma.Schema]) -> dict:
    return {
        "type": ma.fields.String(metadata={"enum": ["Feature"]}),
        "id": ma.fields.String(),
        "geometry": ma.fields.Nested(Geometry),
        "properties": ma.fields.Nested(properties),
        "links": ma.fields.List(ma.fields.Nested(Link), metadata={
            "description": "Links of the feature (OGC API – Features answers)"}),
    }


@cache
def feature_schema(collection: Collection) -> type[ma.Schema]:
    return ma.Schema.from_dict(_feature_fields(record_schema(collection)),
                               name=_camel(collection) + "Feature")


def listed_page_schema(collection: Collection, name: str, extra: dict) -> type[ma.Schema]:
    """A FeatureCollection of ``collection`` whose features' properties also carry ``extra``
    fields (added by the list view), as schemas named ``<name>…``."""
    properties = ma.Schema.from_dict({**_record_fields(collection), **extra},
                                     name=name + "Properties")
    feature = ma.Schema.from_dict(_feature_fields(properties), name=name + "Feature")
    fields = _page_fields()
    fields["type"] = ma.fields.String(metadata={"enum": ["FeatureCollection"]})
    fields["timeStamp"] = ma.fields.DateTime()
    fields["features"] = ma.fields.List(ma.fields.Nested(feature))
    return ma.Schema.from_dict(fields, name=name + "FeatureCollection")


def _page_fields() -> dict:
    return {
        "numberMatched": ma.fields.Integer(metadata={
            "description": "Exact number of matching records (omitted when unknown)"}),
        "numberReturned": ma.fields.Integer(),
        "links": ma.fields.List(ma.fields.Nested(Link)),
    }


@cache
def page_schema(collection: Collection) -> type[ma.Schema]:
    """A FeatureCollection (spatial) or ``{items: [...]}`` page."""
    fields = _page_fields()
    if collection.spatial:
        fields["type"] = ma.fields.String(metadata={"enum": ["FeatureCollection"]})
        fields["timeStamp"] = ma.fields.DateTime()
        fields["features"] = ma.fields.List(ma.fields.Nested(feature_schema(collection)))
        return ma.Schema.from_dict(fields, name=_camel(collection) + "FeatureCollection")
    fields["items"] = ma.fields.List(ma.fields.Nested(record_schema(collection)))
    return ma.Schema.from_dict(fields, name=_camel(collection) + "Page")


def example_properties(collection: Collection) -> dict:
    return {f.name: f.example for f in collection.fields
            if f.example is not None and not (collection.spatial and f.name == "id")}


def example_feature(collection: Collection, geometry: dict) -> dict:
    return {"type": "Feature", "id": collection.field(collection.id_field).example,
            "geometry": geometry, "properties": example_properties(collection)}
