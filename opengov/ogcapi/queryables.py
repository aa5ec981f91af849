"""Queryables (OGC API – Features Part 3): the properties a ``filter`` may name, as JSON Schema.

Derived from the collection's declared fields, so the list is the same one the filter compiler
accepts: the id, every scalar field, each bilingual field (matching either language) and its
``_vi``/``_en`` columns, and the geometry.
"""

from __future__ import annotations

from functools import cache

from opengov.collections import Collection

GEOMETRY = "geometry"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_TYPES = {
    "string": {"type": "string"}, "text": {"type": "string"},
    "integer": {"type": "integer"}, "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
}
# OGC 19-079r2 (Part 3) §6.2: geometry queryables use the "geometry-…" formats.
_GEOMETRY_FORMATS = {"Point": "geometry-point", "LineString": "geometry-linestring",
                     "Polygon": "geometry-polygon", "MultiPolygon": "geometry-multipolygon",
                     "Geometry": "geometry-any"}


@cache
def queryable_properties(collection: Collection) -> dict[str, dict]:
    """JSON Schema of every queryable property, in declaration order."""
    props: dict[str, dict] = {}
    for f in collection.fields:
        if f.type in _TYPES:
            schema = {"title": f.en, "description": f.vi, **_TYPES[f.type]}
            if f.enum:
                schema["enum"] = list(f.enum)
            props[f.name] = schema
        elif f.type == "i18n":
            props[f.name] = {"title": f"{f.en} (Vietnamese or English)", "description": f.vi,
                             "type": "string"}
            for lang, column in zip(("Vietnamese", "English"), f.columns, strict=True):
                props[column] = {"title": f"{f.en} ({lang})", "description": f.vi,
                                 "type": "string"}
    if "id" not in props:
        props["id"] = {"title": "Identifier", "type": "string"}
    if collection.spatial:
        props[GEOMETRY] = {"title": "Geometry",
                           "format": _GEOMETRY_FORMATS[collection.geometry_type or "Geometry"]}
    return props


def queryable_names(collection: Collection) -> frozenset[str]:
    return frozenset(queryable_properties(collection))


def queryables_document(collection: Collection, url: str) -> dict:
    """The ``/collections/{id}/queryables`` JSON Schema document."""
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": url,
        "type": "object",
        "title": collection.title["en"],
        "description": collection.description["en"],
        "properties": queryable_properties(collection),
        "additionalProperties": False,
    }
