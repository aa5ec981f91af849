"""A declared collection's records: the rows of its file turned into the values its fields
declare, with the geometry in CRS84 (the store's coordinates).

Text cells (CSV) become integers, numbers, booleans, dates and date-times as declared;
date-times without a UTC offset are read as Vietnam time (UTC+07:00, no daylight saving).
A value that does not fit fails with the file, the record number, the field and the reason.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from opengov.collections import Field
from opengov.declare.batches import Batch
from opengov.declare.infer import INTEGER, NUMBER, iso_datetime, plain_value
from opengov.declare.model import Declaration
from opengov.declare.readers import ReadError

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
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
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
    return value


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


def _check_columns(declaration: Declaration, present: set[str], file: str) -> None:
    src = declaration.source
    for f in declaration.collection.fields:
        if src.generated_id and f.name == declaration.collection.id_field:
            continue
        column = src.column(f.name)
        wanted = (f"{column}_vi", f"{column}_en") if f.type == "i18n" else (column,)
        for name in wanted:
            if name not in present:
                raise ReadError(f"{file}: field {f.name}: no column {name!r} in the file")


TEXT = Field("text", "string", "", "")


def _texts(values: list) -> list:
    """Text cells as :func:`field_value` reads them, without a call per plain string (and
    the list itself when every cell is a non-blank ``str``, checked without a Python loop)."""
    if set(map(type, values)) == {str} and all(map(str.strip, values)):
        return values
    return [(v if v.strip() else None) if v.__class__ is str else field_value(TEXT, v)
            for v in values]


def _column(field: Field, series, file: str, start: int) -> list:
    """``series`` converted to ``field``'s type (a fast path for columns already of it)."""
    kind = series.dtype.kind
    if field.type in ("string", "text") and kind in "OTU":
        return _texts(series.tolist())
    if (field.type == "integer" and kind in "iu") or (field.type == "boolean" and kind == "b"):
        return series.tolist()
    if field.type == "number" and kind in "fiu":
        return [None if v != v else v for v in series.tolist()]
    out = []
    for number, value in enumerate(series.tolist(), start):
        try:
            out.append(field_value(field, value))
        except ValueMismatch as exc:
            raise ReadError(f"{file}: record #{number}: {field.name}: {exc}") from None
    return out


def batch_columns(declaration: Declaration, batch: Batch, file: str) -> dict[str, list]:
    """Every field's values for the records of ``batch``, converted to the declared types
    (``i18n``: ``{vi, en}`` dicts; a generated id: the record numbers)."""
    collection, src = declaration.collection, declaration.source
    frame = batch.frame
    _check_columns(declaration, set(map(str, frame.columns)), file)
    if collection.spatial and batch.geometry is None:
        raise ReadError(f"{file}: the declaration has a geometry_type but the file has no "
                        "geometry")
    numbers = range(batch.start, batch.start + len(frame))
    columns: dict[str, list] = {}
    for f in collection.fields:
        if src.generated_id and f.name == collection.id_field:
            columns[f.name] = list(numbers) if f.type == "integer" else [str(n) for n in numbers]
        elif f.type == "i18n":
            column = src.column(f.name)
            vi, en = (_column(TEXT, frame[f"{column}_{lang}"], file, batch.start)
                      for lang in ("vi", "en"))
            columns[f.name] = [{"vi": a, "en": b} for a, b in zip(vi, en, strict=True)]
        else:
            columns[f.name] = _column(f, frame[src.column(f.name)], file, batch.start)
    return columns
