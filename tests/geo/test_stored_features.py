"""One reading of stored Features for every API family: ``/land`` (``simplify`` in metres) and
OGC API (``simplify`` in degrees) ask the same thing and get the same columns and changes."""

from __future__ import annotations

import orjson
import pytest
import shapely

from opengov.cameras.collection import CAMERAS
from opengov.encoders import ENCODERS
from opengov.encoders.stored import StoredFeaturesEncoder, geojson_encoder
from opengov.geo.crs import parse_crs
from opengov.geo.geojson import feature_json
from opengov.geo.stored_features import FEATURE, NATIVE_FEATURE, reading
from opengov.geo.tolerance import METRES_PER_DEGREE, zoom_tolerance_m
from opengov.land.collection import PARCELS

CRS84, EPSG4326, VN2000 = (parse_crs(c) for c in ("OGC:CRS84", "EPSG:4326", "EPSG:5899"))


@pytest.mark.parametrize("crs", [CRS84, EPSG4326, VN2000])
def test_metres_and_degrees_ask_for_the_same_simplification(crs):
    land = reading(PARCELS, crs, ("landuse",), 5.0, metres=True)
    ogc = reading(PARCELS, crs, ("landuse",), 5.0 / METRES_PER_DEGREE)
    assert (land.crs, land.feature_column, land.geometry_column) == (
        ogc.crs, ogc.feature_column, ogc.geometry_column)
    assert land.reshape.crs == ogc.reshape.crs
    assert land.reshape.simplify == pytest.approx(ogc.reshape.simplify, rel=1e-12)
    # Native geometries are in metres; CRS84 ones in degrees.
    expected = 5.0 if crs is VN2000 else 5.0 / METRES_PER_DEGREE
    assert land.reshape.simplify == pytest.approx(expected, rel=1e-12)


def test_a_plain_request_takes_the_shared_stored_bytes_encoder():
    """Nothing to change: the fast path, the same encoder as any collection's list."""
    for collection in (PARCELS, CAMERAS):
        read = reading(collection, CRS84)
        assert read.stored_as_is and read.feature_column == FEATURE
        assert geojson_encoder(read) is ENCODERS["geojson"]


def test_the_native_crs_reads_the_stored_native_features_unchanged():
    read = reading(PARCELS, VN2000)
    assert read.feature_column == NATIVE_FEATURE and not read.reshape.needed
    assert isinstance(geojson_encoder(read), StoredFeaturesEncoder)
    stored = feature_json("p1", shapely.box(500_000.123, 1_700_000.456, 500_010, 1_700_010),
                          {"landuse": "ODT", "area_m2": 100.0})
    assert read.feature(stored) == stored
    # A collection without native geometry transforms its CRS84 Features instead.
    assert reading(CAMERAS, VN2000).feature_column == FEATURE


def test_properties_on_native_features_keep_the_loaded_coordinates():
    stored = feature_json("p1", shapely.box(500_000.123, 1_700_000.456, 500_010, 1_700_010),
                          {"landuse": "ODT", "area_m2": 100.0})
    sent = orjson.loads(reading(PARCELS, VN2000, ("area_m2",)).feature(stored))
    assert sent["properties"] == {"area_m2": 100.0}
    assert sent["geometry"] == orjson.loads(stored)["geometry"]


def test_zoom_tolerance_halves_with_each_zoom_level():
    assert zoom_tolerance_m(15) == pytest.approx(zoom_tolerance_m(14) / 2)
    assert 2.0 < zoom_tolerance_m(15) < 2.5  # half a 256-px pixel at 15.7° N: ≈ 2.3 m
