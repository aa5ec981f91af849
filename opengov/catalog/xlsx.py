"""XLSX (Office Open XML spreadsheet) of a table, reproducible byte for byte.

One sheet named after the dataset, a header row (the CSV's columns) and one row per record,
written with openpyxl's write-only mode (rows go to a temporary file, not to memory). Cells keep
their types: numbers, booleans, dates and UTC times (Excel has no time zones, so times are
written in UTC); lists and objects are JSON text; points are ``lon``/``lat`` columns.

openpyxl stamps the save time into ``docProps/core.xml`` and into every zip entry; both are
replaced by the dataset version's time, so two builds of one version are identical.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from opengov.catalog.zipfiles import rezip
from opengov.collections import Collection
from opengov.encoders import csv as csv_encoder
from opengov.geo.geojson import dumps

# openpyxl is imported by the functions that write (it costs ≈ 0.3 s, and this module is
# imported by every command that lists the capabilities' collections, e.g. `opengov load`).
# The control characters XML 1.0 cannot carry, as openpyxl's ``ILLEGAL_CHARACTERS_RE``.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel specifications and limits: 1,048,576 rows per sheet and 32,767 characters per cell.
MAX_ROWS = 1_048_576
MAX_RECORDS = MAX_ROWS - 1  # below the header row
MAX_CELL = 32_767
REPLACEMENT = "\ufffd"


class XlsxLimit(ValueError):
    """The table does not fit in a sheet (too many rows or too long a cell)."""


def fits(collection: Collection, record_count: int) -> str | None:
    """Why this dataset cannot be a spreadsheet, or None when it can."""
    if collection.spatial and collection.geometry_type != "Point":
        return ("XLSX is offered for tables and points only: these geometries do not fit in "
                "a spreadsheet cell; use gpkg, parquet or geojson")
    if record_count > MAX_RECORDS:
        return (f"{collection.id} has {record_count:,} records and a sheet holds at most "
                f"{MAX_RECORDS:,} below its header (Excel's limit); use csv or parquet")
    return None


def _value(value: object) -> object:
    if isinstance(value, datetime):
        return _utc_naive(value)
    if isinstance(value, list | dict):
        value = dumps(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, value)  # XML 1.0 cannot carry them
        if len(value) > MAX_CELL:
            raise XlsxLimit(f"a cell of {len(value):,} characters exceeds Excel's {MAX_CELL:,}")
    return value


def _utc_naive(value: datetime) -> datetime:
    return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


def _cells(sheet, collection: Collection, record: tuple) -> list:
    values = list(record)
    geometry = values.pop() if collection.spatial else None
    out = []
    for value in values:
        value = _value(value)
        if isinstance(value, str) and value.startswith("="):
            from openpyxl.cell import WriteOnlyCell

            cell = WriteOnlyCell(sheet, value)
            cell.data_type = "s"  # text, never a formula: no spreadsheet injection
            value = cell
        out.append(value)
    if collection.spatial:
        out += csv_encoder.geometry_cells(collection, geometry)
    return out


def write(collection: Collection, batches: Callable[[list[str]], Iterable[list[tuple]]],
          path: Path, stamp: datetime) -> int:
    """Write every row to the spreadsheet ``path``; the number of records written."""
    from openpyxl import Workbook
    from openpyxl.xml.functions import tostring

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=collection.id[:31])
    sheet.freeze_panes = "A2"
    fixed = _utc_naive(stamp).replace(microsecond=0)
    book.properties.creator = "opengov"
    book.properties.created = fixed
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        raw = Path(tmp) / "raw.xlsx"
        try:
            count = _fill(sheet, collection, batches)
        finally:
            book.save(raw)  # ends the sheet's XML stream, after an error too; it stamps
        book.properties.modified = fixed  # properties.modified, which core.xml gets back
        core = tostring(book.properties.to_tree())
        rezip(raw, path, stamp, replace={"docProps/core.xml": core})
    return count


def _fill(sheet, collection: Collection, batches) -> int:
    sheet.append(csv_encoder.header(collection))
    count = 0
    for batch in batches(csv_encoder.source_columns(collection)):
        count += len(batch)
        if count > MAX_RECORDS:
            raise XlsxLimit(f"{collection.id} has more than {MAX_RECORDS:,} records")
        for record in batch:
            sheet.append(_cells(sheet, collection, record))
    return count
