"""/land endpoints on both backends: filters, CRS round trip, lookup, stats, errors."""

from __future__ import annotations

import csv
import io

import pytest
import shapely
from shapely.geometry import shape

from opengov.land.sample import SMALL_TOWNS
from opengov.land.tessellation import SEED, generate

PROBLEM = "application/problem+json"
VN2000 = "<http://www.opengis.net/def/crs/EPSG/0/5899>"
CRS84 = "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
# Words that would reveal a land user (DOMAIN.md §5): never a field, parameter or column.
PERSONAL = ("owner", "holder", "chu_su_dung", "nguoi", "person", "birth", "cccd", "cmnd",
            "id_number", "phone", "user_name", "full_name", "certificate")


@pytest.fixture(scope="module")
def loaded():
    """The small sample as generated (what the loaded app holds), keyed by id."""
    return {p["id"]: p for p in generate(SEED, SMALL_TOWNS).parcels}


def all_parcels(client, query: str = "") -> list[dict]:
    body = client.get(f"/land/parcels?limit=10000&{query}").get_json()
    assert "next" not in {link["rel"] for link in body["links"]}
    return body["features"]


def test_every_generated_parcel_is_served(client, loaded):
    features = all_parcels(client)
    assert {f["id"] for f in features} == set(loaded)


def test_limit_10000_is_the_maximum(client):
    assert client.get("/land/parcels?limit=10000").status_code == 200
    r = client.get("/land/parcels?limit=10001")
    assert r.status_code == 400 and r.mimetype == PROBLEM


def test_no_personal_data_in_schema_openapi_or_csv(client):
    spec = client.get("/openapi.json").get_data(as_text=True).lower()
    land_paths = {p: v for p, v in client.get("/openapi.json").get_json()["paths"].items()
                  if p.startswith("/land")}
    assert land_paths
    header = next(csv.reader(io.StringIO(client.get("/land/parcels?f=csv&limit=1").get_data(
        as_text=True))))
    props = client.get("/land/parcels?limit=1").get_json()["features"][0]["properties"]
    names = [*header, *props, *(str(p) for p in land_paths.values())]
    for word in PERSONAL:
        assert not any(word in n.lower() for n in names), word
    assert "chủ sử dụng" not in spec


def test_commune_sheet_and_parcel_filters(client, loaded):
    some = next(iter(loaded.values()))
    features = all_parcels(client, f"commune={some['commune']}&sheet={some['sheet']}"
                                   f"&parcel={some['parcel']}")
    assert some["id"] in {f["id"] for f in features}
    for f in features:
        p = f["properties"]
        assert (p["commune"], p["sheet"], p["parcel"]) == (some["commune"], some["sheet"],
                                                           some["parcel"])


def test_landuse_matches_any_component_of_mixed_codes(client, loaded):
    cln = {f["id"] for f in all_parcels(client, "landuse=CLN")}
    expected = {i for i, p in loaded.items() if "CLN" in p["landuse"].split("+")}
    assert cln == expected
    assert any("+" in loaded[i]["landuse"] for i in cln)  # ONT+CLN found by CLN
    several = {f["id"] for f in all_parcels(client, "landuse=LUC,BHK")}
    assert several == {i for i, p in loaded.items()
                       if {"LUC", "BHK"} & set(p["landuse"].split("+"))}


def test_area_range(client, loaded):
    features = all_parcels(client, "area_min=100&area_max=150")
    assert {f["id"] for f in features} == {i for i, p in loaded.items()
                                           if 100 <= p["area_m2"] <= 150}


def test_bbox_uses_polygons(client):
    features = all_parcels(client, "bbox=108.330,15.878,108.331,15.879")
    box = shapely.box(108.330, 15.878, 108.331, 15.879)
    assert features
    assert all(shape(f["geometry"]).intersects(box) for f in features)


def test_crs_5899_returns_the_loaded_coordinates(client, loaded):
    r = client.get("/land/parcels?limit=50&crs=EPSG:5899")
    assert r.status_code == 200 and r.headers["Content-Crs"] == VN2000
    for f in r.get_json()["features"]:
        served = sorted(map(tuple, f["geometry"]["coordinates"][0][:-1]))
        expected = sorted(tuple(c) for c in loaded[f["id"]]["geometry"].exterior.coords[:-1])
        assert served == expected  # the same millimetres, not a round trip through CRS84


def test_item_in_both_crs(client, loaded):
    some = next(iter(loaded))
    r = client.get(f"/land/parcels/{some}")
    assert r.status_code == 200 and r.headers["Content-Crs"] == CRS84
    lon, lat = r.get_json()["geometry"]["coordinates"][0][0]
    assert 108 < lon < 109 and 15 < lat < 16
    r = client.get(f"/land/parcels/{some}?crs=EPSG:5899")
    assert r.headers["Content-Crs"] == VN2000
    coords = {tuple(c) for c in r.get_json()["geometry"]["coordinates"][0]}
    assert coords == {tuple(c) for c in loaded[some]["geometry"].exterior.coords}
    assert client.get("/land/parcels/00000-1-1").status_code == 404
    tag = client.get(f"/land/parcels/{some}").headers["ETag"]
    other = client.get(f"/land/parcels/{some}?crs=EPSG:5899", headers={"If-None-Match": tag})
    assert other.status_code == 200  # another representation, not "not modified"


def test_properties_and_simplify(client):
    body = client.get("/land/parcels?limit=5&properties=landuse,area_m2").get_json()
    assert all(set(f["properties"]) == {"landuse", "area_m2"} for f in body["features"])
    native = client.get("/land/parcels?limit=20&crs=EPSG:5899&properties=landuse").get_json()
    assert all(set(f["properties"]) == {"landuse"} for f in native["features"])
    full = client.get("/land/parcels?limit=200").get_json()["features"]
    coarse = client.get("/land/parcels?limit=200&zoom=12").get_json()["features"]
    count = sum(len(f["geometry"]["coordinates"][0]) for f in full)
    assert sum(len(f["geometry"]["coordinates"][0]) for f in coarse) <= count
    assert client.get("/land/parcels?limit=5&simplify=2").status_code == 200


@pytest.mark.parametrize("query", [
    "landuse=XYZ", "area_min=-1", "area_min=10&area_max=5", "bbox=1,2,3", "crs=EPSG:9999",
    "properties=owner", "simplify=1&zoom=12", "zoom=40", "limit=0", "sheet=abc", "nope=1"])
def test_bad_input_is_a_400_problem(client, query):
    r = client.get(f"/land/parcels?{query}")
    assert r.status_code == 400, query
    assert r.mimetype == PROBLEM and r.get_json()["status"] == 400


def test_lookup_returns_parcel_zone_and_price(client, loaded):
    feature = client.get("/land/parcels?limit=1&landuse=ODT").get_json()["features"][0]
    point = shape(feature["geometry"]).representative_point()
    r = client.get(f"/land/lookup?lon={point.x}&lat={point.y}")
    assert r.status_code == 200
    body = r.get_json()
    assert body["parcel"]["id"] == feature["id"]
    assert body["zone"]["properties"]["planned_use"]
    assert body["price"]["properties"]["price_vnd_m2"] > 0
    assert shape(body["zone"]["geometry"]).buffer(1e-6).contains(point)
    assert client.get(f"/land/lookup?lon={point.x}&lat={point.y}",
                      headers={"If-None-Match": r.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize("query, status", [
    ("lon=107.0&lat=10.0", 404), ("lon=200&lat=15", 400), ("lon=108.3", 400),
    ("lon=abc&lat=15", 400)])
def test_lookup_errors(client, query, status):
    r = client.get(f"/land/lookup?{query}")
    assert r.status_code == status and r.mimetype == PROBLEM


def test_stats_add_up_to_the_total_area(client, loaded):
    body = client.get("/land/stats").get_json()
    total = sum(p["area_m2"] for p in loaded.values())
    assert body["parcels"] == len(loaded)
    assert body["area_m2"] == pytest.approx(total, abs=1)
    per_use = sum(u["area_m2"] for c in body["communes"] for u in c["landuse"])
    assert per_use == pytest.approx(body["area_m2"], abs=1)
    for c in body["communes"]:
        assert c["parcels"] == sum(u["parcels"] for u in c["landuse"])
    one = body["communes"][0]["commune"]
    only = client.get(f"/land/stats?commune={one}").get_json()
    assert [c["commune"] for c in only["communes"]] == [one]


def test_zones_and_prices_endpoints(client):
    zones = client.get("/land/zones?limit=10000").get_json()["features"]
    prices = client.get("/land/prices?limit=10000&year=2026").get_json()["features"]
    assert zones and prices
    assert {"planned_use", "plan_period", "decision"} <= set(zones[0]["properties"])
    assert {"price_vnd_m2", "position", "year", "decision"} <= set(prices[0]["properties"])
    r = client.get(f"/land/prices/{prices[0]['id']}?crs=EPSG:5899")
    assert r.headers["Content-Crs"] == VN2000


def test_ogc_api_serves_parcels_and_the_code_table(client):
    r = client.get("/ogc/collections/parcels/items?limit=3")
    assert r.status_code == 200 and len(r.get_json()["features"]) == 3
    cql = client.get("/ogc/collections/parcels/items?filter=landuse LIKE '%CLN%'&limit=5")
    assert all("CLN" in f["properties"]["landuse"] for f in cql.get_json()["features"])


def test_code_table_is_versioned(client):
    [bhk] = client.get("/land/codes?code=BHK").get_json()["items"]
    assert (bhk["scheme"], bhk["valid_to"], bhk["replaced_by"]) == (
        "27/2018/TT-BTNMT", "2024-07-31", "HNK")
    current = client.get("/land/codes?scheme=08/2024/TT-BTNMT&limit=1000").get_json()["items"]
    assert {"LUC", "ODT", "ONT", "CLN"} <= {c["code"] for c in current}
    assert all(c["valid_from"] == "2024-08-01" and c["valid_to"] is None for c in current)
    found = client.get("/land/codes?q=lua").get_json()["items"]
    assert "LUC" in {c["code"] for c in found}
