"""opengov.geo.crs: CRS names, axis order, the pinned VN-2000 transformation, bbox-crs."""

from __future__ import annotations

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from opengov.geo import crs


@pytest.mark.parametrize(("text", "code"), [
    (None, "OGC:CRS84"), ("", "OGC:CRS84"),
    ("http://www.opengis.net/def/crs/OGC/1.3/CRS84", "OGC:CRS84"),
    ("EPSG:4326", "EPSG:4326"), ("[EPSG:4326]", "EPSG:4326"),
    ("urn:ogc:def:crs:EPSG::5899", "EPSG:5899"),
    ("https://www.opengis.net/def/crs/EPSG/0/5899", "EPSG:5899"),
])
def test_parse_crs(text, code):
    assert crs.parse_crs(text).code == code


@pytest.mark.parametrize("text", ["EPSG:3857", "http://www.opengis.net/def/crs/EPSG/0/1", "x"])
def test_unoffered_crs_is_refused(text):
    with pytest.raises(crs.CrsError):
        crs.parse_crs(text)


def test_epsg_4326_is_latitude_first():
    point = crs.to_crs(shapely.Point(108.2, 16.05), crs.parse_crs("EPSG:4326"))
    assert (point.x, point.y) == pytest.approx((16.05, 108.2))


def test_vn2000_uses_the_pinned_transformation():
    transformer = crs._transformer("OGC:CRS84", "EPSG:5899")
    assert crs.VN2000_TRANSFORMATION in transformer.description
    # Central meridian 107°45' maps to false easting 500 000 m (±1 m for the datum shift).
    point = crs.to_crs(shapely.Point(107.75, 16.0), crs.parse_crs("EPSG:5899"))
    assert point.x == pytest.approx(500_000, abs=200)
    assert point.y == pytest.approx(1_769_000, abs=2_000)


def test_content_crs_header():
    assert crs.content_crs(crs.parse_crs("EPSG:5899")) == (
        "<http://www.opengis.net/def/crs/EPSG/0/5899>")


@settings(max_examples=100, deadline=None)
@given(st.floats(102, 110), st.floats(8, 24))
def test_round_trip_through_every_crs(lon, lat):
    point = shapely.Point(lon, lat)
    for uri in crs.SUPPORTED:
        target = crs.parse_crs(uri)
        back = crs.from_crs(crs.to_crs(point, target), target)
        assert back.x == pytest.approx(lon, abs=1e-7) and back.y == pytest.approx(lat, abs=1e-7)


def test_bbox_in_vn2000_encloses_the_same_area():
    target = crs.parse_crs("EPSG:5899")
    box = crs.bbox_from_crs84(crs.BBox(108.0, 15.5, 108.5, 16.0), target)
    back = crs.bbox_to_crs84(box, target)
    assert back.minx <= 108.0 + 1e-6 and back.maxx >= 108.5 - 1e-6
    assert back.miny <= 15.5 + 1e-6 and back.maxy >= 16.0 - 1e-6
