"""Encoders the OGC views add to the shared ones: reshaped GeoJSON and HTML pages.

The default GeoJSON path joins the stored feature bytes untouched. Only when a request asks for
``properties``, a CRS other than CRS84 or ``simplify`` is each stored feature parsed and
re-serialised (:class:`Reshape`), a whole page at a time: geometries are read, simplified,
transformed and written by shapely's array functions, never one coordinate at a time in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np
import orjson
import shapely

from opengov.collections import Collection
from opengov.encoders import ENCODERS, GeoJSONEncoder, PageBody
from opengov.geo.crs import CRS84, SUPPORTED, Crs, to_crs
from opengov.geo.geojson import PRECISION, dumps
from opengov.store.tables import has_native_geometry

NATIVE_FEATURE = "_feature_native"
METRES_PER_DEGREE = 111_320.0  # along a meridian; simplification tolerances are approximate


@dataclass(frozen=True)
class Reshape:
    """What to change in each stored feature before sending it."""

    crs: Crs
    properties: tuple[str, ...] | None = None
    simplify: float | None = None

    @property
    def needed(self) -> bool:
        return self.properties is not None or not self.crs.is_default or bool(self.simplify)

    def feature(self, text: str) -> str:
        """One stored Feature JSON, reshaped."""
        return self.features([text])[0]

    def features(self, texts: list[str]) -> list[str]:
        """Stored Feature JSON texts, reshaped together."""
        objs = [orjson.loads(t) for t in texts]
        if self.properties is not None:
            for obj in objs:
                props = obj.get("properties") or {}
                obj["properties"] = {k: props[k] for k in self.properties if k in props}
        if self.simplify or not self.crs.is_default:
            self._reshape_geometries(objs)
        return [dumps(obj) for obj in objs]

    def _reshape_geometries(self, objs: list[dict]) -> None:
        spatial = [obj for obj in objs if obj.get("geometry")]
        if not spatial:
            return
        geoms = shapely.from_geojson([orjson.dumps(obj["geometry"]) for obj in spatial])
        if self.simplify:
            geoms = shapely.simplify(geoms, self.simplify, preserve_topology=True)
        geoms = shapely.transform(to_crs(geoms, self.crs), lambda c: np.round(c, PRECISION))
        for obj, text in zip(spatial, shapely.to_geojson(geoms), strict=True):
            obj["geometry"] = orjson.Fragment(text)


class ReshapedGeoJSONEncoder(GeoJSONEncoder):
    """GeoJSON pages whose features go through a :class:`Reshape`."""

    def __init__(self, reshape: Reshape):
        self.reshape = reshape

    def page(self, body: PageBody) -> Iterator[str]:
        return super().page(replace(body, items=self.reshape.features(list(body.items))))


def native(collection: Collection, crs: Crs) -> bool:
    """Whether ``crs`` is the collection's stored native CRS (its Features are stored too)."""
    return has_native_geometry(collection) and crs.code == collection.native_crs


class NativeGeoJSONEncoder(GeoJSONEncoder):
    """Features read from the stored native-CRS column (exactly what was loaded), optionally
    reshaped (``properties``; ``simplify`` in the native unit)."""

    def __init__(self, reshape: Reshape | None = None):
        self.reshape = reshape

    def columns(self, collection, summary) -> list[str]:
        return [NATIVE_FEATURE]

    def page(self, body: PageBody) -> Iterator[str]:
        items = [row[0] for row in body.items]
        if self.reshape is not None:
            items = self.reshape.features(items)
        return super().page(replace(body, items=items))


def geojson_encoder(collection: Collection, reshape: Reshape):
    """Stored bytes whenever nothing needs reshaping; the stored native Features when the
    requested CRS is the collection's native one (``simplify`` given in degrees)."""
    if native(collection, reshape.crs):
        metres = reshape.simplify * METRES_PER_DEGREE if reshape.simplify else None
        in_place = Reshape(SUPPORTED[CRS84], reshape.properties, metres)
        return NativeGeoJSONEncoder(in_place if in_place.needed else None)
    return ReshapedGeoJSONEncoder(reshape) if reshape.needed else ENCODERS["geojson"]


class HTMLEncoder:
    """A server-rendered page of features; ``render(features, body)`` returns the HTML."""

    media_type = "text/html; charset=utf-8"

    def __init__(self, render: Callable[[list[dict], PageBody], str]):
        self.render = render

    def columns(self, collection, summary) -> None:
        return None  # the stored Feature JSON

    def page(self, body: PageBody) -> Iterator[str]:
        # Rendered now, inside the request (templates need it), not while streaming.
        return iter([self.render([orjson.loads(i) for i in body.items], body)])


def feature_encoders(collection: Collection, reshape: Reshape,
                     html: Callable[[list[dict], PageBody], str]) -> dict:
    """The formats of an OGC items page, GeoJSON first (the default)."""
    return {"geojson": geojson_encoder(collection, reshape), "html": HTMLEncoder(html),
            "csv": ENCODERS["csv"]}
