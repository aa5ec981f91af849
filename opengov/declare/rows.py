"""A batch of a declared collection's records turned into table rows, column by column.

The rows are those :func:`opengov.store.records.row_values` makes for one record (same
``_feature`` bytes, search document and hash), built for a whole batch at once: the checks
(required values, enums, ids) run per column, geometries are encoded as arrays (WKB, bounds,
point coordinates), Feature texts joined from serialised columns (:mod:`.features`), so a
row costs one string formatting and one hash.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import shapely

from opengov.collections import Collection
from opengov.declare.features import feature_texts, point_texts
from opengov.declare.geometries import Geometries
from opengov.declare.readers import ReadError
from opengov.geo.geojson import geometry_json
from opengov.geo.stored_features import NATIVE_FEATURE, NATIVE_GEOMETRY
from opengov.jsontext import dumps_each
from opengov.text import fold


def _first(values: list, bad) -> int | None:
    for i, value in enumerate(values):
        if bad(value):
            return i
    return None


def _within(values: list, allowed: list) -> bool:
    """Whether every value is None or one of ``allowed`` (as a set difference, when the values
    are hashable)."""
    try:
        return not (set(values) - set(allowed) - {None})
    except TypeError:
        return False


def check_values(collection: Collection, columns: dict[str, list], file: str,
                 start: int) -> None:
    """Required values present and enum values allowed, or the first record that breaks it."""
    for f in collection.fields:
        values = columns[f.name]
        problem = None
        if f.required and f.type == "i18n":
            i = _first(values, lambda v: not v["vi"])
            problem = f"{f.name}: Vietnamese text required"
        elif f.required or f.name == collection.id_field:
            i = values.index(None) if None in values else None
            problem = f"{f.name}: required"
        if problem and i is not None:
            raise ReadError(f"{file}: record #{start + i}: {problem}")
        if f.enum and not _within(values, f.enum):
            allowed = set(f.enum)
            i = _first(values, lambda v, a=allowed: v is not None and v not in a)
            if i is not None:
                raise ReadError(f"{file}: record #{start + i}: {f.name}: {values[i]!r} is not "
                                f"one of {', '.join(f.enum)}")


def geometry_texts(geoms: np.ndarray, rounded: bool) -> tuple[list[str], bool]:
    """The GeoJSON geometry texts of ``geoms`` (coordinates to 6 decimals), as
    :func:`~opengov.geo.geojson.geometry_json` gives them, and whether they are 2-D points
    (then each text is the point's ``x,y``, without a call per point). ``rounded``: the
    coordinates are already on the 6-decimal grid."""
    if len(geoms) and (shapely.get_type_id(geoms) == 0).all() and not shapely.has_z(geoms).any():
        coords = shapely.get_coordinates(geoms).tolist()
        if not rounded:  # as geometry_json rounds (numpy's rounding differs in a last digit)
            coords = [[round(x, 6), round(y, 6)] for x, y in coords]
        return point_texts(coords), True
    return dumps_each([geometry_json(g) for g in geoms], '{"type":'), False


_NOT_TOKEN = re.compile(r"[^0-9a-z\n]+")
_TO_SPACE = str.maketrans({c: " " for c in map(chr, range(128))
                          if not ("0" <= c <= "9" or "a" <= c <= "z" or c == "\n")})
_SPACES = re.compile(" {2,}")


def search_documents(collection: Collection, ids: list[str], columns: dict[str, list]
                     ) -> list[str]:
    """:func:`opengov.text.search_document` of every record of a batch (its id and
    searchable fields), folded and tokenised as one text, a line per record."""
    parts: list[list] = [ids]
    for f in collection.fields:
        if f.searchable:
            values = columns[f.name]
            if f.type == "i18n":
                parts += [[v["vi"] or "" for v in values], [v["en"] or "" for v in values]]
            else:
                parts.append([str(v or "") for v in values])
    lines = "\n".join(map(" ".join, zip(*parts, strict=True)))
    if "\r" in lines or lines.count("\n") != len(ids) - 1:  # a value holds a line break
        lines = "\n".join(" ".join(texts).replace("\n", " ").replace("\r", " ")
                          for texts in zip(*parts, strict=True))
    folded = lines.lower() if lines.isascii() else fold(lines)
    if folded.isascii():  # every separator to a space by a translation table, runs joined
        spaced = _SPACES.sub(" ", folded.translate(_TO_SPACE))
    else:
        spaced = _NOT_TOKEN.sub(" ", folded)
    return list(map(str.strip, spaced.split("\n")))


def batch_rows(collection: Collection, columns: dict[str, list], geoms: Geometries | None,
               file: str, start: int) -> dict[str, list]:
    """The table columns of a batch's rows, each a list (``_rowid`` = the record number),
    without provenance and timestamps. The Feature texts are joined from the columns'
    JSON texts (:mod:`.features`); only the hash is made record by record; every other
    column is the field's list or an array's."""
    check_values(collection, columns, file, start)
    count = len(columns[collection.fields[0].name])
    ids = [str(v) for v in columns[collection.id_field]]
    out: dict[str, list] = {"_rowid": list(range(start, start + count)), "id": ids}
    for f in collection.fields:
        if f.name == "id":
            continue
        if f.type == "i18n":
            values = columns[f.name]
            out[f"{f.name}_vi"] = [v["vi"] for v in values]
            out[f"{f.name}_en"] = [v["en"] for v in values]
        else:
            out[f.name] = columns[f.name]
    properties = [(f.name, f.type, columns[f.name]) for f in collection.fields if f.name != "id"]
    if geoms is not None:
        features = feature_texts(ids, geometry_texts(geoms.crs84, rounded=True), properties)
        out["geom"] = shapely.to_wkb(geoms.crs84).tolist()
        bounds = shapely.bounds(geoms.crs84)
        for k, name in enumerate(("_minx", "_miny", "_maxx", "_maxy")):
            out[name] = bounds[:, k].tolist()
        if geoms.native is not None:
            out[NATIVE_GEOMETRY] = shapely.to_wkb(geoms.native).tolist()
            out[NATIVE_FEATURE] = feature_texts(
                ids, geometry_texts(geoms.native, rounded=False), properties)
    else:
        features = feature_texts(ids, None, properties)
    out["_feature"] = features
    if collection.searchable:
        out["_search"] = search_documents(collection, ids, columns)
    else:
        out["_search"] = [None] * count
    out["_hash"] = [h.hexdigest() for h in map(hashlib.sha256, map(str.encode, features))]
    return out
