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
from opengov.jsontext import dumps
from opengov.text import fold

_TOKEN = re.compile(r"[0-9a-z]+")
_FOLDED: dict[str, str] = {}  # word → folded, shared by batches (cleared when large)


def _fold_words(text: str) -> str:
    """:func:`~opengov.text.fold` word by word, each distinct word folded once."""
    if text.isascii():
        return text.lower()
    if len(_FOLDED) > 200_000:
        _FOLDED.clear()
    out = []
    for word in text.split():
        if word.isascii():
            out.append(word.lower())
            continue
        folded = _FOLDED.get(word)
        if folded is None:
            folded = _FOLDED[word] = fold(word)
        out.append(folded)
    return " ".join(out)


def search_document(*parts: str) -> str:
    """:func:`opengov.text.search_document`, faster on many records sharing words."""
    return " ".join(t for part in parts if part for t in _TOKEN.findall(_fold_words(part)))


def _first(values: list, bad) -> int | None:
    for i, value in enumerate(values):
        if bad(value):
            return i
    return None


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
            i, problem = _first(values, lambda v: v is None), f"{f.name}: required"
        if problem and i is not None:
            raise ReadError(f"{file}: record #{start + i}: {problem}")
        if f.enum:
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


def _search_texts(collection: Collection, columns: dict[str, list], i: int) -> list[str]:
    texts: list[str] = []
    for f in collection.fields:
        if f.searchable:
            v = columns[f.name][i]
            texts.extend([v["vi"] or "", v["en"] or ""] if f.type == "i18n" else [str(v or "")])
    return texts


def batch_rows(collection: Collection, columns: dict[str, list], geoms: Geometries | None,
               file: str, start: int) -> list[dict]:
    """The column values of a batch's rows (``_rowid`` = the record number), without
    provenance and timestamps."""
    check_values(collection, columns, file, start)
    names = [f.name for f in collection.fields]
    count = len(columns[names[0]])
    scalars = [(f.name, columns[f.name]) for f in collection.fields
               if f.type != "i18n" and f.name != "id"]
    i18n = [(f.name, columns[f.name]) for f in collection.fields if f.type == "i18n"]
    properties = [(n, columns[n]) for n in names if n != "id"]
    ids = columns[collection.id_field]
    searchable = collection.searchable
    spatial = geoms is not None
    if spatial:
        objects = geometry_objects(geoms.crs84, rounded=True)
        wkbs = shapely.to_wkb(geoms.crs84).tolist()
        bounds = shapely.bounds(geoms.crs84).tolist()
        if geoms.native is not None:
            natives = geometry_objects(geoms.native, rounded=False)
            native_wkbs = shapely.to_wkb(geoms.native).tolist()
    rows = []
    for i in range(count):
        rid = str(ids[i])
        row = {"_rowid": start + i, "id": rid}
        for name, values in scalars:
            row[name] = values[i]
        for name, values in i18n:
            row[f"{name}_vi"], row[f"{name}_en"] = values[i]["vi"], values[i]["en"]
        props = {name: values[i] for name, values in properties}
        if spatial:
            feature = dumps({"type": "Feature", "id": rid, "geometry": objects[i],
                             "properties": props})
            row["geom"] = wkbs[i]
            row["_minx"], row["_miny"], row["_maxx"], row["_maxy"] = bounds[i]
            if geoms.native is not None:
                row[NATIVE_GEOMETRY] = native_wkbs[i]
                row[NATIVE_FEATURE] = dumps({"type": "Feature", "id": rid,
                                             "geometry": natives[i], "properties": props})
        else:
            feature = dumps({"id": rid, **props})
        row["_feature"] = feature
        row["_search"] = (search_document(rid, *_search_texts(collection, columns, i))
                          if searchable else None)
        row["_hash"] = hashlib.sha256(feature.encode()).hexdigest()
        rows.append(row)
    return rows
