"""How to read a CSV download: its W3C CSVW metadata and the ``Link`` header pointing to it.

Every CSV we publish (whole dataset, subset, monthly extract) has a metadata document beside it
at ``<file>.csv-metadata.json`` — the location CSVW processors try first (W3C "Model for Tabular
Data and Metadata on the Web", §5.3) — and its responses carry ``Link: <…>;
rel="describedby"; type="application/csvm+json"`` (§5.2). The columns and their types come
from the dataset's Frictionless Table Schema (:mod:`opengov.catalog.datapackage`), so both
descriptions always agree: codes (procedure codes such as ``1.900370``, commune codes with
leading zeros) are ``string`` and must be read as text.
"""

from __future__ import annotations

MEDIA_TYPE = "application/csvm+json"
SUFFIX = "-metadata.json"  # appended to the CSV's URL
CONTEXT = "http://www.w3.org/ns/csvw"

#: Table Schema types → CSVW built-in datatypes (CSVW Metadata Vocabulary §5.11.1)
DATATYPES = {"string": "string", "integer": "integer", "number": "number",
             "boolean": "boolean", "date": "date", "datetime": "datetime",
             "array": "json", "object": "json"}


def _column(field: dict, primary: list[str]) -> dict:
    column = {"name": field["name"], "titles": field["name"],
              "datatype": DATATYPES.get(field["type"], "string")}
    if field.get("description"):
        column["dc:description"] = field["description"]
    constraints = field.get("constraints", {})
    if constraints.get("required") or field["name"] in primary:
        column["required"] = True
    return column


def metadata(csv_url: str, table_schema: dict, title: str | None = None) -> dict:
    """The CSVW metadata of the CSV at ``csv_url`` (relative to the metadata document)."""
    primary = table_schema.get("primaryKey") or []
    doc: dict = {"@context": CONTEXT, "url": csv_url}
    if title:
        doc["dc:title"] = title
    doc["dialect"] = {"encoding": "utf-8", "header": True, "delimiter": ","}
    doc["tableSchema"] = {"columns": [_column(f, primary) for f in table_schema["fields"]]}
    if primary:
        doc["tableSchema"]["primaryKey"] = primary
    return doc


def link_header(metadata_url: str, package_url: str | None = None) -> str:
    """``Link`` header value: the CSVW metadata (and the data package, with its Table Schema)."""
    links = [f'<{metadata_url}>; rel="describedby"; type="{MEDIA_TYPE}"']
    if package_url:
        links.append(f'<{package_url}>; rel="describedby"; type="application/json"; '
                     'title="Frictionless Data Package"')
    return ", ".join(links)
