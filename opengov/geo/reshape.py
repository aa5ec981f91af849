"""What to change in stored Features before sending them: properties, CRS, simplification.

The default path joins the stored Feature bytes untouched. Only when a request asks for
``properties``, a CRS other than CRS84 or a simplification are stored features reshaped
(:class:`Reshape`), a whole page at a time and only in the part that changes: the properties
parsed and filtered, or the geometries read from their stored WKB, simplified, transformed,
rounded to the stored precision and written by shapely's array functions, never one coordinate
at a time in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import orjson
import shapely

from opengov.geo.crs import Crs, to_crs
from opengov.geo.geojson import PRECISION, join_feature, split_feature, with_properties


@dataclass(frozen=True)
class Reshape:
    """What to change in each stored feature before sending it.

    Stored Features are taken apart as bytes (:func:`~opengov.geo.geojson.split_feature`):
    only the properties are parsed for a ``properties`` selection, and only the geometries are
    rebuilt for a CRS or ``simplify`` — from the stored WKB when the page carries it.
    ``simplify`` is in the units of the stored geometry (degrees for CRS84, metres for a
    projected native CRS); :func:`opengov.geo.stored_features.reading` converts.
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
