"""A declaration written as ``metadata.yaml`` text: the inverse of
:func:`opengov.declare.model.parse_declaration`.

Keys come in a fixed order, in sections with a comment saying what each is for; keys left at
nothing (no time field, no commune field) are written as comments, so the file shows every knob.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

import yaml

from opengov.collections import Field
from opengov.declare.model import Declaration

HINTS = {
    "time_field": "a date or datetime field: the collection's time (OGC API `datetime`)",
    "commune_field": "a string field holding the commune-level unit code",
}


def _dump(key: str, value) -> str:
    return yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=100)


def _section(comment: str, items: Iterable[tuple[str, object]]) -> str:
    out = [f"# {line}\n" for line in textwrap.wrap(comment, 96)]
    for key, value in items:
        if value is None:
            out.append(f"# {key}:   ({HINTS[key]})\n" if key in HINTS else "")
        else:
            out.append(_dump(key, value))
    return "".join(out)


def field_entry(field: Field, column: str) -> dict:
    """One entry of ``fields``: only what differs from the defaults."""
    entry: dict = {"name": field.name}
    if column != field.name:
        entry["column"] = column
    entry["type"] = field.type
    entry["description"] = {"vi": field.vi, "en": field.en}
    if field.unit:
        entry["unit"] = field.unit
    if field.enum:
        entry["enum"] = list(field.enum)
    for flag in ("required", "filterable", "sortable", "searchable"):
        if getattr(field, flag):
            entry[flag] = True
    if field.example is not None:
        entry["example"] = field.example
    return entry


def _keywords(declaration: Declaration):
    words = declaration.catalog.keywords
    if words is None:
        return list(declaration.collection.keywords) or None
    return {lang: list(words[lang]) for lang in ("vi", "en")}


def render_declaration(declaration: Declaration, notes: Iterable[str] = ()) -> str:
    """``metadata.yaml`` text for ``declaration``; ``notes`` become comment lines on top."""
    c, cat, src = declaration.collection, declaration.catalog, declaration.source
    head = "".join(f"# {line}".rstrip() + "\n" for line in notes)
    parts = [
        head + _section("The dataset (docs/declare.md). Labels are {vi, en}.", [
            ("id", c.id), ("title", dict(c.title)), ("description", dict(c.description)),
            ("keywords", _keywords(declaration))]),
        _section("Catalogue: who publishes it, under which licence, how often it changes.", [
            ("publisher", cat.publisher and dict(cat.publisher)),
            ("contact_point", cat.contact_point and dict(cat.contact_point)),
            ("license", cat.license and dict(cat.license)),
            ("update_frequency", cat.update_frequency),
            ("themes", list(cat.themes) or None)]),
        _section("Serving: batch (loaded from the file) or live; cache lifetime in seconds; "
                 "page sizes.", [
            ("kind", c.kind), ("cache_seconds", c.cache_seconds),
            ("default_limit", c.default_limit), ("max_limit", c.max_limit),
            ("min_zoom", c.min_zoom if c.spatial or c.min_zoom else None)]),
        _section("Records: the id field, the geometry and its native CRS, time and commune.", [
            ("id_field", c.id_field), ("geometry_type", c.geometry_type),
            ("native_crs", c.native_crs if c.spatial else None),
            ("time_field", c.time_field), ("commune_field", c.commune_field)]),
        _section("Source: the data file in this folder and how to read it.", [
            ("source", {k: v for k, v in (
                ("file", src.file), ("layer", src.layer), ("x", src.x), ("y", src.y),
                ("wkt", src.wkt), ("crs", src.crs), ("separator", src.separator),
                ("encoding", src.encoding), ("generated_id", src.generated_id or None))
                if v is not None})]),
        _section("Fields: type is string (short codes, names), text (long), integer, number, "
                 "boolean, date, datetime, i18n ({vi, en}), array or object; column: its name "
                 "in the file when it differs; filterable/sortable/searchable make the API "
                 "offer it as a filter, a sort key, or in q= search.", [
            ("fields", [field_entry(f, src.column(f.name)) for f in c.fields])]),
    ]
    return "\n".join(parts)
