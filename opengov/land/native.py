"""Rows of collections that keep a native-CRS geometry (EPSG:5899) beside the CRS84 one.

The native geometry is what was loaded (surveyed, or generated, in VN-2000 / TM-3 metres);
the CRS84 geometry is derived from it with the pinned transformation of
:mod:`opengov.geo.crs`. Both Features are serialised once, here, with the same properties.

Geometry work is vectorised over the whole load (shapely arrays; coordinates as ragged
arrays), so tens of thousands of polygons cost a few array passes instead of per-row shapely
calls; the rows have the layout of :func:`opengov.store.records.row_values` plus the two native
columns.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import shapely

from opengov.collections import Collection
from opengov.geo.coverage import node_coverage
from opengov.geo.crs import from_crs, parse_crs
from opengov.geo.geojson import PRECISION, dumps, normalise
from opengov.geo.stored_features import NATIVE_FEATURE, NATIVE_GEOMETRY
from opengov.store.records import public_record
from opengov.text import search_document

NATIVE_DECIMALS = 3  # metres: millimetres


def polygon_coordinates(geoms: np.ndarray, decimals: int) -> list[list]:
    """GeoJSON ``coordinates`` of each polygon (right-hand rule), rounded to ``decimals``."""
    geoms = shapely.orient_polygons(geoms, exterior_cw=False)
    _kind, coords, (ring_offsets, geom_offsets) = shapely.to_ragged_array(geoms)
    xy = np.round(coords, decimals).tolist()
    rings = [xy[a:b] for a, b in zip(ring_offsets[:-1], ring_offsets[1:], strict=True)]
    return [rings[a:b] for a, b in zip(geom_offsets[:-1], geom_offsets[1:], strict=True)]


def crs84_polygons(natives: np.ndarray, native_crs: str, coverage: bool = False) -> np.ndarray:
    """The CRS84 polygons of ``natives`` on the 6-decimal grid, each valid; with ``coverage``,
    a tessellation stays one (no gaps or overlaps on the grid)."""
    lonlat = from_crs(natives, parse_crs(native_crs))
    if coverage:
        return node_coverage(lonlat, 10 ** -PRECISION)
    rounded = shapely.set_precision(lonlat, 10 ** -PRECISION, mode="pointwise")
    bad = ~shapely.is_valid(rounded) | shapely.is_empty(rounded)
    for n in np.flatnonzero(bad):
        rounded[n] = _valid_at_grid(lonlat[n])
    return rounded


def _valid_at_grid(geom: shapely.Geometry) -> shapely.Geometry:
    """Where plain rounding pinches a narrow neck (under 0.1 m), GEOS snap-rounding gives a
    valid shape and its largest polygon is kept."""
    repaired = shapely.set_precision(geom, 10 ** -PRECISION)  # snap-rounding: valid output
    parts = [g for g in getattr(repaired, "geoms", [repaired]) if g.geom_type == "Polygon"]
    return normalise(max(parts, key=lambda g: g.area)) if parts else repaired


def native_row_values(collection: Collection, records: Sequence[dict],
                      native: Sequence[shapely.Geometry], coverage: bool = False) -> list[dict]:
    """Rows for ``records`` (checked against the schema) whose polygons are given in
    ``collection.native_crs``."""
    natives = shapely.orient_polygons(np.asarray(native, dtype=object), exterior_cw=False)
    lonlat = crs84_polygons(natives, collection.native_crs, coverage)
    coords = polygon_coordinates(lonlat, PRECISION)
    native_coords = polygon_coordinates(natives, NATIVE_DECIMALS)
    bounds = shapely.bounds(lonlat).tolist()
    wkb = shapely.to_wkb(lonlat).tolist()
    native_wkb = shapely.to_wkb(natives).tolist()
    rows = []
    for n, record in enumerate(records):
        public = public_record(collection, record)
        row = {"id": str(public["id"])}
        for f in collection.fields:
            if f.name == "id":
                continue
            if f.type == "i18n":
                row[f"{f.name}_vi"], row[f"{f.name}_en"] = (public[f.name]["vi"],
                                                            public[f.name]["en"])
            else:
                row[f.name] = public[f.name]
        properties = {k: v for k, v in public.items() if k != "id"}
        row["geom"], row[NATIVE_GEOMETRY] = wkb[n], native_wkb[n]
        row["_minx"], row["_miny"], row["_maxx"], row["_maxy"] = bounds[n]
        row["_feature"] = _feature(row["id"], coords[n], properties)
        row[NATIVE_FEATURE] = _feature(row["id"], native_coords[n], properties)
        if collection.searchable:
            row["_search"] = search_document(row["id"], *(
                str(public[f.name] or "") for f in collection.fields if f.searchable))
        row["_hash"] = hashlib.sha256(row["_feature"].encode()).hexdigest()
        rows.append(row)
    return rows


def _feature(feature_id: str, coordinates: list, properties: dict) -> str:
    return dumps({"type": "Feature", "id": feature_id,
                  "geometry": {"type": "Polygon", "coordinates": coordinates},
                  "properties": properties})
