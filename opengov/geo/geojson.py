"""RFC 7946 GeoJSON: coordinates rounded to 6 decimals, right-hand rule, serialised once."""

from __future__ import annotations

from collections.abc import Callable

import orjson
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from opengov.jsontext import dumps  # noqa: F401  (re-exported: GeoJSON text is JSON text)

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
    """One serialised Feature: the bytes stored beside the row and joined into pages.

    The layout is fixed (``type``, ``id``, ``geometry``, ``properties``, in that order, compact)
    so that :func:`split_feature` can take a stored Feature apart without parsing it.
    """
    return dumps(
        {"type": "Feature", "id": feature_id, "geometry": geometry_json(geom),
         "properties": properties}
    )


_GEOMETRY_KEY, _PROPERTIES_KEY = b',"geometry":', b',"properties":'


def split_feature(stored: bytes | str) -> tuple[bytes, bytes, bytes]:
    """``(head, geometry, properties)`` JSON of a stored Feature, without parsing it.

    ``head`` is ``{"type":"Feature","id":…``; ``head + b',"geometry":' + geometry +
    b',"properties":' + properties + b"}"`` gives the Feature back. In the layout of
    :func:`feature_json` the first ``,"geometry":`` and the first ``,"properties":`` after it
    are the Feature's own keys: a JSON string cannot hold an unescaped quote, and a geometry
    holds only types and numbers. Text in another layout is parsed and re-serialised.
    """
    data = stored.encode() if isinstance(stored, str) else bytes(stored)
    g = data.find(_GEOMETRY_KEY)
    p = data.find(_PROPERTIES_KEY, g)
    if g < 0 or p < 0 or not data.startswith(b'{"type":"Feature"') or not data.endswith(b"}"):
        obj = orjson.loads(data)
        head = {"type": "Feature", **({"id": obj["id"]} if "id" in obj else {})}
        return (dumps(head)[:-1].encode(), orjson.dumps(obj.get("geometry")),
                orjson.dumps(obj.get("properties")))
    return data[:g], data[g + len(_GEOMETRY_KEY):p], data[p + len(_PROPERTIES_KEY):-1]


def stored_id(stored: bytes | str) -> object:
    """The ``id`` member of a stored Feature (parsing only its head) or stored record."""
    data = stored.encode() if isinstance(stored, str) else stored
    g = data.find(_GEOMETRY_KEY)
    if g > 0 and data.startswith(b'{"type":"Feature"'):
        return orjson.loads(data[:g] + b"}")["id"]
    return orjson.loads(data)["id"]


def with_properties(stored: bytes | str, replace: Callable[[bytes], bytes]) -> bytes:
    """A stored Feature whose properties JSON is replaced by ``replace(properties JSON)``; the
    rest is copied as bytes (one search, see :func:`split_feature`)."""
    data = stored.encode() if isinstance(stored, str) else stored
    p = data.find(_PROPERTIES_KEY) + len(_PROPERTIES_KEY)
    if p < len(_PROPERTIES_KEY) or not data.startswith(b'{"type":"Feature"'):
        head, geometry, properties = split_feature(data)
        return join_feature(head, geometry, replace(properties))
    return b"".join((data[:p], replace(data[p:-1]), b"}"))


def join_feature(head: bytes, geometry: bytes, properties: bytes) -> bytes:
    """The Feature JSON from the parts :func:`split_feature` returns."""
    return b"".join((head, _GEOMETRY_KEY, geometry, _PROPERTIES_KEY, properties, b"}"))
