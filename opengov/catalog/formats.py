"""Download formats: how each one is streamed or written to a file.

Text formats (CSV, GeoJSON, NDJSON) stream straight from stored bytes; file formats (GeoPackage,
GeoParquet, FlatGeobuf, zipped Shapefile) are written from a (Geo)DataFrame; XLSX and the zipped
package of related CSV tables are written row by row. Every writer produces the same bytes for
the same rows and ``stamp`` (the dataset version's time).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from opengov.catalog import frames, related, xlsx
from opengov.catalog.zipfiles import write_zip
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
    #: why a dataset (with this many records) cannot have this format, or None
    limit: Callable[[Collection, int], str | None] | None = None
    passes: int = 1  # how many times the writer reads the rows (for progress bars)


def _nested(collection: Collection, record_count: int) -> str | None:
    if related.offered(collection):
        return None
    return "it has no nested lists; the csv download holds every field"


FORMATS = {f.name: f for f in (
    Format("csv", "csv", "text/csv; charset=utf-8", streams=True),
    Format("geojson", "geojson", "application/geo+json", spatial_only=True, streams=True),
    Format("ndjson", "ndjson", "application/x-ndjson", streams=True),
    Format("gpkg", "gpkg", "application/geopackage+sqlite3", spatial_only=True),
    Format("parquet", "parquet", "application/vnd.apache.parquet"),
    Format("fgb", "fgb", "application/flatgeobuf", spatial_only=True),
    Format("shp.zip", "shp.zip", "application/zip", spatial_only=True),
    Format("xlsx", "xlsx", xlsx.MEDIA_TYPE, limit=xlsx.fits),
    Format("datapackage.zip", "datapackage.zip", related.MEDIA_TYPE, limit=_nested, passes=2),
)}


def unavailable(collection: Collection, fmt: str, record_count: int = 0) -> str | None:
    """Why ``collection`` is not offered as ``fmt`` (None when it is)."""
    spec = FORMATS.get(fmt)
    if spec is None:
        return "no such format"
    if spec.spatial_only and not collection.spatial:
        return "it has no geometry"
    return spec.limit(collection, record_count) if spec.limit else None


def offered(collection: Collection, record_count: int = 0) -> list[Format]:
    """The formats a collection (holding ``record_count`` records) can be downloaded in."""
    return [f for f in FORMATS.values() if unavailable(collection, f.name, record_count) is None]


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


def write_file(fmt: str, collection: Collection, batches: Batches, path: Path,
               stamp: datetime, properties: dict | None = None) -> None:
    """Write the whole selection to ``path`` in ``fmt`` (``properties``: the dataset's
    package-level metadata, for formats that carry a descriptor)."""
    if fmt in FORMATS and FORMATS[fmt].streams:
        with path.open("wb") as fh:
            for chunk in stream(fmt, collection, batches):
                fh.write(chunk)
        return
    if fmt == "xlsx":
        xlsx.write(collection, batches, path, stamp)
        return
    if fmt == "datapackage.zip":
        related.write(collection, batches, path, stamp, properties)
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
        write_zip(path, [(m.name, m) for m in sorted(folder.iterdir())], stamp)
        for member in folder.iterdir():
            member.unlink()
        folder.rmdir()
    else:
        raise ValueError(f"unknown format {fmt!r}")
