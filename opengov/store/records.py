"""Turning an incoming record into a row: typed columns, feature JSON, search text, hash."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import shapely
from shapely.geometry.base import BaseGeometry

from opengov.collections import Collection, Field
from opengov.geo.geojson import dumps, feature_json, normalise
from opengov.text import search_document


class RecordError(ValueError):
    """A record does not fit its collection's schema."""


def _parse_time(f: Field, value: object) -> object:
    if value is None or isinstance(value, datetime | date) and f.type == "date":
        return value
    if f.type == "date":
        return date.fromisoformat(str(value))
    if isinstance(value, datetime):
        parsed = value
    else:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise RecordError(f"{f.name}: time {value!r} has no UTC offset")
    return parsed


def _check_scalar(f: Field, value: object) -> object:
    if value is None:
        if f.required:
            raise RecordError(f"{f.name}: required")
        return None
    if f.type in ("date", "datetime"):
        try:
            return _parse_time(f, value)
        except ValueError as exc:
            raise RecordError(f"{f.name}: {exc}") from exc
    expected = {"string": str, "text": str, "integer": int, "number": int | float,
                "boolean": bool, "array": list, "object": dict}[f.type]
    if not isinstance(value, expected) or (f.type in ("integer", "number")
                                           and isinstance(value, bool)):
        raise RecordError(f"{f.name}: expected {f.type}, got {type(value).__name__}")
    if f.enum and value not in f.enum:
        raise RecordError(f"{f.name}: {value!r} is not one of {', '.join(f.enum)}")
    return value


def public_record(collection: Collection, record: dict) -> dict:
    """The record's public fields, checked against the schema; i18n as ``{"vi", "en"}``."""
    out: dict = {}
    for f in collection.fields:
        if f.type == "i18n":
            value = record.get(f.name)
            if not isinstance(value, dict):
                value = {"vi": record.get(f"{f.name}_vi"), "en": record.get(f"{f.name}_en")}
            if f.required and not value.get("vi"):
                raise RecordError(f"{f.name}: Vietnamese text required")
            out[f.name] = {"vi": value.get("vi"), "en": value.get("en")}
        else:
            out[f.name] = _check_scalar(f, record.get(f.name))
    return out


def row_values(
    collection: Collection,
    record: dict,
    geometry: BaseGeometry | dict | None = None,
) -> dict:
    """Column values for one record (without provenance or timestamps)."""
    public = public_record(collection, record)
    record_id = public.get(collection.id_field) or record.get("id")
    if not record_id:
        raise RecordError("record has no id")
    row: dict = {"id": str(record_id)}
    for f in collection.fields:
        if f.name == "id":
            continue
        if f.type == "i18n":
            row[f"{f.name}_vi"], row[f"{f.name}_en"] = public[f.name]["vi"], public[f.name]["en"]
        else:
            row[f.name] = public[f.name]
    properties = {k: v for k, v in public.items() if k != "id"}
    geom = None
    if collection.spatial:
        if geometry is None:
            raise RecordError(f"{record_id}: geometry required")
        geom = normalise(geometry)
        if geom.is_empty or not geom.is_valid:
            raise RecordError(f"{record_id}: invalid geometry")
        row["geom"] = shapely.to_wkb(geom)
        row["_minx"], row["_miny"], row["_maxx"], row["_maxy"] = geom.bounds
        row["_feature"] = feature_json(row["id"], geom, properties)
    else:
        row["_feature"] = dumps({"id": row["id"], **properties})
    searchable = [f for f in collection.fields if f.searchable]
    if searchable:
        texts: list[str] = []
        for f in searchable:
            v = public[f.name]
            is_i18n = f.type == "i18n"
            texts.extend([v.get("vi") or "", v.get("en") or ""] if is_i18n else [str(v or "")])
        row["_search"] = search_document(row["id"], *texts)
    row["_hash"] = hashlib.sha256(row["_feature"].encode()).hexdigest()
    return row
