"""Read a data file into a (Geo)DataFrame with geopandas/pyogrio, saying how it was read.

Formats: GeoJSON, CSV (``,``/``;``/tab, UTF-8 with or without BOM; geometry from lon/lat or
x/y columns or a WKT column), GeoPackage (any layer), zipped Shapefile (its ``.prj`` and
``.cpg`` are honoured by GDAL), GeoParquet (or plain Parquet), FlatGeobuf and XLSX (a sheet).
Dates and times are kept as text (``datetime_as_string``) so that :mod:`.infer` tells a date
from a date-time with a UTC offset; CSV cells are all read as text (``00123`` stays a code).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from opengov.text import fold

FORMATS = {".geojson": "geojson", ".json": "geojson", ".csv": "csv", ".txt": "csv",
           ".gpkg": "gpkg", ".zip": "shp.zip", ".parquet": "parquet",
           ".geoparquet": "parquet", ".fgb": "fgb", ".xlsx": "xlsx"}
# VN-2000 / TM-3 107°45′ (EPSG:5899), the national grid of Quảng Nam / Đà Nẵng cadastral maps
# (see opengov/geo/crs.py): assumed for x/y columns in metres when nothing else is said.
DEFAULT_XY_CRS = "EPSG:5899"
# (x, y) column names, compared after folding accents and case: kinh độ / vĩ độ are Vietnamese.
XY_NAMES = (("lon", "lat"), ("lng", "lat"), ("long", "lat"), ("longitude", "latitude"),
            ("kinh_do", "vi_do"), ("kinhdo", "vido"), ("x", "y"), ("easting", "northing"))
LONLAT_NAMES = {"lon", "lng", "long", "longitude", "kinh_do", "kinhdo"}
WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "shape", "hinh_hoc")
WKT_PATTERN = re.compile(r"^\s*(MULTI)?(POINT|LINESTRING|POLYGON)\s*(Z\s*)?\(|"
                         r"^\s*GEOMETRYCOLLECTION\s*\(", re.I)
BOM = b"\xef\xbb\xbf"


class ReadError(ValueError):
    """A data file that cannot be read (one line naming the file and the reason)."""


@dataclass
class ReadResult:
    """A file's records and how they were read (the ``source`` part of a declaration)."""

    frame: pd.DataFrame
    format: str
    layer: str | None = None
    x: str | None = None
    y: str | None = None
    wkt: str | None = None
    crs: str | None = None  # CRS of x/y or WKT columns; files carrying their own CRS: None
    separator: str | None = None
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def spatial(self) -> bool:
        import geopandas as gpd

        return isinstance(self.frame, gpd.GeoDataFrame) and self.frame.geometry.name in self.frame


def file_format(path: Path) -> str:
    """``geojson``, ``csv``, ``gpkg``, ``shp.zip``, ``parquet``, ``fgb`` or ``xlsx``."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ReadError(f"{path.name}: unknown file type {suffix or '(no suffix)'}; expected "
                        f"one of {', '.join(sorted(FORMATS))}")
    return FORMATS[suffix]


def plain_name(column: str) -> str:
    """A column name folded to lower-case ASCII words joined by ``_`` (``Vĩ độ`` → ``vi_do``)."""
    return re.sub(r"[^a-z0-9]+", "_", fold(str(column))).strip("_")


def layer_names(path: str) -> list[str]:
    import pyogrio

    return [str(name) for name, _ in pyogrio.list_layers(path)]


def pick_layer(path: Path, gdal_path: str, layer: str | None, result_notes: list[str]) -> str:
    layers = layer_names(gdal_path)
    if layer is not None:
        if layer not in layers:
            raise ReadError(f"{path.name}: no layer {layer!r} (layers: {', '.join(layers)})")
        return layer
    if not layers:
        raise ReadError(f"{path.name}: no layer with data")
    if len(layers) > 1:
        result_notes.append(f"{path.name} has {len(layers)} layers ({', '.join(layers)}); "
                            f"read the first, {layers[0]!r} (choose another with --layer)")
    return layers[0]


def unreadable(path: Path, fmt: str, exc: Exception) -> ReadError:
    reason = str(exc).replace(str(path), path.name).split(";")[0].strip()
    return ReadError(f"{path.name}: cannot be read as {fmt} ({reason})")


def _read_gdal(path: Path, fmt: str, layer: str | None) -> ReadResult:
    import pyogrio

    gdal_path = str(path)
    notes: list[str] = []
    if fmt == "shp.zip":
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        if not any(n.lower().endswith(".shp") for n in names):
            raise ReadError(f"{path.name}: the zip holds no .shp file")
        if not any(n.lower().endswith(".prj") for n in names):
            notes.append(f"{path.name} has no .prj: coordinates taken as CRS84 lon/lat")
        gdal_path = f"/vsizip/{path}"
    try:
        chosen = (pick_layer(path, gdal_path, layer, notes) if fmt in ("gpkg", "shp.zip")
                  else None)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = pyogrio.read_dataframe(gdal_path, layer=chosen, datetime_as_string=True)
    except pyogrio.errors.DataSourceError as exc:
        raise unreadable(path, fmt, exc) from None
    notes += sorted({f"GDAL: {str(w.message).splitlines()[0]}" for w in caught})[:5]
    return ReadResult(frame, fmt, layer=chosen if fmt == "gpkg" or layer else None,
                      notes=notes)


def _read_parquet(path: Path) -> ReadResult:
    import geopandas as gpd
    import pyarrow
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_schema(path).metadata or {}
    except pyarrow.ArrowException as exc:
        raise unreadable(path, "parquet", exc) from None
    if b"geo" in metadata:
        return ReadResult(gpd.read_parquet(path), "parquet",
                          notes=["GeoParquet: geometry and CRS from its 'geo' metadata"])
    return ReadResult(pd.read_parquet(path), "parquet", notes=["Parquet without geometry"])


def _read_xlsx(path: Path, layer: str | None) -> ReadResult:
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object)
    except (ValueError, zipfile.BadZipFile) as exc:
        raise unreadable(path, "xlsx", exc) from None
    names = list(sheets)
    if layer is not None and layer not in sheets:
        raise ReadError(f"{path.name}: no sheet {layer!r} (sheets: {', '.join(names)})")
    notes = []
    if layer is None and len(names) > 1:
        notes.append(f"{path.name} has {len(names)} sheets; read the first, {names[0]!r} "
                     "(choose another with --layer)")
    chosen = layer or names[0]
    return ReadResult(sheets[chosen], "xlsx", layer=chosen if len(names) > 1 else None,
                      notes=notes)


def _csv_text(path: Path) -> tuple[str, str]:
    raw = path.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(BOM) else "utf-8"
    try:
        return raw.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise ReadError(f"{path.name}: not UTF-8 text (byte {exc.start}); save it as UTF-8 "
                        "CSV") from None


def _separator(path: Path, text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        counts = {sep: header.count(sep) for sep in ",;\t|"}
        best = max(counts, key=counts.get)
        if not counts[best]:
            raise ReadError(f"{path.name}: cannot tell the column separator") from None
        return best


def _xy_columns(frame: pd.DataFrame) -> tuple[str, str] | None:
    by_plain = {plain_name(c): c for c in frame.columns}
    for x, y in XY_NAMES:
        if x in by_plain and y in by_plain:
            return by_plain[x], by_plain[y]
    return None


def _is_wkt(value) -> bool:
    return isinstance(value, str) and bool(WKT_PATTERN.match(value))


def _wkt_column(frame: pd.DataFrame) -> str | None:
    """The column whose first values are all WKT (a conventional name is tried first)."""
    columns = sorted(frame.columns, key=lambda c: plain_name(c) not in WKT_NAMES)
    for column in columns:
        values = frame[column].dropna().head(20)
        if len(values) and values.map(_is_wkt).all():
            return column
    return None


def _numbers(path: Path, frame: pd.DataFrame, column: str) -> pd.Series:
    values = pd.to_numeric(frame[column].str.strip().str.replace(",", ".", regex=False),
                           errors="coerce")
    bad = frame[column].notna() & values.isna()
    if bad.any():
        row = int(bad.idxmax())
        raise ReadError(f"{path.name}: record #{row + 1}: {column} = {frame[column][row]!r} "
                        "is not a number")
    return values


def xy_crs(xs: pd.Series, ys: pd.Series, x_name: str, default_crs: str) -> str:
    """CRS84 for lon/lat columns (by name, or values within ±180/±90), else ``default_crs``."""
    if plain_name(x_name) in LONLAT_NAMES:
        return "OGC:CRS84"
    if xs.abs().max() <= 180 and ys.abs().max() <= 90:
        return "OGC:CRS84"
    return default_crs


def _csv_frame(path: Path, separator: str | None = None) -> ReadResult:
    """All cells as text (empty → missing); the separator sniffed unless given."""
    text, encoding = _csv_text(path)
    sep = separator or _separator(path, text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise unreadable(path, "csv", exc) from None
    result = ReadResult(frame, "csv", separator=sep, encoding=encoding)
    result.notes.append(f"CSV separated by {sep!r}, {encoding}"
                        + (" (with a byte-order mark)" if encoding == "utf-8-sig" else ""))
    return result


def _utf8_encoding(path: Path) -> str:
    """``utf-8-sig`` or ``utf-8``, checking the whole file a megabyte at a time (the same
    one-line error as :func:`_csv_text`, same byte number)."""
    with path.open("rb") as fh:
        head = fh.read(3)
        data, base = (b"" if head == BOM else head), 0
        while True:
            chunk = fh.read(1 << 20)
            data += chunk
            try:
                _, used = codecs.utf_8_decode(data, "strict", not chunk)
            except UnicodeDecodeError as exc:
                raise ReadError(f"{path.name}: not UTF-8 text (byte {base + exc.start}); save "
                                "it as UTF-8 CSV") from None
            base, data = base + used, data[used:]
            if not chunk:
                return "utf-8-sig" if head == BOM else "utf-8"


def _head_text(path: Path, encoding: str, lines: int = 51) -> str:
    """The first ``lines`` lines of a (checked) text file, for the separator sniffer."""
    decoder = codecs.getincrementaldecoder(encoding)()
    text = ""
    with path.open("rb") as fh:
        while len(text.splitlines()) < lines and (chunk := fh.read(1 << 16)):
            text += decoder.decode(chunk)
    return text


def csv_chunks(folder: Path, source, size: int):
    """The records of a declared CSV file as :class:`ReadResult` s of ``size`` rows (geometry
    from the declared x/y or WKT columns), read as :func:`read_source` reads them whole but
    holding one chunk at a time; the frames' index is the record's place in the file."""
    path = Path(folder) / source.file
    encoding = _utf8_encoding(path)
    sep = source.separator or _separator(path, _head_text(path, encoding))
    options = {"sep": sep, "dtype": str, "keep_default_na": False, "na_values": [""],
               "encoding": encoding}
    crs = source.crs or "OGC:CRS84"
    try:
        with pd.read_csv(path, chunksize=size, **options) as reader:
            chunks = iter(reader)
            first = next(chunks, None)
            if first is None:  # a header only: its columns are still checked
                first = pd.read_csv(path, nrows=0, **options)
            for frame in itertools.chain([first], chunks):
                result = ReadResult(frame, "csv", separator=sep, encoding=encoding)
                if source.x and source.y:
                    result = _with_points(result, path, (source.x, source.y), crs, crs)
                elif source.wkt:
                    result = _with_wkt(result, path, source.wkt, crs, crs)
                yield result
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise unreadable(path, "csv", exc) from None


def _missing(path: Path, frame: pd.DataFrame, *columns: str) -> None:
    for column in columns:
        if column not in frame.columns:
            raise ReadError(f"{path.name}: no column {column!r} (columns: "
                            f"{', '.join(map(str, frame.columns))})")


def _with_points(result: ReadResult, path: Path, pair: tuple[str, str], crs: str | None,
                 default_crs: str) -> ReadResult:
    import geopandas as gpd

    frame = result.frame
    _missing(path, frame, *pair)
    xs, ys = (_numbers(path, frame, c) for c in pair)
    if xs.isna().any() or ys.isna().any():
        row = int((xs.isna() | ys.isna()).idxmax())
        raise ReadError(f"{path.name}: record #{row + 1}: no coordinates in "
                        f"{pair[0]}/{pair[1]}")
    crs = crs or xy_crs(xs, ys, pair[0], default_crs)
    result.frame = gpd.GeoDataFrame(frame.drop(columns=list(pair)),
                                    geometry=gpd.points_from_xy(xs, ys), crs=crs)
    result.x, result.y, result.crs = pair[0], pair[1], crs
    result.notes.append(f"points from columns {pair[0]}/{pair[1]} in {crs}"
                        + ("" if crs == "OGC:CRS84" else " (values are not lon/lat; "
                           "say another CRS with --crs)"))
    return result


def _with_wkt(result: ReadResult, path: Path, column: str, crs: str | None,
              default_crs: str) -> ReadResult:
    import geopandas as gpd
    import shapely

    frame = result.frame
    _missing(path, frame, column)
    try:
        geometry = gpd.GeoSeries.from_wkt(frame[column])
    except shapely.errors.GEOSException as exc:
        raise ReadError(f"{path.name}: column {column}: not WKT ({exc})") from None
    if crs is None:
        bounds = geometry.total_bounds
        crs = ("OGC:CRS84" if abs(bounds[[0, 2]]).max() <= 180 and abs(bounds[[1, 3]]).max()
               <= 90 else default_crs)
    result.frame = gpd.GeoDataFrame(frame.drop(columns=[column]), geometry=geometry.values,
                                    crs=crs)
    result.wkt, result.crs = column, crs
    result.notes.append(f"geometry from the WKT column {column} in {crs}")
    return result


def _read_csv(path: Path, default_crs: str) -> ReadResult:
    result = _csv_frame(path)
    pair = _xy_columns(result.frame)
    if pair is not None:
        return _with_points(result, path, pair, None, default_crs)
    wkt = _wkt_column(result.frame)
    if wkt is not None:
        return _with_wkt(result, path, wkt, None, default_crs)
    return result


def read_source(folder: Path, source) -> ReadResult:
    """The records of a declared collection's file, read as its ``source`` says
    (:class:`opengov.declare.model.Source`)."""
    path = Path(folder) / source.file
    if not path.is_file():
        raise ReadError(f"{path}: the declared data file does not exist")
    fmt = file_format(path)
    if fmt != "csv":
        return read_file(path, layer=source.layer)
    result = _csv_frame(path, source.separator)
    crs = source.crs or "OGC:CRS84"
    if source.x and source.y:
        return _with_points(result, path, (source.x, source.y), crs, crs)
    if source.wkt:
        return _with_wkt(result, path, source.wkt, crs, crs)
    return result


def read_file(path: Path, layer: str | None = None,
              default_crs: str = DEFAULT_XY_CRS) -> ReadResult:
    """The records of ``path`` (any supported format) and how they were read."""
    path = Path(path)
    fmt = file_format(path)
    if fmt == "csv":
        if layer is not None:
            raise ReadError(f"{path.name}: a CSV file has no layers (--layer)")
        return _read_csv(path, default_crs)
    if fmt == "parquet":
        return _read_parquet(path)
    if fmt == "xlsx":
        return _read_xlsx(path, layer)
    return _read_gdal(path, fmt, layer)
