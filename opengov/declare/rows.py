"""A batch of a declared collection's records turned into table rows, column by column.

The rows are those :func:`opengov.store.records.row_values` makes for one record (same
``_feature`` bytes, search document and hash), built for a whole batch at once: the checks
(required values, enums, ids) run per column, geometries are encoded as arrays (WKB, bounds,
point coordinates), so a row costs one serialisation and one hash.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import shapely

from opengov.collections import Collection
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


def geometry_objects(geoms: np.ndarray, rounded: bool) -> list:
    """The GeoJSON geometry objects of ``geoms`` (coordinates to 6 decimals), as
    :func:`~opengov.geo.geojson.geometry_json` gives them; 2-D points without a call each.
    ``rounded``: the coordinates are already on the 6-decimal grid."""
    if len(geoms) and (shapely.get_type_id(geoms) == 0).all() and not shapely.has_z(geoms).any():
        coords = shapely.get_coordinates(geoms).tolist()
        if not rounded:
            coords = [[round(x, 6), round(y, 6)] for x, y in coords]
        return [{"type": "Point", "coordinates": c} for c in coords]
    return [geometry_json(g) for g in geoms]


FEATURE = '{"type":"Feature","id":'
_NOT_TOKEN = re.compile(r"[^0-9a-z\n]+")


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
    return list(map(str.strip, _NOT_TOKEN.sub(" ", folded).split("\n")))


def batch_rows(collection: Collection, columns: dict[str, list], geoms: Geometries | None,
               file: str, start: int) -> dict[str, list]:
    """The table columns of a batch's rows, each a list (``_rowid`` = the record number),
    without provenance and timestamps. Only the Feature text, search document and hash are
    made record by record (the Feature texts from one serialisation of the batch);
    every other column is the field's list or an array's."""
    check_values(collection, columns, file, start)
    names = [f.name for f in collection.fields]
    count = len(columns[names[0]])
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
    properties = [(n, columns[n]) for n in names if n != "id"]
    props = [dict(zip([n for n, _ in properties], values, strict=True))
             for values in zip(*[v for _, v in properties], strict=True)] if properties else [
        {} for _ in range(count)]
    if geoms is not None:
        objects = geometry_objects(geoms.crs84, rounded=True)
        out["geom"] = shapely.to_wkb(geoms.crs84).tolist()
        bounds = shapely.bounds(geoms.crs84)
        for k, name in enumerate(("_minx", "_miny", "_maxx", "_maxy")):
            out[name] = bounds[:, k].tolist()
        features = dumps_each([{"type": "Feature", "id": rid, "geometry": g, "properties": p}
                               for rid, g, p in zip(ids, objects, props, strict=True)], FEATURE)
        if geoms.native is not None:
            natives = geometry_objects(geoms.native, rounded=False)
            out[NATIVE_GEOMETRY] = shapely.to_wkb(geoms.native).tolist()
            out[NATIVE_FEATURE] = dumps_each(
                [{"type": "Feature", "id": rid, "geometry": g, "properties": p}
                 for rid, g, p in zip(ids, natives, props, strict=True)], FEATURE)
    else:
        features = dumps_each([{"id": rid, **p} for rid, p in zip(ids, props, strict=True)],
                              '{"id":')
    out["_feature"] = features
    if collection.searchable:
        out["_search"] = search_documents(collection, ids, columns)
    else:
        out["_search"] = [None] * count
    sha = hashlib.sha256
    out["_hash"] = [sha(f.encode()).hexdigest() for f in features]
    return out
