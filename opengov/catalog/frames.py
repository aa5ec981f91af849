"""Rows of a collection as a (Geo)DataFrame, for the file formats GDAL and Arrow write."""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd
import shapely

from opengov.collections import Collection
from opengov.encoders import csv as csv_encoder
from opengov.geo.geojson import dumps


def columns(collection: Collection) -> list[str]:
    """Table columns to select: the CSV's (one per field part, geometry last)."""
    return csv_encoder.source_columns(collection)


def _column_types(collection: Collection) -> dict[str, str]:
    types = {"id": "string"}
    for f in collection.fields:
        for name in f.columns:
            types[name] = "string" if f.type == "i18n" else f.type
    return types


def frame(collection: Collection, batches: Iterable[list[tuple]]) -> pd.DataFrame:
    """One frame of every row; JSON fields become JSON text, times UTC timestamps."""
    names = columns(collection)
    parts = [pd.DataFrame.from_records(batch, columns=names) for batch in batches]
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=names)
    for name, kind in _column_types(collection).items():
        if kind in ("array", "object"):
            df[name] = [None if v is None else dumps(v) for v in df[name]]
        elif kind == "datetime":
            df[name] = pd.to_datetime(df[name], utc=True)
        elif kind == "date":
            df[name] = [None if v is None else v.isoformat() for v in df[name]]
        elif kind == "integer":
            df[name] = df[name].astype("Int64")
        elif kind == "boolean":
            df[name] = df[name].astype("boolean")
    if not collection.spatial:
        return df
    geometry = shapely.from_wkb(df.pop("geom").to_numpy())
    return gpd.GeoDataFrame(df, geometry=geometry, crs="OGC:CRS84")
