"""The data dictionary, derived from the registry: ``fields`` in each ``metadata.yaml`` and
the field tables in ``docs/data.md`` (declared collections too: their ``metadata.yaml`` is left
as written, its ``fields`` are the dictionary). ``opengov dictionary`` rewrites both; a test keeps
them current.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from opengov.collections import Collection, Registry

BEGIN, END = "<!-- dictionary:begin -->", "<!-- dictionary:end -->"


def field_entries(collection: Collection) -> list[dict]:
    """Every public field with type, unit and vi/en description."""
    entries = []
    for f in collection.fields:
        entry: dict = {"name": f.name, "type": f.type}
        if f.unit:
            entry["unit"] = f.unit
        if f.enum:
            entry["enum"] = list(f.enum)
        entry["description"] = {"vi": f.vi, "en": f.en}
        if f.required:
            entry["required"] = True
        entries.append(entry)
    if collection.spatial:
        entries.append({"name": "geometry", "type": collection.geometry_type,
                        "unit": "WGS 84 lon/lat (RFC 7946)",
                        "description": {"vi": "Hình học", "en": "Geometry"}})
    return entries


def metadata_with_fields(path: Path, collection: Collection) -> str:
    meta = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    meta["fields"] = field_entries(collection)
    return yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)


def markdown_tables(registry: Registry) -> str:
    """One table of fields per collection."""
    out = [BEGIN, ""]
    for c in registry:
        kind = f"{c.geometry_type} features" if c.spatial else "records"
        out += [f"### `{c.id}` — {c.title['en']} ({kind})", "", c.description["en"], "",
                "| field | type | unit | description (en) | mô tả (vi) |",
                "| --- | --- | --- | --- | --- |"]
        for e in field_entries(c):
            kind = e["type"] + (f" ({', '.join(e['enum'])})" if "enum" in e else "")
            out.append(f"| `{e['name']}` | {kind} | {e.get('unit', '')} | "
                       f"{e['description']['en']} | {e['description']['vi']} |")
        out.append("")
    out.append(END)
    return "\n".join(out)


def render_docs(doc_text: str, registry: Registry) -> str:
    head, _, rest = doc_text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return head + markdown_tables(registry) + tail


def sync(registry: Registry, datasets: Path, doc: Path, *, check: bool = False) -> list[Path]:
    """Rewrite (or, with ``check``, only list) the files that are not current."""
    from opengov.declare.load import is_declaration

    stale = []
    targets: list[tuple[Path, str]] = []
    for c in registry:
        meta = datasets / c.id / "metadata.yaml"
        # A declaration's fields are its dictionary already (and say more: never rewritten).
        if meta.exists() and not is_declaration(meta):
            targets.append((meta, metadata_with_fields(meta, c)))
    if doc.exists():
        targets.append((doc, render_docs(doc.read_text(encoding="utf-8"), registry)))
    for path, text in targets:
        if path.read_text(encoding="utf-8") != text:
            stale.append(path)
            if not check:
                path.write_text(text, encoding="utf-8")
    return stale
