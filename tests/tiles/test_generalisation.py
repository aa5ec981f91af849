"""Per-zoom generalisation keeps a tessellation gap-free: the admin units (a coverage of the
former province) seen through low-zoom tiles, on both backends."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import shape

from opengov.tiles.grid import BUFFER, EXTENT
from tests.tiles.helpers import decode, in_tile_units, source_features, tile_at, tile_url

PROVINCE = (108.2, 15.5)


def _decoded_polygons(client, tile) -> list:
    response = client.get(tile_url("admin-units", tile))
    assert response.status_code == 200
    return [shape(f["geometry"]) for f in decode(response.data)["admin-units"]["features"]]


@pytest.mark.parametrize("z", [5, 7, 9])
def test_admin_unit_tiles_have_no_gaps_and_no_overlaps(client, z):
    tile = tile_at(*PROVINCE, z)
    polygons = _decoded_polygons(client, tile)
    assert len(polygons) > 10
    assert all(p.is_valid for p in polygons)
    union = shapely.union_all(polygons)
    # No gap: the union has no holes (the units themselves have none) ...
    assert sum(shapely.get_num_interior_rings(p) for p in shapely.get_parts(union)) == 0
    # ... and no overlap: the areas add up to the union's.
    assert sum(p.area for p in polygons) == pytest.approx(union.area, abs=1.0)
    # The generalised tessellation covers what the source covers, to within rounding.
    source = shapely.union_all([in_tile_units(f["geometry"], tile)
                                for f in source_features(client, "admin-units", tile)])
    source = shapely.clip_by_rect(source, -BUFFER, -BUFFER, EXTENT + BUFFER, EXTENT + BUFFER)
    assert shapely.symmetric_difference(source, union).area < 0.005 * union.area


def test_each_unit_stays_close_to_its_boundary(client):
    tile = tile_at(*PROVINCE, 8)
    response = client.get(tile_url("admin-units", tile))
    decoded = {f["properties"]["code"]: shape(f["geometry"])
               for f in decode(response.data)["admin-units"]["features"]}
    box = shapely.box(-BUFFER, -BUFFER, EXTENT + BUFFER, EXTENT + BUFFER)
    for feature in source_features(client, "admin-units", tile):
        exact = shapely.intersection(in_tile_units(feature["geometry"], tile), box)
        # within the simplification tolerance (4 units) plus grid rounding
        assert shapely.hausdorff_distance(exact, decoded[feature["properties"]["code"]]) < 6


def test_generalisation_removes_vertices_at_low_zoom(client):
    low = sum(shapely.get_num_coordinates(p) for p in _decoded_polygons(
        client, tile_at(*PROVINCE, 5)))
    source = sum(shapely.get_num_coordinates(shape(f["geometry"]))
                 for f in source_features(client, "admin-units", tile_at(*PROVINCE, 5)))
    assert low < 0.8 * source


@pytest.mark.parametrize("z", [14, 16])
def test_parcel_tiles_are_gap_free_inside_the_sample(client, z):
    """The cadastral sample is a noded coverage, so the tile's parcels meet edge to edge:
    no overlaps, and no holes inside the area they cover."""
    box = client.get("/ogc/collections/parcels").get_json()["extent"]["spatial"]["bbox"][0]
    tile = tile_at((box[0] + box[2]) / 2, (box[1] + box[3]) / 2, z)
    response = client.get(tile_url("parcels", tile))
    assert response.status_code == 200
    polygons = [shape(f["geometry"]) for f in decode(response.data)["parcels"]["features"]]
    assert len(polygons) > 20
    assert all(p.is_valid for p in polygons)
    union = shapely.union_all(polygons)
    assert sum(p.area for p in polygons) == pytest.approx(union.area, abs=1.0)
    assert sum(shapely.get_num_interior_rings(p) for p in shapely.get_parts(union)) == 0
