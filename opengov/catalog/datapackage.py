"""Frictionless Data Package (v2) of a dataset: a Table Schema per CSV resource, with checksums.

Resource paths are relative (``download.csv``, ``extracts/2025-12.csv``), which resolves
against the descriptor's URL ``/datasets/{id}/datapackage.json`` to the download endpoints, and
against the folder when the descriptor and its files are saved side by side. The zipped package
of related CSV tables (:mod:`opengov.catalog.related`) is built from the same pieces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from opengov.collections import Collection, Field

if TYPE_CHECKING:
    from opengov.catalog.distributions import Built

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


def package_properties(record: dict, dataset_url: str | None = None) -> dict:
    """The descriptor's properties other than its resources, from a catalogue record."""
    sources = [{"title": s.get("title", ""), **({"path": s["url"]} if s.get("url") else {})}
               for s in record["sources"]]
    links = {"id": dataset_url, "homepage": dataset_url} if dataset_url else {}
    return {
        **links,
        "title": record["title"]["en"],
        "description": record["description"]["en"],
        "version": str(record["version"]),
        "created": record["modified"],
        "keywords": record["keywords"]["en"] + record["keywords"]["vi"],
        "licenses": _license(record["license"]),
        "sources": sources,
        "contributors": [{"title": record["publisher"].get("name", ""),
                          "roles": ["publisher"]}],
        "synthetic": record["synthetic"],
    }


def csv_resource(name: str, path: str, byte_size: int, sha256: str, schema: dict,
                 description: str | None = None) -> dict:
    """A tabular CSV resource with its size and hash (which ``frictionless`` verifies)."""
    out = {"$schema": RESOURCE_PROFILE, "name": name, "type": "table", "path": path,
           "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "bytes": byte_size,
           "hash": f"sha256:{sha256}", "schema": schema}
    if description:
        out["description"] = description
    return out


def current_csv(collection: Collection, csv_file: Built) -> dict:
    """The resource of the current version's CSV download."""
    return csv_resource(collection.id, "download.csv", csv_file.byte_size, csv_file.sha256,
                        table_schema(collection))


def data_package(collection: Collection, record: dict, resources: list[dict],
                 dataset_url: str) -> dict:
    """The descriptor of a dataset with these resources."""
    return {"$schema": PROFILE, "name": collection.id,
            **package_properties(record, dataset_url), "resources": resources}
