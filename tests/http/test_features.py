"""GeoJSON collection endpoints over the bundled sample, as a map client sees them."""

from __future__ import annotations

import csv
import gzip
import io
from urllib.parse import parse_qs, urlsplit

import pytest
import shapely
from shapely.geometry import shape

SPATIAL = ["cameras", "service-centres", "admin-units"]


def get_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def walk(client, url):
    """Follow ``next`` links to the end; return every feature served."""
    features = []
    while url:
        response = client.get(get_path(url))
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        features.extend(body["features"])
        url = next((lk["href"] for lk in body["links"] if lk["rel"] == "next"), None)
    return features


@pytest.mark.parametrize("collection", SPATIAL)
def test_feature_collection_shape_and_media_type(client, collection):
    response = client.get(f"/{collection}?limit=5")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    body = response.get_json()
    assert body["type"] == "FeatureCollection"
    assert body["numberReturned"] == len(body["features"]) == 5
    assert body["numberMatched"] == int(response.headers["X-Total-Count"]) > 5
    for feature in body["features"]:
        assert feature["type"] == "Feature" and feature["id"]
        geom = shape(feature["geometry"])
        assert geom.is_valid
        lon, lat = geom.representative_point().coords[0]
        assert 107 < lon < 109 and 14.5 < lat < 16.5  # [lon, lat] order, WGS 84
    assert 'rel="next"' in response.headers["Link"]


@pytest.mark.parametrize("collection", SPATIAL)
def test_paging_reaches_every_feature_once(client, collection):
    total = client.get(f"/{collection}?limit=1").get_json()["numberMatched"]
    features = walk(client, f"/{collection}?limit=7")
    ids = [f["id"] for f in features]
    assert len(ids) == len(set(ids)) == total


def test_last_page_has_no_next_and_prev_goes_back(client):
    first = client.get("/cameras?limit=10").get_json()
    nxt = next(lk["href"] for lk in first["links"] if lk["rel"] == "next")
    second = client.get(get_path(nxt)).get_json()
    prev = next(lk["href"] for lk in second["links"] if lk["rel"] == "prev")
    assert client.get(get_path(prev)).get_json()["features"] == first["features"]
    total = first["numberMatched"]
    last = client.get("/cameras?limit=1000").get_json()
    assert len(last["features"]) == total
    assert not [lk for lk in last["links"] if lk["rel"] in ("next", "prev")]


def test_bbox_returns_exactly_the_features_inside(client):
    everything = walk(client, "/cameras?limit=1000")
    box = (108.30, 15.50, 108.55, 15.95)
    inside = {f["id"] for f in everything
              if box[0] <= f["geometry"]["coordinates"][0] <= box[2]
              and box[1] <= f["geometry"]["coordinates"][1] <= box[3]}
    assert inside, "sample should have cameras in Tam Kỳ–Hội An"
    served = {f["id"] for f in walk(client, "/cameras?limit=1000&bbox=" +
                                    ",".join(map(str, box)))}
    assert served == inside


def test_admin_units_bbox_uses_polygons_not_envelopes(client):
    units = walk(client, "/admin-units?limit=1000")
    point = shapely.Point(108.474, 15.573)  # Tam Kỳ
    box = point.buffer(0.001).bounds
    served = walk(client, "/admin-units?bbox=" + ",".join(map(str, box)))
    expected = {u["id"] for u in units if shape(u["geometry"]).intersects(shapely.box(*box))}
    assert {u["id"] for u in served} == expected
    assert len(expected) >= 1


def test_filters_combine(client):
    everything = walk(client, "/cameras?limit=1000")
    commune = everything[0]["properties"]["commune"]
    expected = {f["id"] for f in everything
                if f["properties"]["kind"] in ("traffic", "flood")
                and f["properties"]["commune"] == commune}
    served = walk(client, f"/cameras?kind=traffic,flood&commune={commune}")
    assert {f["id"] for f in served} == expected
    for status in ("online", "offline"):
        served = walk(client, f"/cameras?status={status}")
        assert {f["properties"]["status"] for f in served} <= {status}


def test_invalid_enum_value_is_400(client):
    response = client.get("/cameras?kind=drone")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "kind"


def test_updated_since_needs_an_offset(client):
    assert client.get("/cameras?updated_since=2020-01-01T00:00:00").status_code == 400
    ok = client.get("/cameras?updated_since=2020-01-01T00:00:00%2B07:00&limit=1")
    assert ok.status_code == 200 and ok.get_json()["numberMatched"] > 0
    future = client.get("/cameras?updated_since=2100-01-01T00:00:00Z")
    assert future.get_json()["numberMatched"] == 0


@pytest.mark.parametrize("how", [{"query": "&f=csv"}, {"headers": {"Accept": "text/csv"}}])
def test_csv_has_one_row_per_feature(client, how):
    response = client.get("/cameras?limit=1000" + how.get("query", ""),
                          headers=how.get("headers"))
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    geo = walk(client, "/cameras?limit=1000")
    assert len(rows) == len(geo)
    by_id = {f["id"]: f for f in geo}
    for row in rows:
        feature = by_id[row["id"]]
        assert row["name_vi"] == feature["properties"]["name"]["vi"]
        assert [float(row["lon"]), float(row["lat"])] == feature["geometry"]["coordinates"]


def test_json_means_geojson_on_spatial_endpoints(client):
    assert client.get("/cameras?f=json&limit=1").mimetype == "application/geo+json"
    accept_json = client.get("/cameras?limit=1", headers={"Accept": "application/json"})
    assert accept_json.get_json()["type"] == "FeatureCollection"


def test_item_is_a_feature_and_etag_gives_304(client):
    first = client.get("/cameras?limit=1").get_json()["features"][0]
    response = client.get(f"/cameras/{first['id']}")
    assert response.mimetype == "application/geo+json"
    assert response.get_json() == first
    etag = response.headers["ETag"]
    again = client.get(f"/cameras/{first['id']}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag
    assert not again.get_data()


def test_list_etag_304_and_query_sensitivity(client):
    one = client.get("/cameras?limit=3")
    two = client.get("/cameras?limit=4")
    assert one.headers["ETag"] != two.headers["ETag"]
    cached = client.get("/cameras?limit=3", headers={"If-None-Match": one.headers["ETag"]})
    assert cached.status_code == 304


def test_gzip_keeps_the_etag_and_if_none_match_survives(client):
    plain = client.get("/cameras?limit=50")
    zipped = client.get("/cameras?limit=50", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == plain.get_data() or \
        _same_but_timestamp(gzip.decompress(zipped.get_data()), plain.get_data())
    assert zipped.headers["ETag"] == plain.headers["ETag"]
    assert "Accept-Encoding" in zipped.headers["Vary"]
    mangled = plain.headers["ETag"][:-1] + '-gzip"'  # what some proxies do
    cached = client.get("/cameras?limit=50", headers={"If-None-Match": f"W/{mangled}"})
    assert cached.status_code == 304


def _same_but_timestamp(a: bytes, b: bytes) -> bool:
    import json

    ja, jb = json.loads(a), json.loads(b)
    ja.pop("timeStamp"), jb.pop("timeStamp")
    return ja == jb


def test_offset_paging_for_simple_clients(client):
    everything = [f["id"] for f in walk(client, "/cameras?limit=1000")]
    page = client.get("/cameras?limit=5&offset=10").get_json()
    assert [f["id"] for f in page["features"]] == everything[10:15]
    nxt = next(lk["href"] for lk in page["links"] if lk["rel"] == "next")
    assert "offset" not in parse_qs(urlsplit(nxt).query)
    assert [f["id"] for f in client.get(get_path(nxt)).get_json()["features"]] == \
        everything[15:20]
    assert client.get("/cameras?offset=10001").status_code == 400


def test_sort_descending(client):
    served = walk(client, "/cameras?sort=-last_seen&limit=9")
    seen = [f["properties"]["last_seen"] for f in served]
    assert seen == sorted(seen, reverse=True)


def test_spatial_responses_state_crs_and_last_modified(client):
    response = client.get("/cameras?limit=1")
    assert response.headers["Content-Crs"] == "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
    assert response.last_modified is not None
    health = client.get("/health").get_json()
    assert health["collections"]["cameras"]["version"] >= 1
    assert "Content-Crs" not in client.get("/cameras?limit=1&f=csv").headers
    assert "Content-Crs" not in client.get("/procedures?limit=1").headers


def test_csv_of_polygons_with_numbers(client):
    response = client.get("/admin-units?f=csv&limit=5&sort=-area_km2")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    areas = [float(r["area_km2"]) for r in rows]
    assert areas == sorted(areas, reverse=True) and rows[0]["wkt"].startswith("POLYGON")
