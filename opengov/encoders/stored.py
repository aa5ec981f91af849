"""GeoJSON pages of stored Features as a :class:`~opengov.geo.stored_features.Reading` asks:
the shared stored-bytes encoder whenever nothing changes, else the stored Features (CRS84 or
native) joined after their :class:`~opengov.geo.reshape.Reshape`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from opengov.encoders import ENCODERS, GeoJSONEncoder, PageBody
from opengov.geo.stored_features import Reading


class StoredFeaturesEncoder(GeoJSONEncoder):
    """GeoJSON pages joined from the stored Features of a :class:`Reading`, reshaped when it
    asks (reading the stored WKB beside each Feature when geometries change)."""

    def __init__(self, read: Reading):
        self.read = read

    def columns(self, collection, summary) -> list[str]:
        if self.read.reshape.changes_geometry:
            return [self.read.feature_column, self.read.geometry_column]
        return [self.read.feature_column]

    def page(self, body: PageBody) -> Iterator[str]:
        rows, reshape = body.items, self.read.reshape
        if not reshape.needed:
            items = [row[0] for row in rows]
        else:
            wkb = [row[1] for row in rows] if reshape.changes_geometry else None
            items = reshape.features([row[0] for row in rows], wkb)
        return super().page(replace(body, items=items))


def geojson_encoder(read: Reading):
    """The GeoJSON encoder of a page: the shared one (stored CRS84 bytes joined untouched)
    whenever nothing needs reading elsewhere or reshaping."""
    return ENCODERS["geojson"] if read.stored_as_is else StoredFeaturesEncoder(read)


def spatial_encoders(read: Reading) -> dict:
    """The formats of a domain list endpoint of a spatial collection: GeoJSON (the default) as
    ``read`` asks, and the shared CSV."""
    return {"geojson": geojson_encoder(read), "csv": ENCODERS["csv"]}
