"""CKAN's ``datastore_search`` over a collection: the rows of its CSV download, queried.

The table of a dataset is its CSV (same columns, same cells: ``name_vi``/``name_en``,
``lon``/``lat`` or ``wkt``), so what a client reads through the DataStore and what it
downloads agree. Arguments and answer follow CKAN 2.10's ``datastore_search``
(https://docs.ckan.org/en/2.10/maintaining/datastore.html#ckanext.datastore.logic.action.datastore_search):
``filters`` (column → value or list of values), ``q`` (full text: the collection's own
search, folding case and Vietnamese diacritics), ``fields``, ``sort`` (``"col desc, col2"``),
``limit`` (default 100, at most 32,000 as CKAN's ``ckan.datastore.search.rows_max``),
``offset``, ``include_total`` and ``records_format`` (``objects``, ``lists``, ``csv``,
``tsv``). CKAN's internal ``_id`` column has no counterpart: ``id`` is the key.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from opengov import query as q
from opengov.collections import Collection, Field
from opengov.encoders import csv as csv_encoder
from opengov.errors import ApiError
from opengov.geo.geojson import dumps
from opengov.store.filters import FilterError
from opengov.store.repository import Store

DEFAULT_LIMIT = 100
ROWS_MAX = 32000  # CKAN's default ckan.datastore.search.rows_max
LARGEST = 2**31 - 1  # limit and offset above this are refused (SQL integers)
RECORDS_FORMATS = ("objects", "lists", "csv", "tsv")
#: CKAN DataStore column types (PostgreSQL names, as datastore_search reports them)
_CKAN_TYPES = {"string": "text", "text": "text", "integer": "int", "number": "numeric",
               "boolean": "bool", "datetime": "timestamp", "date": "date", "array": "json",
               "object": "json"}


@dataclass(frozen=True)
class Column:
    """One column of a dataset's table: its CSV name, CKAN type and the field behind it."""

    name: str
    ckan_type: str
    field_type: str  # the registry type ("string" for both halves of an i18n field)
    filterable: bool
    label: str = ""
    notes: str = ""

    def describe(self) -> dict:
        """The column as CKAN lists it in ``fields`` (``info`` is CKAN's data dictionary)."""
        return {"id": self.name, "type": self.ckan_type,
                "info": {"label": self.label, "notes": self.notes}}


def _labels(f: Field, name: str) -> tuple[str, str]:
    if f.type != "i18n":
        return f.vi, f.en
    lang = name.rsplit("_", 1)[-1]
    return f"{f.vi} ({lang})", f"{f.en} ({'Vietnamese' if lang == 'vi' else 'English'})"


def columns(collection: Collection) -> list[Column]:
    """The table's columns, in CSV order (the CSV encoder's header)."""
    out = [Column("id", "text", "string", True, "id", "Record identifier")]
    for f in collection.fields:
        if f.name == "id":
            continue
        kind = "string" if f.type == "i18n" else f.type
        out += [Column(name, _CKAN_TYPES[kind], kind, f.scalar or f.type == "i18n",
                       *_labels(f, name)) for name in f.columns]
    if collection.geometry_type == "Point":
        out += [Column("lon", "numeric", "number", False, "lon", "Longitude (WGS 84)"),
                Column("lat", "numeric", "number", False, "lat", "Latitude (WGS 84)")]
    elif collection.spatial:
        out.append(Column("wkt", "text", "string", False, "wkt",
                          "Geometry as WKT (WGS 84, lon lat)"))
    return out


def invalid(**errors: str) -> ApiError:
    """A CKAN ``Validation Error`` naming the offending arguments."""
    detail = "; ".join(f"{k}: {v}" for k, v in errors.items())
    return ApiError(409, f"Invalid datastore_search arguments ({detail}).",
                    errors=[{"field": k, "messages": [v]} for k, v in errors.items()])


def _text(value: object) -> str:
    """A filter value as the text the filter compiler coerces (JSON scalars only)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise invalid(filters=f"{value!r} is not a text, number or boolean")


def _filter(table: dict[str, Column], filters: dict) -> q.Filter | None:
    """``{"col": value}`` is equality, ``{"col": [v1, v2]}`` membership; all must hold."""
    parts: list[q.Filter] = []
    for name, value in filters.items():
        column = table.get(name)
        if column is None or not column.filterable:
            raise invalid(filters=f'field "{name}" not in table' if column is None
                          else f'field "{name}" cannot be filtered on')
        if isinstance(value, list):
            if not value:
                raise invalid(filters=f'field "{name}" has an empty list of values')
            parts.append(q.In(name, tuple(_text(v) for v in value)))
        else:
            parts.append(q.Compare(name, "=", _text(value)))
    return q.all_of(*parts)


def _sort(table: dict[str, Column], sort: str) -> tuple[q.SortKey, ...]:
    """``"name_vi, level desc"`` as sort keys (the key ``id`` always breaks ties)."""
    keys = []
    for part in (p.strip() for p in sort.split(",")):
        if not part:
            continue
        name, _, direction = part.partition(" ")
        direction = direction.strip().lower() or "asc"
        column = table.get(name.strip('"'))
        if column is None or not column.filterable or direction not in ("asc", "desc"):
            raise invalid(sort=f'field "{part}" not in table' if column is None
                          else f'cannot sort by "{part}"')
        keys.append(q.SortKey(column.name, direction == "desc"))
    return tuple(keys)


def _json_value(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat().replace("+00:00", "Z")
    return value


def _row(collection: Collection, record: tuple) -> list[object]:
    """A record tuple as JSON values in column order (geometry as the CSV writes it)."""
    values = list(record)
    if not collection.spatial:
        return [_json_value(v) for v in values]
    geometry = csv_encoder.geometry_cells(collection, values[-1])
    return [_json_value(v) for v in values[:-1]] + [None if c == "" else c for c in geometry]


def _text_cell(value: object) -> object:
    """A JSON value as a CSV cell: booleans and lists as the CSV download writes them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return dumps(value)
    return value


def _delimited(rows: list[list[object]], delimiter: str) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerows([_text_cell(v) for v in row] for row in rows)
    return buf.getvalue()


def search(store: Store, collection: Collection, args: dict, resource_id: str,
           action_path: str) -> dict:
    """The ``result`` of ``datastore_search`` over ``collection``."""
    table = {c.name: c for c in columns(collection)}
    fmt = args.get("records_format") or "objects"
    if fmt not in RECORDS_FORMATS:
        raise invalid(records_format=f"must be one of {', '.join(RECORDS_FORMATS)}")
    wanted = args.get("fields") or list(table)
    unknown = [n for n in wanted if n not in table]
    if unknown:
        raise invalid(fields=f'field "{unknown[0]}" not in table')
    text = args.get("q") or ""
    if not isinstance(text, str):
        raise invalid(q="give the words as text (searching one column is not supported)")
    if text.strip() and not any(f.searchable for f in collection.fields):
        raise invalid(q=f"{collection.id} has no full-text index; use filters")
    limit, offset = min(args.get("limit", DEFAULT_LIMIT), ROWS_MAX), args.get("offset", 0)
    query = q.Query(filter=_filter(table, args.get("filters") or {}),
                    sort=_sort(table, args.get("sort") or "") or (q.SortKey("id"),),
                    search=text.strip() or None, limit=limit, offset=offset)
    repo = store.repo(collection.id)
    version = repo.state().version
    try:
        page = repo.page(query, version, with_count=args.get("include_total", True),
                         columns=csv_encoder.source_columns(collection))
    except FilterError as exc:
        raise invalid(filters=str(exc)) from exc
    positions = [list(table).index(n) for n in wanted]
    rows = [[row[i] for i in positions] for row in (_row(collection, r) for r in page.items)]
    result: dict = {
        "resource_id": resource_id, "include_total": page.number_matched is not None,
        "limit": limit, "offset": offset, "records_format": fmt,
        "total_estimation_threshold": None,
        "fields": [table[n].describe() for n in wanted],
        "_links": _links(action_path, args, resource_id, limit, offset),
    }
    if page.number_matched is not None:
        result["total"], result["total_was_estimated"] = page.number_matched, False
    for name, value in (("q", text), ("sort", args.get("sort")),
                        ("filters", args.get("filters"))):
        if value:
            result[name] = value
    if fmt == "objects":
        result["records"] = [dict(zip(wanted, r, strict=True)) for r in rows]
    elif fmt == "lists":
        result["records"] = rows
    else:
        result["records"] = _delimited(rows, "," if fmt == "csv" else "\t")
    return result


def _links(path: str, args: dict, resource_id: str, limit: int, offset: int) -> dict:
    """CKAN's ``_links``: ``start`` and ``next`` as paths with the same arguments."""
    keep = {"resource_id": resource_id}
    if limit != DEFAULT_LIMIT:
        keep["limit"] = str(limit)
    for name in ("q", "sort", "records_format"):
        if args.get(name):
            keep[name] = args[name]
    if args.get("filters"):
        keep["filters"] = dumps(args["filters"])
    if args.get("fields"):
        keep["fields"] = ",".join(args["fields"])
    return {"start": f"{path}?{urlencode(keep)}",
            "next": f"{path}?{urlencode({**keep, 'offset': offset + limit})}"}
