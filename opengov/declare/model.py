"""A declaration: ``datasets/<id>/metadata.yaml`` read into the one collection model.

A declaration says everything a built-in collection says in Python
(:class:`~opengov.collections.Collection` and its :class:`~opengov.collections.Field` list) plus
what a built-in's ``metadata.yaml`` says for the catalogue (:class:`Catalog`) and where its
records come from (:class:`Source`). :func:`parse_declaration` checks every key and fails on the
first problem with one line naming the file, the key and the problem (:class:`DeclarationError`);
:mod:`.render` writes a declaration back as YAML. The format is documented in docs/declare.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import get_args

import yaml

from opengov.collections import Collection, Field, FieldType, GeometryType

FIELD_TYPES = get_args(FieldType)
GEOMETRY_TYPES = get_args(GeometryType)
KINDS = ("batch", "live")
# The keys of opengov.catalog.dcat.FREQUENCY (EU frequency vocabulary) plus "hourly".
UPDATE_FREQUENCIES = ("continuous", "hourly", "daily", "weekly", "monthly", "quarterly",
                      "annual", "irregular", "never")
MAX_LIMIT = 10_000
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
# Column names every collection table already uses (opengov.store.tables.collection_table).
RESERVED_NAMES = frozenset({"geom", "geometry"})
TOP_KEYS = ("id", "title", "description", "keywords", "publisher", "contact_point", "license",
            "update_frequency", "themes", "kind", "cache_seconds", "default_limit", "max_limit",
            "min_zoom", "id_field", "geometry_type", "native_crs", "time_field", "commune_field",
            "source", "fields")
FIELD_KEYS = ("name", "column", "type", "description", "unit", "enum", "required",
              "filterable", "sortable", "searchable", "example")
SOURCE_KEYS = ("file", "layer", "x", "y", "wkt", "crs", "separator", "encoding",
               "generated_id")
PARTY_KEYS = ("name", "email", "url")
LICENSE_KEYS = ("id", "title", "url")


class DeclarationError(ValueError):
    """A declaration that cannot be used: one line naming the file, the key and the problem."""

    def __init__(self, source: str, key: str, problem: str):
        super().__init__(f"{source}: {key}: {problem}")
        self.source, self.key, self.problem = source, key, problem


@dataclass(frozen=True)
class Catalog:
    """What the catalogue says about a declared dataset (the keys of a built-in's
    ``metadata.yaml``): publisher, contact, licence, update frequency, bilingual keywords."""

    publisher: Mapping[str, str] | None = None
    contact_point: Mapping[str, str] | None = None
    license: Mapping[str, str] | None = None
    update_frequency: str = "irregular"
    keywords: Mapping[str, tuple[str, ...]] | None = None
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """Where a declared collection's records come from: one file in its dataset folder.

    ``x``/``y`` or ``wkt`` name the columns holding the geometry of a table (``crs`` is their
    CRS); ``columns`` maps a field to its column in the file when the names differ;
    ``generated_id``: the file has no usable id, records are numbered 1, 2, … in file order.
    """

    file: str
    layer: str | None = None
    x: str | None = None
    y: str | None = None
    wkt: str | None = None
    crs: str | None = None
    separator: str | None = None
    encoding: str | None = None
    generated_id: bool = False
    columns: tuple[tuple[str, str], ...] = ()

    def column(self, field_name: str) -> str:
        """The column of the file holding ``field_name``."""
        return dict(self.columns).get(field_name, field_name)


@dataclass(frozen=True, eq=False)
class Declaration:
    """A collection, its catalogue metadata and its source file, as ``metadata.yaml`` says."""

    collection: Collection
    catalog: Catalog
    source: Source

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Declaration):
            return NotImplemented
        return (collection_values(self.collection) == collection_values(other.collection)
                and self.catalog == other.catalog and self.source == other.source)

    __hash__ = None  # type: ignore[assignment]


def collection_values(collection: Collection) -> dict:
    """Every attribute of ``collection`` as plain values (``Collection`` compares by identity)."""
    return asdict(collection)


class _Checker:
    """Reads values out of a parsed YAML document, raising :class:`DeclarationError`."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, problem: str):
        raise DeclarationError(self.source, key, problem)

    def mapping(self, value, key: str, allowed: tuple[str, ...]) -> dict:
        if not isinstance(value, Mapping):
            self.fail(key, f"expected a mapping, got {_kind(value)}")
        for name in value:
            if name not in allowed:
                self.fail(f"{key}.{name}" if key else str(name),
                          f"unknown key (expected one of: {', '.join(allowed)})")
        return dict(value)

    def string(self, value, key: str, *, required: bool = False, pattern=None,
               choices: tuple[str, ...] = ()) -> str | None:
        if value is None:
            if required:
                self.fail(key, "is required")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"expected a non-empty text, got {_kind(value)}")
        if pattern is not None and not pattern.match(value):
            self.fail(key, f"{value!r} does not match {pattern.pattern}")
        if choices and value not in choices:
            self.fail(key, f"{value!r} is not one of: {', '.join(choices)}")
        return value

    def boolean(self, value, key: str) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, got {_kind(value)}")
        return value

    def integer(self, value, key: str, default: int, low: int, high: int) -> int:
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"expected an integer, got {_kind(value)}")
        if not low <= value <= high:
            self.fail(key, f"{value} is outside {low}…{high}")
        return value

    def bilingual(self, value, key: str, default: str | None = None) -> dict[str, str]:
        """``{vi: …, en: …}``; a single text stands for both languages."""
        if value is None and default is not None:
            return {"vi": default, "en": default}
        if isinstance(value, str):
            value = {"vi": value, "en": value}
        value = self.mapping(value, key, ("vi", "en"))
        return {lang: self.string(value.get(lang), f"{key}.{lang}", required=True)
                for lang in ("vi", "en")}

    def strings(self, value, key: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(key, f"expected a list, got {_kind(value)}")
        return tuple(self.string(v, f"{key}[{i}]", required=True) for i, v in enumerate(value))

    def crs(self, value, key: str) -> str | None:
        """A CRS PROJ knows, as ``EPSG:<code>`` or ``OGC:CRS84``."""
        text = self.string(value, key)
        if text is None:
            return None
        canonical = canonical_crs(text)
        if canonical is None:
            self.fail(key, f"{text!r} is not a coordinate reference system PROJ knows "
                           "(write e.g. EPSG:5899 or OGC:CRS84)")
        return canonical


def canonical_crs(crs) -> str | None:
    """``OGC:CRS84`` for WGS 84 longitude/latitude, else ``EPSG:<code>``; None when unknown.

    ``crs``: text (``EPSG:5899``, a URI, WKT) or a :class:`pyproj.CRS`.
    """
    return _canonical_crs(crs if isinstance(crs, str) else crs.to_wkt())


@lru_cache(maxsize=64)
def _canonical_crs(text: str) -> str | None:
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        crs = CRS.from_user_input(text)
    except CRSError:
        return None
    code = crs.to_epsg(min_confidence=70)
    if code == 4326 or crs.equals(CRS("OGC:CRS84")):
        return "OGC:CRS84"  # files hold lon/lat in either case (GeoJSON, GeoPackage, GDAL)
    if code is None:
        authority = crs.to_authority(min_confidence=70)
        return ":".join(authority) if authority else None
    return f"EPSG:{code}"


def _kind(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"the text {value!r}"
    return {bool: "a boolean", int: "a number", float: "a number", list: "a list",
            dict: "a mapping"}.get(type(value), type(value).__name__)


def _keywords(check: _Checker, value) -> tuple[tuple[str, ...], dict | None]:
    """The collection's keywords and, when given per language, the catalogue's ``{vi, en}``."""
    if value is None or isinstance(value, list):
        return check.strings(value, "keywords"), None
    value = check.mapping(value, "keywords", ("vi", "en"))
    words = {lang: check.strings(value.get(lang), f"keywords.{lang}") for lang in ("vi", "en")}
    return tuple(dict.fromkeys(words["en"] + words["vi"])), words


def _party(check: _Checker, value, key: str) -> dict[str, str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = {"name": value}
    value = check.mapping(value, key, PARTY_KEYS)
    check.string(value.get("name"), f"{key}.name", required=True)
    return {k: check.string(value[k], f"{key}.{k}") for k in PARTY_KEYS if value.get(k)}


def _license(check: _Checker, value) -> dict[str, str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = {"id": value}
    value = check.mapping(value, "license", LICENSE_KEYS)
    check.string(value.get("id"), "license.id", required=True)
    return {k: check.string(value[k], f"license.{k}") for k in LICENSE_KEYS if value.get(k)}


def _field(check: _Checker, value, index: int) -> tuple[Field, str | None]:
    """One entry of ``fields``: the Field and its source column (None: the same name)."""
    key = f"fields[{index}]"
    value = check.mapping(value, key, FIELD_KEYS)
    name = check.string(value.get("name"), f"{key}.name", required=True, pattern=NAME_PATTERN)
    key = f"fields.{name}"
    if name in RESERVED_NAMES:
        check.fail(f"{key}.name", f"{name!r} is reserved (the geometry is declared by "
                                  "geometry_type)")
    kind = check.string(value.get("type"), f"{key}.type", required=True, choices=FIELD_TYPES)
    labels = check.bilingual(value.get("description"), f"{key}.description", default=name)
    enum = check.strings(value.get("enum"), f"{key}.enum") if "enum" in value else None
    if enum is not None and (kind != "string" or not enum):
        check.fail(f"{key}.enum", "an enum is a non-empty list of values of a string field")
    flags = {flag: check.boolean(value.get(flag), f"{key}.{flag}")
             for flag in ("required", "filterable", "sortable", "searchable")}
    if flags["filterable"] and kind in ("array", "object", "i18n"):
        check.fail(f"{key}.filterable", f"a field of type {kind} cannot be filtered on")
    if flags["sortable"] and kind in ("array", "object"):
        check.fail(f"{key}.sortable", f"a field of type {kind} cannot be sorted on")
    if flags["searchable"] and kind not in ("string", "text", "i18n"):
        check.fail(f"{key}.searchable", "only string, text and i18n fields can be searched")
    field = Field(name, kind, labels["vi"], labels["en"],
                  unit=check.string(value.get("unit"), f"{key}.unit"), enum=enum,
                  example=value.get("example"), **flags)
    return field, check.string(value.get("column"), f"{key}.column")


def _fields(check: _Checker, value) -> tuple[tuple[Field, ...], tuple[tuple[str, str], ...]]:
    if not isinstance(value, list) or not value:
        check.fail("fields", "expected a non-empty list of fields")
    fields, columns, seen = [], [], set()
    for index, entry in enumerate(value):
        if (isinstance(entry, Mapping) and entry.get("name") == "geometry"
                and entry.get("type") in GEOMETRY_TYPES):
            continue  # the data dictionary's geometry entry (opengov dictionary) says nothing new
        field, column = _field(check, entry, index)
        for name in dict.fromkeys((field.name, *field.columns)):
            if name in seen:
                check.fail(f"fields.{field.name}.name", f"{name!r} is declared twice")
            seen.add(name)
        fields.append(field)
        if column and column != field.name:
            columns.append((field.name, column))
    return tuple(fields), tuple(columns)


def _named_field(check: _Checker, fields, name, key: str, types: tuple[str, ...]):
    name = check.string(name, key)
    if name is None:
        return None
    match = [f for f in fields if f.name == name]
    if not match:
        check.fail(key, f"no field named {name!r}")
    if match[0].type not in types:
        check.fail(key, f"field {name!r} is {match[0].type}; expected {' or '.join(types)}")
    return name


def _source(check: _Checker, value, spatial: bool, columns) -> Source:
    value = check.mapping(value, "source", SOURCE_KEYS)
    file = check.string(value.get("file"), "source.file", required=True)
    if "/" in file or "\\" in file or file in (".", ".."):
        check.fail("source.file", f"{file!r} must be a file name in the dataset folder")
    text = {k: check.string(value.get(k), f"source.{k}")
            for k in ("layer", "x", "y", "wkt", "separator", "encoding")}
    if bool(text["x"]) != bool(text["y"]):
        check.fail("source.x" if not text["x"] else "source.y", "x and y go together")
    if text["wkt"] and text["x"]:
        check.fail("source.wkt", "give either x and y or wkt, not both")
    if (text["wkt"] or text["x"]) and not spatial:
        check.fail("source", "x/y or wkt columns need a geometry_type")
    if text["separator"] is not None and len(text["separator"]) != 1:
        check.fail("source.separator", "expected one character such as , or ;")
    return Source(file=file, crs=check.crs(value.get("crs"), "source.crs"),
                  generated_id=check.boolean(value.get("generated_id"), "source.generated_id"),
                  columns=columns, **text)


def parse_declaration(document, source: str) -> Declaration:
    """The declaration in a parsed ``metadata.yaml`` (``source`` names it in errors)."""
    check = _Checker(source)
    doc = check.mapping(document, "", TOP_KEYS)
    collection_id = check.string(doc.get("id"), "id", required=True, pattern=ID_PATTERN)
    if len(collection_id) > 50:
        check.fail("id", "at most 50 characters")
    title = check.bilingual(doc.get("title"), "title")
    fields, columns = _fields(check, doc.get("fields"))
    geometry_type = check.string(doc.get("geometry_type"), "geometry_type",
                                 choices=GEOMETRY_TYPES)
    id_field = _named_field(check, fields, doc.get("id_field") or "id", "id_field",
                            ("string", "integer"))
    if id_field != "id" and any(f.name == "id" for f in fields):
        check.fail("fields.id.name", f"a field named id must be the id field (id_field is "
                                     f"{id_field}); rename it and keep column: id")
    default_limit = check.integer(doc.get("default_limit"), "default_limit", 100, 1, MAX_LIMIT)
    max_limit = check.integer(doc.get("max_limit"), "max_limit", 1000, 1, MAX_LIMIT)
    if default_limit > max_limit:
        check.fail("default_limit", f"{default_limit} is larger than max_limit ({max_limit})")
    keywords, bilingual_keywords = _keywords(check, doc.get("keywords"))
    collection = Collection(
        id=collection_id, title=title,
        description=(dict(title) if doc.get("description") is None
                     else check.bilingual(doc["description"], "description")),
        fields=fields, id_field=id_field, geometry_type=geometry_type,
        time_field=_named_field(check, fields, doc.get("time_field"), "time_field",
                                ("date", "datetime")),
        commune_field=_named_field(check, fields, doc.get("commune_field"), "commune_field",
                                   ("string",)),
        native_crs=check.crs(doc.get("native_crs"), "native_crs") or "OGC:CRS84",
        default_limit=default_limit, max_limit=max_limit,
        kind=check.string(doc.get("kind"), "kind", choices=KINDS) or "batch",
        cache_seconds=check.integer(doc.get("cache_seconds"), "cache_seconds", 60, 0, 86_400),
        keywords=keywords,
        min_zoom=check.integer(doc.get("min_zoom"), "min_zoom", 0, 0, 24),
    )
    if collection.native_crs != "OGC:CRS84" and not collection.spatial:
        check.fail("native_crs", "a collection without geometry_type has no CRS")
    catalog = Catalog(
        publisher=_party(check, doc.get("publisher"), "publisher"),
        contact_point=_party(check, doc.get("contact_point"), "contact_point"),
        license=_license(check, doc.get("license")),
        update_frequency=check.string(doc.get("update_frequency"), "update_frequency",
                                      choices=UPDATE_FREQUENCIES) or "irregular",
        keywords=bilingual_keywords, themes=check.strings(doc.get("themes"), "themes"))
    if doc.get("source") is None:
        check.fail("source", "is required (source.file names the data file)")
    src = _source(check, doc["source"], collection.spatial, columns)
    return Declaration(collection, catalog, src)


def load_declaration(path: Path) -> Declaration:
    """The declaration in ``datasets/<id>/metadata.yaml``; its id must be the folder's name."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DeclarationError(str(path), where, f"not valid YAML: {problem}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DeclarationError(str(path), "(file)", f"cannot be read: {exc}") from None
    declaration = parse_declaration(document, str(path))
    if declaration.collection.id != path.parent.name:
        raise DeclarationError(str(path), "id", f"{declaration.collection.id!r} differs from "
                                                f"the folder name {path.parent.name!r}")
    return declaration
