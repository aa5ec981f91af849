"""Encoders the OGC views add to the shared ones: reshaped GeoJSON and HTML pages.

The default GeoJSON path joins the stored feature bytes untouched. Only when a request asks for
``properties``, a CRS other than CRS84 or ``simplify`` are stored features reshaped
(:class:`Reshape`), a whole page at a time and only in the part that changes: the properties
parsed and filtered, or the geometries read from their stored WKB, simplified, transformed and
written by shapely's array functions, never one coordinate at a time in Python.
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
from opengov.geo.geojson import PRECISION, join_feature, split_feature, with_properties
from opengov.store.tables import has_native_geometry

NATIVE_FEATURE, NATIVE_GEOMETRY = "_feature_native", "_geom_native"
METRES_PER_DEGREE = 111_320.0  # along a meridian; simplification tolerances are approximate


@dataclass(frozen=True)
class Reshape:
    """What to change in each stored feature before sending it.

    Stored Features are taken apart as bytes (:func:`~opengov.geo.geojson.split_feature`):
    only the properties are parsed for a ``properties`` selection, and only the geometries are
    rebuilt for a CRS or ``simplify`` — from the stored WKB when the page carries it.
    """

    crs: Crs
    properties: tuple[str, ...] | None = None
    simplify: float | None = None

    @property
    def needed(self) -> bool:
        return self.properties is not None or self.changes_geometry

    @property
    def changes_geometry(self) -> bool:
        return bool(self.simplify) or not self.crs.is_default

    def feature(self, text: str | bytes) -> bytes:
        """One stored Feature JSON, reshaped."""
        return self.features([text])[0]

    def features(self, texts: list, wkb: list | None = None) -> list[bytes]:
        """Stored Feature JSON texts, reshaped together; ``wkb``, the same features' stored
        geometries, spares parsing their GeoJSON."""
        if not self.changes_geometry:
            if self.properties is None:
                return [t.encode() if isinstance(t, str) else bytes(t) for t in texts]
            return [with_properties(t, self._selected) for t in texts]
        parts = [split_feature(t) for t in texts]
        geometries = self._geometries([p[1] for p in parts], wkb)
        if self.properties is None:
            properties = [p[2] for p in parts]
        else:
            properties = [self._selected(p[2]) for p in parts]
        return [join_feature(p[0], g, props)
                for p, g, props in zip(parts, geometries, properties, strict=True)]

    def _selected(self, properties: bytes) -> bytes:
        values = orjson.loads(properties) or {}
        return orjson.dumps({k: values[k] for k in self.properties if k in values})

    def _geometries(self, texts: list[bytes], wkb: list | None) -> list[bytes]:
        present = [n for n, text in enumerate(texts) if text != b"null"]
        if not present:
            return texts
        if wkb is not None:
            geoms = shapely.from_wkb([wkb[n] for n in present])
        else:
            geoms = shapely.from_geojson([texts[n] for n in present])
        if self.simplify:
            geoms = shapely.simplify(geoms, self.simplify, preserve_topology=True)
        geoms = shapely.transform(to_crs(geoms, self.crs), lambda c: np.round(c, PRECISION))
        out = list(texts)
        for n, text in zip(present, shapely.to_geojson(geoms), strict=True):
            out[n] = text.encode()
        return out


class ReshapedGeoJSONEncoder(GeoJSONEncoder):
    """GeoJSON pages whose features go through a :class:`Reshape` (reading the stored WKB
    beside each feature when geometries change)."""

    def __init__(self, reshape: Reshape, feature_column: str = "_feature",
                 geometry_column: str = "geom"):
        self.reshape = reshape
        self.feature_column, self.geometry_column = feature_column, geometry_column

    def columns(self, collection, summary) -> list[str]:
        if self.reshape.changes_geometry:
            return [self.feature_column, self.geometry_column]
        return [self.feature_column]

    def page(self, body: PageBody) -> Iterator[str]:
        rows = body.items
        wkb = [row[1] for row in rows] if self.reshape.changes_geometry else None
        items = self.reshape.features([row[0] for row in rows], wkb)
        return super().page(replace(body, items=items))


def native(collection: Collection, crs: Crs) -> bool:
    """Whether ``crs`` is the collection's stored native CRS (its Features are stored too)."""
    return has_native_geometry(collection) and crs.code == collection.native_crs


class NativeGeoJSONEncoder(GeoJSONEncoder):
    """Features read from the stored native-CRS column (exactly what was loaded)."""

    def columns(self, collection, summary) -> list[str]:
        return [NATIVE_FEATURE]

    def page(self, body: PageBody) -> Iterator[str]:
        return super().page(replace(body, items=[row[0] for row in body.items]))


def geojson_encoder(collection: Collection, reshape: Reshape):
    """Stored bytes whenever nothing needs reshaping; the stored native Features when the
    requested CRS is the collection's native one (``simplify`` given in degrees)."""
    if native(collection, reshape.crs):
        metres = reshape.simplify * METRES_PER_DEGREE if reshape.simplify else None
        in_place = Reshape(SUPPORTED[CRS84], reshape.properties, metres)
        if not in_place.needed:
            return NativeGeoJSONEncoder()
        return ReshapedGeoJSONEncoder(in_place, NATIVE_FEATURE, NATIVE_GEOMETRY)
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
