"""Reading a declared collection's file in batches, so that ``opengov load`` holds one batch
in memory at a time (docs/declare.md#streaming): GeoParquet and Parquet through
``ParquetFile.iter_batches``, the GDAL formats through pyogrio's Arrow stream, CSV through
pandas' chunked reader (:func:`.readers.csv_chunks`); XLSX is read whole, then cut."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from opengov.declare.readers import (
    ReadError,
    ReadResult,
    csv_chunks,
    file_format,
    layer_names,
    pick_layer,
    read_file,
    read_source,
    unreadable,
)

BATCH_SIZE = 25_000


@dataclass
class Batch:
    """Consecutive records of a file: their attribute columns, their geometries (shapely, in
    ``crs``; None for a table) and the number of the first record (1-based)."""

    frame: pd.DataFrame
    geometry: object  # numpy array of shapely geometries, or None
    crs: str | None
    start: int


def _geo_metadata(schema) -> dict | None:
    raw = (schema.metadata or {}).get(b"geo")
    return json.loads(raw) if raw else None


def _parquet_crs(column: dict) -> str | None:
    """The CRS of a GeoParquet column: PROJJSON, absent (= OGC:CRS84 by the spec) or null."""
    from pyproj import CRS

    if "crs" not in column:
        return "OGC:CRS84"
    if column["crs"] is None:
        return None
    return CRS.from_json_dict(column["crs"]).to_wkt()


def _arrow_batches(batches, geometry_column: str | None, crs: str | None, start: int = 1):
    """Arrow record batches as :class:`Batch` es (``geometry_column``: WKB)."""
    import shapely

    for record_batch in batches:
        frame = record_batch.to_pandas()
        geometry = None
        if geometry_column is not None:
            geometry = shapely.from_wkb(frame.pop(geometry_column).to_numpy())
        yield Batch(frame, geometry, crs, start)
        start += len(frame)


def _parquet_batches(path: Path, size: int):
    import pyarrow
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except pyarrow.ArrowException as exc:
        raise unreadable(path, "parquet", exc) from None
    geo = _geo_metadata(parquet.schema_arrow)
    if geo is None:
        yield from _arrow_batches(parquet.iter_batches(batch_size=size), None, None)
        return
    name = geo["primary_column"]
    column = geo["columns"][name]
    if column.get("encoding", "WKB").upper() != "WKB":  # GeoArrow encodings: read whole
        yield from _frame_batches(read_file(path), size)
        return
    yield from _arrow_batches(parquet.iter_batches(batch_size=size), name, _parquet_crs(column))


def _gdal_batches(path: Path, fmt: str, layer: str | None, size: int):
    import pyogrio
    import pyogrio.raw

    gdal_path = f"/vsizip/{path}" if fmt == "shp.zip" else str(path)
    if layer is None and fmt in ("gpkg", "shp.zip"):
        layer = pick_layer(path, gdal_path, None, [])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # said once by opengov add
            with pyogrio.raw.open_arrow(gdal_path, layer=layer, batch_size=size,
                                        use_pyarrow=True, datetime_as_string=True) as (
                    meta, reader):
                geometry = meta["geometry_name"] or "wkb_geometry"
                if meta["geometry_type"] is None:
                    geometry = None
                yield from _arrow_batches(reader, geometry, meta["crs"])
    except pyogrio.errors.DataSourceError as exc:
        raise unreadable(path, fmt, exc) from None


def _frame_batches(read: ReadResult, size: int, first: int = 1):
    """A file read whole (XLSX) or a chunk of it (CSV) cut into batches; ``first``: the
    number of its first record."""
    frame = read.frame
    geometry, crs = None, None
    if read.spatial:
        geometry = frame.geometry.to_numpy()
        crs = frame.crs.to_wkt() if frame.crs is not None else None
        frame = pd.DataFrame(frame.drop(columns=[frame.geometry.name]))
    for offset in range(0, max(len(frame), 1), size):
        part = frame.iloc[offset:offset + size].reset_index(drop=True)
        yield Batch(part, None if geometry is None else geometry[offset:offset + size], crs,
                    first + offset)


def record_count(folder: Path, source) -> int | None:
    """How many records the declared file holds, when that is known without reading it."""
    import pyarrow.parquet as pq
    import pyogrio

    path = Path(folder) / source.file
    fmt = file_format(path)
    try:
        if fmt == "parquet":
            return pq.ParquetFile(path).metadata.num_rows
        if fmt in ("gpkg", "fgb"):  # counted from their headers (GeoJSON would be parsed)
            gdal_path = str(path)
            layer = source.layer
            if layer is None and fmt == "gpkg":
                layer = layer_names(gdal_path)[0]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                count = pyogrio.read_info(gdal_path, layer=layer)["features"]
            return count if count >= 0 else None
    except Exception:  # noqa: BLE001 - a count is only for the progress bar
        return None
    return None


def iter_batches(folder: Path, source, size: int = BATCH_SIZE):
    """The records of a declared collection's file in :class:`Batch` es of ``size``: GeoParquet
    and Parquet through ``ParquetFile.iter_batches``, the GDAL formats through pyogrio's Arrow
    stream, CSV in chunks, so memory holds one batch at a time; XLSX is read whole, then
    cut."""
    path = Path(folder) / source.file
    if not path.is_file():
        raise ReadError(f"{path}: the declared data file does not exist")
    fmt = file_format(path)
    if fmt == "parquet":
        yield from _parquet_batches(path, size)
    elif fmt == "csv":
        for chunk in csv_chunks(folder, source, size):
            yield from _frame_batches(chunk, size, int(chunk.frame.index[0]) + 1 if len(
                chunk.frame) else 1)
    elif fmt == "xlsx":
        yield from _frame_batches(read_source(folder, source), size)
    else:
        yield from _gdal_batches(path, fmt, source.layer, size)
