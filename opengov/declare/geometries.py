"""A batch of a declared collection's geometries made ready for storage, or the first bad one.

Each geometry must be present, valid (``--make-valid`` repairs it with shapely's
``make_valid``, keeping the declared geometry type's family) and within the area of use of
the CRS it is given in (pyproj's ``area_of_use``, a longitude/latitude box, compared in CRS84
with :data:`AREA_TOLERANCE`). It is then transformed to CRS84 (the store's coordinates) and
rounded as every stored geometry is (:func:`opengov.geo.geojson.normalise`). A collection
with another native CRS keeps the geometries as loaded too (served for ``crs=<native>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import shapely

from opengov.collections import Collection
from opengov.declare.batches import Batch
from opengov.declare.readers import ReadError
from opengov.geo import crs as crs_
from opengov.geo.geojson import PRECISION
from opengov.geo.stored_features import has_native_geometry

# How far (degrees, about 1 km) a coordinate may lie outside its CRS's area of use: data
# along a zone's edge is often kept in the neighbouring zone's grid.
AREA_TOLERANCE = 0.01
FAMILIES = {"Point": ("Point", "MultiPoint"), "LineString": ("LineString", "MultiLineString"),
            "Polygon": ("Polygon", "MultiPolygon"), "MultiPolygon": ("Polygon", "MultiPolygon")}


@dataclass
class Geometries:
    """A batch's CRS84 geometries (rounded, oriented), those in the native CRS (None when it
    is CRS84) and how many were repaired."""

    crs84: np.ndarray
    native: np.ndarray | None
    repaired: int = 0


@cache
def area_of_use(code: str) -> tuple[float, float, float, float, str] | None:
    """(west, south, east, north, name) in degrees of ``code``'s area of use (None: unknown)."""
    from pyproj import CRS

    area = CRS.from_user_input(code).area_of_use
    if area is None:
        return None
    return (*area.bounds, area.name.rstrip("."))


def source_crs(collection: Collection, batch: Batch) -> str:
    """The CRS a batch's coordinates are in: the file's own, else the declared native CRS."""
    from opengov.declare.model import canonical_crs

    if batch.crs is None:
        return collection.native_crs
    return canonical_crs(batch.crs) or collection.native_crs


def _fail(file: str, number: int, problem: str):
    raise ReadError(f"{file}: record #{number}: geometry: {problem}")


def keep_family(geom, geometry_type: str | None):
    """The parts of a repaired geometry in the declared type's family (polygons of a
    GeometryCollection for a polygon collection); an empty geometry when none are left."""
    kinds = FAMILIES.get(geometry_type or "")
    if kinds is None or geom.geom_type in kinds:
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in kinds]
    parts = [q for p in parts for q in shapely.get_parts(p)]  # multi-parts flattened
    if not parts:
        return shapely.GeometryCollection()
    if len(parts) == 1:
        return parts[0]
    return {"Point": shapely.MultiPoint, "LineString": shapely.MultiLineString}.get(
        parts[0].geom_type, shapely.MultiPolygon)(parts)


def _valid(geoms: np.ndarray, collection: Collection, file: str, start: int,
           make_valid: bool, after: str = "") -> tuple[np.ndarray, int]:
    invalid = np.flatnonzero(~shapely.is_valid(geoms))
    if not len(invalid):
        return geoms, 0
    if not make_valid:
        first = invalid[0]
        _fail(file, start + first, f"invalid{after} ({shapely.is_valid_reason(geoms[first])})")
    geoms = geoms.copy()
    for i in invalid:
        repaired = keep_family(shapely.make_valid(geoms[i]), collection.geometry_type)
        if repaired.is_empty:
            _fail(file, start + i, f"invalid ({shapely.is_valid_reason(geoms[i])}) and "
                                   f"nothing of type {collection.geometry_type} is left once "
                                   "repaired")
        geoms[i] = repaired
    return geoms, len(invalid)


def _check_area(crs84: np.ndarray, code: str, file: str, start: int) -> None:
    area = area_of_use(code)
    bounds = shapely.bounds(crs84)
    west, south, east, north, name = area or (-180.0, -90.0, 180.0, 90.0, "the world")
    t = AREA_TOLERANCE
    inside_lon = ((bounds[:, 0] >= west - t) & (bounds[:, 2] <= east + t) if west <= east
                  else ((bounds[:, 0] >= west - t) | (bounds[:, 2] <= east + t)))
    outside = ~(np.isfinite(bounds).all(axis=1) & inside_lon & (bounds[:, 1] >= south - t)
                & (bounds[:, 3] <= north + t))
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        lon, lat = bounds[i, 0], bounds[i, 1]
        where = (f"({lon:.4f}, {lat:.4f}) in lon/lat" if np.isfinite(bounds[i]).all()
                 else "a coordinate that cannot be transformed")
        _fail(file, start + i, f"{where} lies outside the area of use of {code} ({name}: "
                               f"longitude {west:g}…{east:g}, latitude {south:g}…{north:g})")


def round_geometries(geoms: np.ndarray) -> np.ndarray:
    """``geoms`` on the 10⁻⁶ grid (shapely ``set_precision``, pointwise) with polygons
    oriented counter-clockwise. 2-D points are rounded as arrays, as GEOS rounds them (half
    up: ``floor(v × 10⁶ + 0.5) / 10⁶``, a zero keeping the sign of ``v``), without a GEOS
    call per point."""
    if len(geoms) and (shapely.get_type_id(geoms) == 0).all() and not shapely.has_z(geoms).any():
        scale = 10.0 ** PRECISION
        coords = shapely.get_coordinates(geoms)
        rounded = np.floor(coords * scale + 0.5) / scale
        return shapely.points(np.copysign(rounded, coords, where=rounded == 0, out=rounded))
    return shapely.orient_polygons(
        shapely.set_precision(geoms, 10 ** -PRECISION, mode="pointwise"), exterior_cw=False)


def prepare(collection: Collection, batch: Batch, file: str, *,
            make_valid: bool = False) -> Geometries:
    """The batch's geometries checked, repaired when asked, transformed and rounded."""
    geoms = np.asarray(batch.geometry, dtype=object)
    missing = np.flatnonzero(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if len(missing):
        _fail(file, batch.start + missing[0], "missing or empty")
    geoms, repaired = _valid(geoms, collection, file, batch.start, make_valid)
    code = source_crs(collection, batch)
    crs84 = crs_.file_to_crs84(geoms, code)
    _check_area(crs84, code, file, batch.start)
    rounded = round_geometries(crs84)
    rounded, more = _valid(rounded, collection, file, batch.start, make_valid,
                           after=f" once rounded to {PRECISION} decimals")
    native = None
    if has_native_geometry(collection):
        native_code = collection.native_crs
        if code == native_code and crs_.east_first(native_code):
            native = geoms
        else:
            native = crs_.to_crs(crs84, crs_.offer(native_code))
    return Geometries(rounded, native, repaired + more)
