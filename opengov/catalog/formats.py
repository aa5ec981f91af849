"""Download formats: how each one is streamed or written to a file.

Text formats (CSV, GeoJSON, NDJSON) stream straight from stored bytes; file formats (GeoPackage,
GeoParquet, FlatGeobuf, zipped Shapefile) are written from a (Geo)DataFrame. Every writer
produces the same bytes for the same rows and ``stamp`` (the dataset version's time).
"""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from opengov.catalog import frames
from opengov.collections import Collection
from opengov.encoders import csv as csv_encoder

Batches = Callable[[list[str] | None], Iterable[list]]  # columns → batches of rows


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    media_type: str
    spatial_only: bool = False
    streams: bool = False  # filtered subsets stream; others are built to a file


FORMATS = {f.name: f for f in (
    Format("csv", "csv", "text/csv; charset=utf-8", streams=True),
    Format("geojson", "geojson", "application/geo+json", spatial_only=True, streams=True),
    Format("ndjson", "ndjson", "application/x-ndjson", streams=True),
    Format("gpkg", "gpkg", "application/geopackage+sqlite3", spatial_only=True),
    Format("parquet", "parquet", "application/vnd.apache.parquet"),
    Format("fgb", "fgb", "application/flatgeobuf", spatial_only=True),
    Format("shp.zip", "shp.zip", "application/zip", spatial_only=True),
)}


def offered(collection: Collection) -> list[Format]:
    """The formats a collection can be downloaded in."""
    return [f for f in FORMATS.values() if collection.spatial or not f.spatial_only]


# -- streamed text formats ------------------------------------------------------------------------
def csv_chunks(collection: Collection, batches: Batches, *, bom: bool = False) -> Iterator[bytes]:
    """CSV (RFC 4180, UTF-8; a byte-order mark for Excel when ``bom``)."""
    records = (row for batch in batches(frames.columns(collection)) for row in batch)
    for text in csv_encoder.rows(collection, records, bom=bom):
        yield text.encode()


def geojson_chunks(collection: Collection, batches: Batches) -> Iterator[bytes]:
    """A FeatureCollection joined from the stored feature bytes."""
    yield b'{"type":"FeatureCollection","features":['
    first = True
    for batch in batches(None):
        yield (b"" if first else b",") + b",".join(batch)
        first = False
    yield b"]}\n"


def ndjson_chunks(collection: Collection, batches: Batches) -> Iterator[bytes]:
    """One stored feature (or record) per line."""
    for batch in batches(None):
        yield b"\n".join(batch) + b"\n"


def stream(fmt: str, collection: Collection, batches: Batches, *, bom: bool = False
           ) -> Iterator[bytes]:
    if fmt == "csv":
        return csv_chunks(collection, batches, bom=bom)
    if fmt == "geojson":
        return geojson_chunks(collection, batches)
    return ndjson_chunks(collection, batches)


# -- file formats ---------------------------------------------------------------------------------
_GDAL_LOCK = threading.Lock()  # OGR_CURRENT_DATE is process-wide GDAL configuration


def _gdal_write(df, path: Path, driver: str, stamp: datetime, **options) -> None:
    import pyogrio

    # GeoPackage stores "last change" times; GDAL takes them from OGR_CURRENT_DATE when set,
    # which makes the file reproducible (GDAL GPKG driver documentation, config options).
    with _GDAL_LOCK:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp.strftime("%Y-%m-%dT%H:%M:%SZ")})
        try:
            pyogrio.write_dataframe(df, path, driver=driver, **options)
        finally:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})


def _shapefile_names(df) -> dict[str, str]:
    """dBase allows 10-character column names: truncate, keeping names unique."""
    out, used = {}, set()
    for name in df.columns:
        if name == "geometry":
            continue
        short, n = name[:10], 1
        while short in used:
            suffix = str(n)
            short, n = name[: 10 - len(suffix)] + suffix, n + 1
        used.add(short)
        out[name] = short
    return out


def _zip(members: list[Path], path: Path, stamp: datetime) -> None:
    """A zip whose entries carry ``stamp``, not the build time, so it is reproducible."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member in sorted(members):
            info = zipfile.ZipInfo(member.name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, member.read_bytes())


def write_file(fmt: str, collection: Collection, batches: Batches, path: Path,
               stamp: datetime) -> None:
    """Write the whole selection to ``path`` in ``fmt``."""
    if fmt in FORMATS and FORMATS[fmt].streams:
        with path.open("wb") as fh:
            for chunk in stream(fmt, collection, batches):
                fh.write(chunk)
        return
    df = frames.frame(collection, batches(frames.columns(collection)))
    if fmt == "parquet":
        if collection.spatial:
            df.to_parquet(path, index=False, schema_version="1.1.0", write_covering_bbox=True)
        else:
            df.to_parquet(path, index=False)
    elif fmt == "gpkg":
        _gdal_write(df, path, "GPKG", stamp, layer=collection.id.replace("-", "_"))
    elif fmt == "fgb":
        _gdal_write(df, path, "FlatGeobuf", stamp)
    elif fmt == "shp.zip":
        folder = path.with_suffix(".parts")
        folder.mkdir(exist_ok=True)
        stem = collection.id.replace("-", "_")
        for name in df.select_dtypes(include=["datetimetz"]).columns:  # dBase has no time zones
            df[name] = df[name].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        df = df.rename(columns=_shapefile_names(df))
        _gdal_write(df, folder / f"{stem}.shp", "ESRI Shapefile", stamp, encoding="UTF-8")
        _zip(list(folder.iterdir()), path, stamp)
        for member in folder.iterdir():
            member.unlink()
        folder.rmdir()
    else:
        raise ValueError(f"unknown format {fmt!r}")
