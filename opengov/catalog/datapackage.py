"""Frictionless Data Package (v2) of a dataset: a Table Schema per CSV resource, with checksums.

Resource paths are relative (``download.csv``), which resolves against the descriptor's URL
``/datasets/{id}/datapackage.json`` to the download endpoint, and against the folder when the
descriptor and its files are saved side by side (``opengov export --format datapackage``).
"""

from __future__ import annotations

from opengov.catalog.distributions import Built
from opengov.collections import Collection, Field

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"

_TYPES = {"string": "string", "text": "string", "integer": "integer", "number": "number",
          "boolean": "boolean", "date": "date", "datetime": "datetime", "array": "array",
          "object": "object"}


def _fields(f: Field) -> list[dict]:
    if f.type == "i18n":
        return [{"name": f"{f.name}_{lang}", "type": "string",
                 "description": f"{f.en} ({label})"}
                for lang, label in (("vi", "Vietnamese"), ("en", "English"))]
    out: dict = {"name": f.name, "type": _TYPES[f.type], "title": f.vi, "description": f.en}
    if f.unit:
        out["unit"] = f.unit  # not a Table Schema property; kept as documentation
    constraints: dict = {}
    if f.required:
        constraints["required"] = True
    if f.enum:
        constraints["enum"] = list(f.enum)
    if constraints:
        out["constraints"] = constraints
    return [out]


def table_schema(collection: Collection) -> dict:
    """The Table Schema of a collection's CSV (same columns as the CSV encoder)."""
    fields = [{"name": "id", "type": "string", "constraints": {"required": True,
                                                                "unique": True}}]
    for f in collection.fields:
        if f.name != "id":
            fields.extend(_fields(f))
    if collection.geometry_type == "Point":
        fields += [{"name": "lon", "type": "number", "description": "Longitude (WGS 84)"},
                   {"name": "lat", "type": "number", "description": "Latitude (WGS 84)"}]
    elif collection.spatial:
        fields.append({"name": "wkt", "type": "string",
                       "description": "Geometry as WKT (WGS 84, lon lat)"})
    return {"$schema": SCHEMA_PROFILE, "fields": fields, "primaryKey": ["id"]}


def _license(meta_license: dict | None) -> list[dict]:
    if not meta_license:
        return []
    lic = {"name": meta_license.get("id") or meta_license.get("name") or "license"}
    if meta_license.get("url"):
        lic["path"] = meta_license["url"]
    return [lic]


def data_package(collection: Collection, record: dict, csv_file: Built,
                 dataset_url: str) -> dict:
    """The descriptor of one dataset version whose CSV is ``csv_file``."""
    sources = [{"title": s.get("title", ""), **({"path": s["url"]} if s.get("url") else {})}
               for s in record["sources"]]
    return {
        "$schema": PROFILE,
        "name": collection.id,
        "id": dataset_url,
        "title": record["title"]["en"],
        "description": record["description"]["en"],
        "version": str(record["version"]),
        "created": record["modified"],
        "homepage": dataset_url,
        "keywords": record["keywords"]["en"] + record["keywords"]["vi"],
        "licenses": _license(record["license"]),
        "sources": sources,
        "contributors": [{"title": record["publisher"].get("name", ""),
                          "roles": ["publisher"]}],
        "synthetic": record["synthetic"],
        "resources": [{
            "$schema": RESOURCE_PROFILE,
            "name": collection.id,
            "type": "table",
            "path": "download.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": csv_file.byte_size,
            "hash": f"sha256:{csv_file.sha256}",
            "schema": table_schema(collection),
        }],
    }
