"""RFC 7946 GeoJSON: coordinates rounded to 6 decimals, right-hand rule, serialised once."""

from __future__ import annotations

from datetime import date, datetime

import orjson
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

PRECISION = 6


def _orient(geom: BaseGeometry) -> BaseGeometry:
    if geom.geom_type == "Polygon":
        return orient(geom, 1.0)
    if geom.geom_type == "MultiPolygon":
        return shapely.MultiPolygon([orient(p, 1.0) for p in geom.geoms])
    if geom.geom_type == "GeometryCollection":
        return shapely.GeometryCollection([_orient(g) for g in geom.geoms])
    return geom


def normalise(geom: BaseGeometry | dict) -> BaseGeometry:
    """A valid shapely geometry, 6-decimal rounded, exterior rings counter-clockwise."""
    if isinstance(geom, dict):
        geom = shape(geom)
    geom = shapely.set_precision(geom, 10 ** -PRECISION, mode="pointwise")
    return _orient(geom)


def _default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat().replace("+00:00", "Z")
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(value: object) -> str:
    """Compact UTF-8 JSON text (non-ASCII kept), times in ISO 8601 with ``Z``."""
    return orjson.dumps(value, default=_default, option=orjson.OPT_PASSTHROUGH_DATETIME).decode()


def _rounded(coords):
    if isinstance(coords, float | int):
        return round(float(coords), PRECISION)
    return [_rounded(c) for c in coords]


def geometry_json(geom: BaseGeometry | None) -> dict | None:
    """The GeoJSON geometry object of ``geom`` with rounded coordinates."""
    if geom is None:
        return None
    obj = mapping(geom)
    if obj["type"] == "GeometryCollection":
        return {"type": obj["type"], "geometries": [geometry_json(g) for g in geom.geoms]}
    return {"type": obj["type"], "coordinates": _rounded(obj["coordinates"])}


def feature_json(feature_id: str, geom: BaseGeometry | None, properties: dict) -> str:
    """One serialised Feature: the bytes stored beside the row and joined into pages."""
    return dumps(
        {"type": "Feature", "id": feature_id, "geometry": geometry_json(geom),
         "properties": properties}
    )
