"""A declared collection's records: the rows of its file turned into the values its fields
declare, with the geometry in CRS84 (the store's coordinates).

Text cells (CSV) become integers, numbers, booleans, dates and date-times as declared;
date-times without a UTC offset are read as Vietnam time (UTC+07:00, no daylight saving).
A value that does not fit fails with the file, the record number, the field and the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

from opengov.collections import Field
from opengov.declare.infer import INTEGER, NUMBER, iso_datetime, plain_value
from opengov.declare.model import Declaration
from opengov.declare.readers import ReadError, ReadResult

VIETNAM = timezone(timedelta(hours=7), "ICT")


class ValueMismatch(ValueError):
    """A value that does not fit its field's declared type."""


def _integer(value):
    if isinstance(value, bool):
        raise ValueMismatch(f"expected an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and INTEGER.match(value.strip()):
        return int(value)
    raise ValueMismatch(f"expected an integer, got {value!r}")


def _number(value):
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and NUMBER.match(value.strip()):
        return float(value)
    raise ValueMismatch(f"expected a number, got {value!r}")


def _boolean(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueMismatch(f"expected true or false, got {value!r}")


def _date(value):
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ValueMismatch(f"expected a date (YYYY-MM-DD), got {value!r}") from None


def _datetime(value):
    if not isinstance(value, datetime):
        try:
            value = iso_datetime(str(value).strip())
        except ValueError:
            raise ValueMismatch(f"expected an ISO 8601 date-time, got {value!r}") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=VIETNAM)
    return value.isoformat()


def _json(kind: type):
    def convert(value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                pass
        if not isinstance(value, kind):
            raise ValueMismatch(f"expected {'a list' if kind is list else 'an object'}, "
                                f"got {value!r}")
        return value
    return convert


CONVERTERS = {"string": str, "text": str, "integer": _integer, "number": _number,
              "boolean": _boolean, "date": _date, "datetime": _datetime, "array": _json(list),
              "object": _json(dict)}


def field_value(field: Field, value):
    """``value`` (as read from a file) converted to ``field``'s declared type; None if empty."""
    value = plain_value(value)
    if isinstance(value, str) and not value.strip():
        return None
    if value is None:
        return None
    if isinstance(value, list | tuple) and field.type != "array":
        raise ValueMismatch(f"expected {field.type}, got a list")
    return CONVERTERS[field.type](value)


def _check_columns(declaration: Declaration, read: ReadResult, file: str) -> None:
    present = set(map(str, read.frame.columns))
    src = declaration.source
    for f in declaration.collection.fields:
        if src.generated_id and f.name == declaration.collection.id_field:
            continue
        column = src.column(f.name)
        wanted = (f"{column}_vi", f"{column}_en") if f.type == "i18n" else (column,)
        for name in wanted:
            if name not in present:
                raise ReadError(f"{file}: field {f.name}: no column {name!r} in the file")


def _check_geometry(geometry, file: str, number: int) -> None:
    import shapely

    if geometry is None or geometry.is_empty:
        raise ReadError(f"{file}: record #{number}: geometry: missing or empty")
    if not geometry.is_valid:
        raise ReadError(f"{file}: record #{number}: geometry: invalid "
                        f"({shapely.is_valid_reason(geometry)})")


def declared_records(declaration: Declaration, read: ReadResult,
                     file: str) -> Iterator[tuple[dict, object]]:
    """(record, CRS84 shapely geometry or None) for every row of ``read``."""
    collection, src = declaration.collection, declaration.source
    _check_columns(declaration, read, file)
    frame = read.frame
    geometries = [None] * len(frame)
    if collection.spatial:
        if not read.spatial:
            raise ReadError(f"{file}: the declaration has a geometry_type but the file has no "
                            "geometry")
        series = frame.geometry
        if series.crs is None:
            series = series.set_crs(collection.native_crs)
        geometries = list(series.to_crs("OGC:CRS84"))
    rows = frame.drop(columns=[frame.geometry.name] if read.spatial else []).to_dict("records")
    for number, (row, geometry) in enumerate(zip(rows, geometries, strict=True), 1):
        record: dict = {}
        for f in collection.fields:
            if src.generated_id and f.name == collection.id_field:
                record[f.name] = number if f.type == "integer" else str(number)
                continue
            column = src.column(f.name)
            try:
                if f.type == "i18n":
                    record[f.name] = {lang: field_value(Field(f.name, "string", "", ""),
                                                        row[f"{column}_{lang}"])
                                      for lang in ("vi", "en")}
                else:
                    record[f.name] = field_value(f, row[column])
            except ValueMismatch as exc:
                raise ReadError(f"{file}: record #{number}: {f.name}: {exc}") from None
        if collection.spatial:
            _check_geometry(geometry, file, number)
        yield record, geometry
