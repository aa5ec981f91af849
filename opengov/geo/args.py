"""The geo query arguments every API family offers: ``crs``, ``bbox``/``bbox-crs`` and
``properties`` — their schema fields and their parsing (a 400 problem naming the argument).

CRSs are those of :mod:`opengov.geo.crs` (OGC 18-058r1, Part 2 of OGC API – Features).
"""

from __future__ import annotations

import math

import marshmallow as ma

from opengov import query as q
from opengov.collections import Collection
from opengov.errors import arg_error
from opengov.geo.bbox import BBoxError, parse_bbox
from opengov.geo.crs import SUPPORTED, Crs, CrsError, bbox_to_crs84, parse_crs

# The documented values of a CRS argument: the built-in CRSs' URIs and short codes. A declared
# collection's native CRS is accepted too but not listed (the document must not depend on which
# collections a process has seen).
CRS_NAMES = [*SUPPORTED, *(crs.code for crs in SUPPORTED.values())]


def crs_field(what: str, **kwargs) -> ma.fields.Field:
    """A CRS argument described as ``what`` followed by the offered CRSs (their enum)."""
    metadata = {"description": f"{what} Default CRS84; EPSG:4326 uses latitude, longitude "
                               "axis order. The enum lists each offered CRS's URI and short "
                               "code (URNs and other spellings are read too, as courtesy).",
                "enum": CRS_NAMES, **kwargs.pop("metadata", {})}
    return ma.fields.String(metadata=metadata, **kwargs)


def bbox_fields() -> dict[str, ma.fields.Field]:
    """``bbox`` and ``bbox-crs`` (parsed together by :func:`bbox_arg`)."""
    return {
        "bbox": ma.fields.String(metadata={
            "description": "minx,miny,maxx,maxy in `bbox-crs` (default CRS84: minLon,minLat,"
                           "maxLon,maxLat); features intersecting the box.",
            "example": "108.30,15.85,108.36,15.90"}),
        "bbox_crs": crs_field("CRS of `bbox`.", data_key="bbox-crs"),
    }


PROPERTIES_DESCRIPTION = "Comma-separated properties to include (others are left out)."


def properties_field(**metadata) -> ma.fields.Field:
    """``properties``: the comma-separated properties to send (``metadata`` adds an example)."""
    return ma.fields.String(metadata={"description": PROPERTIES_DESCRIPTION, **metadata})


def crs_arg(args: dict, name: str = "crs", field: str | None = None) -> Crs:
    """The offered CRS named by argument ``name`` (CRS84 when absent); 400 naming ``field``."""
    try:
        return parse_crs(args.get(name))
    except CrsError as exc:
        raise arg_error(field or name, str(exc)) from exc


def properties_arg(collection: Collection, text: str | tuple[str, ...] | None
                   ) -> tuple[str, ...] | None:
    """The names of a ``properties`` argument (its text, or the names a :class:`ListArg`
    read), each a field of ``collection`` (None: all)."""
    if text is None:
        return None
    parts = text.split(",") if isinstance(text, str) else text
    names = tuple(n.strip() for n in parts if n.strip())
    unknown = [n for n in names if not collection.has_field(n)]
    if unknown:
        raise arg_error("properties", f"unknown properties: {', '.join(unknown)}")
    return names


def bbox_arg(args: dict) -> q.BBox | None:
    """``bbox`` given in ``bbox-crs`` as the CRS84 box enclosing it (None when absent)."""
    crs = crs_arg(args, "bbox_crs", "bbox-crs")  # checked even without a box
    if args.get("bbox") is None:
        return None
    try:
        box = parse_bbox(args["bbox"], geographic=crs.is_default)
    except BBoxError as exc:
        raise arg_error("bbox", str(exc)) from exc
    out = bbox_to_crs84(box.as_tuple(), crs)
    if not (all(math.isfinite(v) for v in out.as_tuple()) and -180 <= out.minx <= out.maxx <= 180
            and -90 <= out.miny <= out.maxy <= 90):
        raise arg_error("bbox", f"the box lies outside the area of {crs.code}")
    return out
