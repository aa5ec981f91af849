"""CSV (RFC 4180, UTF-8): i18n fields as ``name_vi``/``name_en``, lists as JSON text."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime

import shapely

from opengov.collections import Collection
from opengov.geo.geojson import dumps


def header(collection: Collection) -> list[str]:
    """CSV column names of a collection, geometry last (lon/lat for points, else WKT)."""
    cols = ["id"]
    for f in collection.fields:
        if f.name != "id":
            cols.extend(f.columns)
    if collection.geometry_type == "Point":
        cols += ["lon", "lat"]
    elif collection.spatial:
        cols.append("wkt")
    return cols


def source_columns(collection: Collection) -> list[str]:
    """Table columns to select, in the order :func:`rows` expects."""
    cols = ["id"]
    for f in collection.fields:
        if f.name != "id":
            cols.extend(f.columns)
    if collection.spatial:
        cols.append("geom")
    return cols


# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def text_cell(text: str) -> str:
    """``text`` safe to open in a spreadsheet: a leading ``'`` when it would start a formula.

    Text that is just a number (``-5``, ``+84 …`` without the spaces) is not a formula and is
    kept; numbers themselves (int, float) never pass through here.
    """
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, list | dict):
        return dumps(value)
    if isinstance(value, str):
        return text_cell(value)
    return value


def geometry_cells(collection: Collection, wkb: bytes | None) -> list[object]:
    if wkb is None:
        return ["", ""] if collection.geometry_type == "Point" else [""]
    geom = shapely.from_wkb(wkb)
    if collection.geometry_type == "Point":
        return [round(geom.x, 6), round(geom.y, 6)]
    return [shapely.to_wkt(geom, rounding_precision=6, trim=True)]


def rows(collection: Collection, records: Iterable[tuple], *, bom: bool = False) -> Iterator[str]:
    """Stream CSV text: a header line, then one line per record tuple."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header(collection))
    yield ("\ufeff" if bom else "") + buf.getvalue()
    for record in records:
        buf.seek(0)
        buf.truncate()
        writer.writerow(cells(collection, record))
        yield buf.getvalue()


def cells(collection: Collection, record: tuple) -> list[object]:
    """One record tuple (:func:`source_columns` order) as the cells of its CSV row."""
    values = list(record)
    out = [_cell(v) for v in (values[:-1] if collection.spatial else values)]
    if collection.spatial:
        out += geometry_cells(collection, values[-1])
    return out
