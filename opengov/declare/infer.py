"""Infer a declaration from a file's records, saying every guess in a line a person can check.

Types come from the values: text cells that are all integers become ``integer`` unless one has a
leading zero (``00123`` is a code and stays ``string``); decimals ``number``; ``true``/``false``
``boolean``; ``YYYY-MM-DD`` ``date``; ISO 8601 date-times (with or without a UTC offset)
``datetime``. Short text with few distinct values becomes an enum and a filter; long text is
``text`` and searchable; names are searchable and sortable; a unique, never-empty column with an
id-like name is the id field, otherwise records are numbered (``source.generated_id``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

import pandas as pd

from opengov.collections import Collection, Field
from opengov.declare.model import Catalog, Declaration, Source, canonical_crs
from opengov.declare.readers import ReadError, ReadResult, plain_name

INTEGER = re.compile(r"^[+-]?\d+$")
NUMBER = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?"
                      r"(Z|[+-]\d{2}(:?\d{2})?)?$")
OFFSET = re.compile(r"(Z|[+-]\d{2}(:?\d{2})?)$")
ENUM_MAX = 20  # at most this many distinct values …
ENUM_VALUE_MAX = 40  # … each at most this long, each used at least twice on average
LONG_TEXT = 200  # a value this long makes a field ``text`` and searchable
ID_NAMES = ("id", "ma", "code", "objectid", "fid", "gid", "uuid")
ID_AFFIXES = (re.compile(r"^(ma|id|code)_"), re.compile(r"_(id|ma|code|ma_so)$"))
NAME_NAMES = ("name", "ten", "title", "tieu_de", "ho_ten", "label")
TIME_NAMES = re.compile(r"(time|date|ngay|thoi_gian|updated|modified|observed|timestamp)")
COMMUNE_NAMES = ("commune", "commune_code", "ma_xa", "xa", "ward", "ma_phuong_xa")
GEOMETRY_TYPES = {frozenset({"Point"}): "Point", frozenset({"LineString"}): "LineString",
                  frozenset({"Polygon"}): "Polygon", frozenset({"MultiPolygon"}): "MultiPolygon",
                  frozenset({"Polygon", "MultiPolygon"}): "MultiPolygon"}


@dataclass(frozen=True)
class Inferred:
    """A declaration and the guesses that made it, one line each."""

    declaration: Declaration
    guesses: tuple[str, ...]


def plain_value(value):
    """A plain Python value (numpy scalars unwrapped, NaN/NaT/None → None)."""
    if value is None or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _text_type(values: list[str], notes: list[str], column: str) -> str:
    stripped = [v.strip() for v in values]
    if all(v.lower() in ("true", "false") for v in stripped):
        return "boolean"
    if all(INTEGER.match(v) for v in stripped):
        zeros = [v for v in stripped if len(v.lstrip("+-")) > 1 and v.lstrip("+-")[0] == "0"]
        if zeros:
            notes.append(f"{column}: kept as text: codes with leading zeros (e.g. {zeros[0]!r})")
            return "string"
        if column in COMMUNE_NAMES or _id_like(column) is not None:
            notes.append(f"{column}: digits in a code column: kept as text")
            return "string"
        if all(abs(int(v)) < 2**63 for v in stripped):
            return "integer"
        return "string"
    if all(NUMBER.match(v) for v in stripped):
        return "number"
    if all(DATE.match(v) and _valid(date.fromisoformat, v) for v in stripped):
        return "date"
    if all(DATETIME.match(v) and _valid(iso_datetime, v) for v in stripped):
        with_offset = sum(bool(OFFSET.search(v)) for v in stripped)
        if with_offset == len(stripped):
            notes.append(f"{column}: date-times with UTC offsets")
        else:
            notes.append(f"{column}: {len(stripped) - with_offset} date-time(s) without a UTC "
                         "offset, to be read as Vietnam time (UTC+07:00)")
        return "datetime"
    return "string"


def iso_datetime(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("/", "-").replace("Z", "+00:00"))


def _valid(parse, text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


def value_type(values: list, notes: list[str], column: str) -> str:
    """The field type of a column's non-empty values."""
    kinds = {type(v) for v in values}
    if not values or kinds <= {str}:
        return _text_type(values, notes, column) if values else "string"
    if kinds <= {bool}:
        return "boolean"
    if kinds <= {int}:
        return "integer"
    if kinds <= {int, float}:
        return ("integer" if all(float(v).is_integer() for v in values) and any(
            isinstance(v, int) for v in values) else "number")
    if kinds <= {datetime}:
        if all(v.tzinfo is None and v.time() == datetime.min.time() for v in values):
            return "date"
        return "datetime"
    if kinds <= {date}:
        return "date"
    if kinds <= {list, tuple}:
        return "array"
    if kinds <= {dict}:
        return "object"
    notes.append(f"{column}: mixed values ({', '.join(sorted(k.__name__ for k in kinds))}); "
                 "kept as text")
    return "string"


def field_names(columns: Iterable[str]) -> dict[str, str]:
    """A valid, unique field name for each column (``Tên trường`` → ``ten_truong``)."""
    names: dict[str, str] = {}
    for column in columns:
        base = plain_name(column) or "field"
        if not base[0].isalpha():
            base = f"f_{base}"
        if base in ("geom", "geometry"):
            base = f"{base}_value"
        name, n = base, 2
        while name in names.values():
            name, n = f"{base}_{n}", n + 1
        names[column] = name
    return names


def _i18n_pairs(columns: list[str]) -> dict[str, tuple[str, str]]:
    """``name_vi`` + ``name_en`` columns: one bilingual field ``name``."""
    pairs = {}
    for column in columns:
        if plain_name(column).endswith("_vi"):
            base = column[:-3]
            twin = next((c for c in columns if c != column and c[:-3] == base
                         and plain_name(c).endswith("_en")), None)
            if twin is not None:
                pairs[base] = (column, twin)
    return pairs


EXAMPLE_MAX = 80  # characters of a long text kept as the field's example


def _example(values: list):
    """The first value, as YAML writes it plainly (long text cut, times as ISO 8601)."""
    value = values[0] if values else None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return value[:EXAMPLE_MAX]
    if isinstance(value, float | int | bool) or value is None:
        return value
    return None


@dataclass
class _Column:
    """What the values of one column say."""

    column: str
    field: Field
    unique: bool
    complete: bool


def _infer_field(name: str, column: str, series: pd.Series, notes: list[str]) -> _Column:
    values = [v.strip() if type(v) is str else  # noqa: E721 - the fast path for text cells
              v if isinstance(v, int | float) else plain_value(v)
              for v in series.dropna().tolist()]
    values = [v for v in values if v != "" and v is not None]
    kind = value_type(values, notes, name)
    complete = len(values) == len(series)
    hashable = kind not in ("array", "object")
    distinct = set(map(str, values)) if hashable else set()
    unique = hashable and len(distinct) == len(values)
    flags = {"required": complete and bool(values)}
    enum = None
    plain = plain_name(column)
    if kind == "string":
        longest = max((len(v) for v in values), default=0)
        if longest > LONG_TEXT:
            kind = "text"
            flags["searchable"] = True
            notes.append(f"{name}: long text (up to {longest} characters): text, searchable")
        elif plain in NAME_NAMES or plain.startswith(("ten_", "name_")):
            flags.update(searchable=True, sortable=True)
            notes.append(f"{name}: a name: searchable and sortable")
        elif (0 < len(distinct) <= ENUM_MAX and len(distinct) * 2 <= len(values)
              and longest <= ENUM_VALUE_MAX):
            enum = tuple(sorted(distinct))
            flags["filterable"] = True
            notes.append(f"{name}: {len(distinct)} distinct value{'s' * (len(distinct) > 1)}: "
                         "an enum, filterable")
    elif kind in ("integer", "number", "date", "datetime"):
        flags["sortable"] = True
    elif kind == "boolean":
        flags["filterable"] = True
    field = Field(name, kind, name, name, enum=enum, example=_example(values), **flags)
    return _Column(column, field, unique, complete)


def _i18n_field(name: str, frame: pd.DataFrame, pair: tuple[str, str],
                notes: list[str]) -> _Column:
    vi = frame[pair[0]]
    complete = bool(vi.notna().all())
    notes.append(f"{name}: columns {pair[0]} and {pair[1]} form one bilingual (i18n) field")
    flags = {"searchable": True, "sortable": True} if plain_name(name) in NAME_NAMES else {}
    example = {"vi": plain_value(vi.dropna().iloc[0]) if vi.notna().any() else None,
               "en": plain_value(frame[pair[1]].dropna().iloc[0])
               if frame[pair[1]].notna().any() else None}
    return _Column(pair[0][:-3], Field(name, "i18n", name, name, required=complete,
                                       example=example, **flags), False, complete)


def _columns(frame: pd.DataFrame, geometry_name: str | None,
             notes: list[str]) -> list[_Column]:
    columns = [c for c in frame.columns if c != geometry_name]
    pairs = _i18n_pairs(columns)
    paired = {c for pair in pairs.values() for c in pair}
    singles = [c for c in columns if c not in paired]
    names = field_names([*singles, *pairs])
    out = []
    for column in columns:
        if column in paired:
            base = next((b for b, pair in pairs.items() if column == pair[0]), None)
            if base is not None:  # the _vi column stands for the pair; its _en twin is skipped
                out.append(_i18n_field(names[base], frame, pairs[base], notes))
            continue
        if names[column] != column:
            notes.append(f"column {column!r} is the field {names[column]}")
        out.append(_infer_field(names[column], column, frame[column], notes))
    return out


def _id_like(name: str) -> int | None:
    """Rank of an id-like field name (lower is better); None for other names."""
    if name in ID_NAMES:
        return ID_NAMES.index(name)
    if any(p.search(name) for p in ID_AFFIXES):
        return len(ID_NAMES)
    return None


def _id_field(columns: list[_Column], notes: list[str]) -> tuple[list[_Column], str, bool]:
    """The id field (unique, never empty, string or integer), or a generated one."""
    candidates = sorted((rank, i) for i, c in enumerate(columns)
                        if (rank := _id_like(c.field.name)) is not None and c.unique
                        and c.complete and c.field.type in ("string", "integer"))
    if candidates:
        chosen = columns[candidates[0][1]]
        notes.append(f"id field: {chosen.field.name} (unique and never empty)")
        chosen.field = replace(chosen.field, required=True, enum=None, filterable=False)
        _rename_other_id(columns, chosen.field.name, notes)
        return columns, chosen.field.name, False
    name = "id" if all(c.field.name != "id" for c in columns) else "record_id"
    _rename_other_id(columns, name, notes)
    notes.append(f"id field: none is unique and never empty, so records are numbered 1, 2, … "
                 f"in file order as {name} (source.generated_id); declare an id field if the "
                 "file has one")
    generated = Field(name, "integer", "Số thứ tự bản ghi", "Record number", required=True,
                      example=1)
    return [_Column(name, generated, True, True), *columns], name, True


def _rename_other_id(columns: list[_Column], id_field: str, notes: list[str]) -> None:
    """A column named ``id`` that is not the id becomes the field ``id_value`` (every table's
    ``id`` column holds the id field)."""
    if id_field == "id":
        return
    for c in columns:
        if c.field.name == "id":
            c.field = replace(c.field, name="id_value", vi="id_value", en="id_value")
            notes.append(f"column {c.column!r} is not unique or has empty values: the field "
                         "id_value")


def _time_field(columns: list[_Column], notes: list[str]) -> str | None:
    times = [c.field.name for c in columns if c.field.type in ("date", "datetime")]
    named = [n for n in times if TIME_NAMES.search(n)]
    chosen = times[0] if len(times) == 1 else (named[0] if len(named) == 1 else None)
    if chosen:
        notes.append(f"time field: {chosen}")
    elif times:
        notes.append(f"time field: none chosen among {', '.join(times)} (set time_field)")
    return chosen


def _commune_field(columns: list[_Column], notes: list[str]) -> str | None:
    for c in columns:
        if c.field.name in COMMUNE_NAMES and c.field.type == "string":
            c.field = replace(c.field, filterable=True)
            notes.append(f"commune field: {c.field.name}")
            return c.field.name
    return None


def _geometry(read: ReadResult, notes: list[str]) -> tuple[str | None, str]:
    """Geometry type and native CRS of a spatial file."""
    if not read.spatial:
        notes.append("no geometry: a table of records")
        return None, "OGC:CRS84"
    geometry = read.frame.geometry
    kinds = frozenset(geometry[~(geometry.isna() | geometry.is_empty)].geom_type)
    geometry_type = GEOMETRY_TYPES.get(kinds, "Geometry")
    notes.append(f"geometry: {geometry_type}" + ("" if kinds and geometry_type != "Geometry"
                 else f" (the file holds {', '.join(sorted(kinds)) or 'no geometries'})"))
    if read.crs:
        return geometry_type, read.crs
    if geometry.crs is None:
        notes.append("native CRS: the file names none; taken as OGC:CRS84 (lon/lat)")
        return geometry_type, "OGC:CRS84"
    crs = canonical_crs(geometry.crs)
    if crs is None:
        raise ReadError(f"the file's CRS ({geometry.crs.name}) has no EPSG code; say one "
                        "with --crs")
    notes.append(f"native CRS: {crs} ({geometry.crs.name}), from the file")
    return geometry_type, crs


def field_summary(field: Field, column: str) -> str:
    """``field name: type, flags`` (and its column when named differently)."""
    flags = [flag for flag in ("required", "filterable", "sortable", "searchable")
             if getattr(field, flag)]
    where = f" (column {column!r})" if column != field.name else ""
    return f"field {field.name}{where}: {', '.join([field.type, *flags])}"


def infer_declaration(read: ReadResult, collection_id: str, file_name: str,
                      title: str | None = None) -> Inferred:
    """The declaration of ``read`` published as ``collection_id`` from ``file_name``."""
    notes = list(read.notes)
    frame = read.frame
    geometry_type, native_crs = _geometry(read, notes)
    geometry_name = frame.geometry.name if read.spatial else None
    columns = _columns(frame, geometry_name, notes)
    columns, id_field, generated = _id_field(columns, notes)
    time_field = _time_field(columns, notes)
    commune_field = _commune_field(columns, notes)
    notes.extend(field_summary(c.field, c.column) for c in columns)
    notes.append("labels (vi/en) are the field names: edit them in metadata.yaml")
    text = title or collection_id
    collection = Collection(
        id=collection_id, title={"vi": text, "en": text}, description={"vi": text, "en": text},
        fields=tuple(c.field for c in columns), id_field=id_field, geometry_type=geometry_type,
        time_field=time_field, commune_field=commune_field, native_crs=native_crs)
    source = Source(file=file_name, layer=read.layer, x=read.x, y=read.y, wkt=read.wkt,
                    crs=read.crs, separator=read.separator, encoding=read.encoding,
                    generated_id=generated,
                    columns=tuple((c.field.name, c.column) for c in columns
                                  if c.column != c.field.name))
    return Inferred(Declaration(collection, Catalog(), source), tuple(notes))
