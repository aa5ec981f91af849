"""Coordinate reference systems offered by the API (OGC API – Features Part 2).

Stored geometries are CRS84 (longitude, latitude on WGS 84). Clients may ask for:

- ``OGC:CRS84`` — the default, longitude/latitude;
- ``EPSG:4326`` — the same datum with the axis order EPSG defines: **latitude, longitude**
  (OGC 18-058r1 §6.2: responses and ``bbox-crs`` values follow the CRS's own axis order);
- ``EPSG:5899`` — VN-2000 / TM-3 107-45 (easting, northing in metres), the national grid used
  by cadastral maps of Quảng Nam / Đà Nẵng;
- the native CRS of any collection (:func:`offer`): any CRS of the EPSG register PROJ knows,
  e.g. another VN-2000 zone (EPSG:3405 UTM 48N, EPSG:9210 TM-3 105-45) or WGS 84 / UTM
  (EPSG:32648, EPSG:32649).

VN-2000 ↔ WGS 84 has several published transformations about a metre apart; we pin one,
``VN-2000 to WGS 84 (2)`` (EPSG:6960, a 7-parameter Helmert, accuracy 1 m), instead of letting
PROJ choose, so answers do not change with the PROJ database installed. It is used for every
CRS on the VN-2000 datum (EPSG:4756), whatever its projection.

The API of this module is what other capabilities reuse: :func:`parse_crs`,
:func:`content_crs`, :func:`to_crs` / :func:`from_crs` for shapely geometries and
:func:`bbox_to_crs84` for ``bbox-crs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import shapely
from pyproj import Transformer
from pyproj.transformer import TransformerGroup
from shapely.geometry.base import BaseGeometry

from opengov.query import BBox

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
VN2000_TM3_10745 = "http://www.opengis.net/def/crs/EPSG/0/5899"
VN2000_TRANSFORMATION = "VN-2000 to WGS 84 (2)"  # EPSG:6960


class CrsError(ValueError):
    """A CRS that this service does not offer."""


@dataclass(frozen=True)
class Crs:
    """One offered CRS: its URI, PROJ code and whether it is geographic."""

    uri: str
    code: str
    title: str
    geographic: bool

    @property
    def is_default(self) -> bool:
        return self.uri == CRS84


SUPPORTED: dict[str, Crs] = {
    CRS84: Crs(CRS84, "OGC:CRS84", "WGS 84 longitude/latitude (CRS84)", True),
    EPSG4326: Crs(EPSG4326, "EPSG:4326", "WGS 84 latitude/longitude (EPSG:4326)", True),
    VN2000_TM3_10745: Crs(VN2000_TM3_10745, "EPSG:5899", "VN-2000 / TM-3 107-45 (EPSG:5899)",
                          False),
}
_ALIASES = {
    "ogc:crs84": CRS84, "crs84": CRS84, "urn:ogc:def:crs:ogc:1.3:crs84": CRS84,
    "epsg:4326": EPSG4326, "urn:ogc:def:crs:epsg::4326": EPSG4326,
    "epsg:5899": VN2000_TM3_10745, "urn:ogc:def:crs:epsg::5899": VN2000_TM3_10745,
}


# Native CRSs of the application's collections beyond SUPPORTED (:func:`offer`), by URI. The
# set only grows: a CRS some collection is stored in is offered for every request.
_OFFERED: dict[str, Crs] = {}
_EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/"
_EPSG_FORMS = ("urn:ogc:def:crs:epsg::", "epsg:", _EPSG_URI.lower())


def _epsg_uri(key: str) -> str | None:
    """The OGC URI of an EPSG code given as ``EPSG:n``, a URN or a URI (None: another form)."""
    lowered = key.lower().replace("https://", "http://")
    for prefix in _EPSG_FORMS:
        if lowered.startswith(prefix) and lowered[len(prefix):].isdigit():
            return _EPSG_URI + str(int(lowered[len(prefix):]))
    return None


def parse_crs(text: str | None) -> Crs:
    """The offered CRS named by a URI (``http://www.opengis.net/def/crs/…``), URN, CURIE
    (``[EPSG:4326]``) or short code; None or empty means CRS84."""
    if not text:
        return SUPPORTED[CRS84]
    key = text.strip()
    if key.startswith("[") and key.endswith("]"):
        key = key[1:-1]
    uri = key if key in SUPPORTED else _ALIASES.get(key.lower())
    if uri is None:
        uri = _epsg_uri(key) or key.replace("https://", "http://")
    found = SUPPORTED.get(uri) or _OFFERED.get(uri)
    if found is None:
        offered = [*SUPPORTED, *_OFFERED]
        raise CrsError(f"CRS {text!r} is not offered; use one of: {', '.join(offered)}")
    return found


@cache
def _epsg_crs(code: str) -> Crs:
    """The :class:`Crs` of ``EPSG:<n>`` as PROJ describes it (CrsError: PROJ does not know it)."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    uri = _epsg_uri(code)
    if uri is None:
        raise CrsError(f"{code!r} is not an EPSG code (EPSG:<number>)")
    try:
        described = CRS.from_user_input(code)
    except CRSError:
        raise CrsError(f"PROJ does not know {code}") from None
    return Crs(uri, code.upper(), f"{described.name} ({code.upper()})", described.is_geographic)


def offer(code: str) -> Crs:
    """Offer ``code`` (``OGC:CRS84`` or ``EPSG:<n>``, a collection's native CRS) to
    :func:`parse_crs`, i.e. in ``crs``, ``bbox-crs`` and ``filter-crs``; its :class:`Crs`."""
    try:
        return parse_crs(code)
    except CrsError:
        pass
    crs = _epsg_crs(code)
    _OFFERED.setdefault(crs.uri, crs)
    return crs


def content_crs(crs: Crs | str) -> str:
    """The ``Content-Crs`` header value of a CRS or CRS URI (OGC 18-058r1 §7.3: the URI in
    angle brackets)."""
    return f"<{crs if isinstance(crs, str) else crs.uri}>"


# The OpenAPI description of that header, for the responses that carry it.
CONTENT_CRS_HEADER = {"Content-Crs": {"description": "CRS of the geometries, as <URI>",
                                      "schema": {"type": "string"}}}


@cache
def on_vn2000(code: str) -> bool:
    """Whether ``code`` is a CRS on the VN-2000 datum (its geodetic CRS is EPSG:4756)."""
    from pyproj import CRS

    if code == "EPSG:5899":
        return True
    if code in ("OGC:CRS84", "EPSG:4326"):
        return False
    geodetic = CRS.from_user_input(code).geodetic_crs
    return geodetic is not None and geodetic.to_epsg() == 4756


@cache
def _transformer(source: str, target: str, always_xy: bool = False) -> Transformer:
    """A transformer in authority axis order (``always_xy``: x = easting or longitude, as
    files hold coordinates); VN-2000 through the pinned operation."""
    if on_vn2000(source) != on_vn2000(target):
        group = TransformerGroup(source, target, always_xy=always_xy)
        for candidate in group.transformers:
            if VN2000_TRANSFORMATION in candidate.name or any(
                    VN2000_TRANSFORMATION in op.name for op in candidate.operations or ()):
                return candidate
        for candidate in group.transformers:  # the pipeline's name lists its steps
            if VN2000_TRANSFORMATION in candidate.description:
                return candidate
        raise CrsError(f"PROJ has no {VN2000_TRANSFORMATION!r} transformation")
    return Transformer.from_crs(source, target, always_xy=always_xy)


@cache
def east_first(code: str) -> bool:
    """Whether ``code``'s own axis order is x = easting / longitude (as files hold them)."""
    from pyproj import CRS

    return code == "OGC:CRS84" or CRS.from_user_input(code).axis_info[0].direction == "east"


def file_to_crs84(geoms, code: str):
    """Geometries read from a file in ``code`` (x = easting or longitude, as GDAL and
    GeoParquet give them) expressed in CRS84."""
    if code == "OGC:CRS84":
        return geoms
    return _apply(geoms, _transformer(code, "OGC:CRS84", always_xy=True))


def _apply(geom: BaseGeometry, transformer: Transformer) -> BaseGeometry:
    def fn(coords):
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, fn)


def to_crs(geom: BaseGeometry, crs: Crs) -> BaseGeometry:
    """A CRS84 geometry, or array of them, expressed in ``crs`` (in that CRS's axis order)."""
    if crs.is_default:
        return geom
    return _apply(geom, _transformer("OGC:CRS84", crs.code))


def from_crs(geom: BaseGeometry, crs: Crs) -> BaseGeometry:
    """A geometry given in ``crs`` expressed in CRS84."""
    if crs.is_default:
        return geom
    return _apply(geom, _transformer(crs.code, "OGC:CRS84"))


def bbox_to_crs84(values: tuple[float, float, float, float], crs: Crs) -> BBox:
    """A ``bbox`` given in ``crs`` (its axis order) as a CRS84 box enclosing it."""
    if crs.is_default:
        return BBox(*values)
    minx, miny, maxx, maxy = _transformer(crs.code, "OGC:CRS84").transform_bounds(
        *values, densify_pts=21)
    return BBox(minx, miny, maxx, maxy)


def bbox_from_crs84(box: BBox, crs: Crs) -> tuple[float, float, float, float]:
    """A CRS84 box expressed in ``crs`` (e.g. a collection extent for ``storageCrs``)."""
    if crs.is_default:
        return box.as_tuple()
    return _transformer("OGC:CRS84", crs.code).transform_bounds(*box.as_tuple(), densify_pts=21)
