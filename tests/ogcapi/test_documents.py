"""Landing page, conformance, collections and queryables, on both backends."""

from __future__ import annotations

import pytest

from opengov.ogcapi.documents import CONFORMANCE

OAS = "application/vnd.oai.openapi+json;version=3.0"


def spatial_ids(app) -> list[str]:
    return [c.id for c in app.extensions["opengov"].registry if c.spatial]


def test_landing_page_links_everything_a_client_needs(client):
    body = client.get("/ogc").get_json()
    rels = {link["rel"]: link for link in body["links"]}
    assert {"self", "service-desc", "service-doc", "conformance", "data"} <= set(rels)
    assert rels["service-desc"]["type"] == OAS
    spec = client.get(rels["service-desc"]["href"].replace("http://localhost", ""))
    assert spec.status_code == 200 and spec.get_json()["openapi"] == "3.0.3"
    assert client.get(rels["conformance"]["href"]).get_json()["conformsTo"]


def test_conformance_declares_parts_1_to_3_and_cql2_text(client):
    conforms = set(client.get("/ogc/conformance").get_json()["conformsTo"])
    assert conforms == set(CONFORMANCE)
    for uri in ("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
                "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
                "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
                "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text"):
        assert uri in conforms


def test_collections_list_every_spatial_collection_with_extent(client, loaded_app):
    body = client.get("/ogc/collections").get_json()
    ids = [c["id"] for c in body["collections"]]
    assert ids == spatial_ids(loaded_app)
    for c in body["collections"]:
        assert c["itemType"] == "feature"
        assert "http://www.opengis.net/def/crs/EPSG/0/5899" in c["crs"]
        has_features = bool(client.get(f"/ogc/collections/{c['id']}/items?limit=1")
                            .get_json()["features"])
        assert ("extent" in c) == has_features  # an empty collection has no extent
        if not has_features:
            continue
        minx, miny, maxx, maxy = c["extent"]["spatial"]["bbox"][0]
        assert 100 < minx <= maxx < 112 and 8 < miny <= maxy < 24  # Viet Nam
        assert any(link["rel"] == "items" and link["type"] == "application/geo+json"
                   for link in c["links"])


def test_collection_extent_encloses_its_features(client, loaded_app):
    for cid in spatial_ids(loaded_app):
        page = client.get(f"/ogc/collections/{cid}/items?limit=1000").get_json()
        if not page["features"]:
            continue
        extent = client.get(f"/ogc/collections/{cid}").get_json()["extent"]["spatial"]["bbox"][0]
        for feature in page["features"]:
            coords = str(feature["geometry"]["coordinates"]).replace("[", "").replace("]", "")
            values = [float(v) for v in coords.split(",")]
            xs, ys = values[0::2], values[1::2]
            assert extent[0] - 1e-6 <= min(xs) and max(xs) <= extent[2] + 1e-6
            assert extent[1] - 1e-6 <= min(ys) and max(ys) <= extent[3] + 1e-6


def test_queryables_are_json_schema_and_name_the_filterable_properties(client):
    response = client.get("/ogc/collections/cameras/queryables")
    assert response.status_code == 200
    assert response.mimetype == "application/schema+json"
    doc = response.get_json()
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["properties"]["kind"]["enum"] == ["traffic", "flood", "tourism", "security"]
    assert doc["properties"]["geometry"]["format"] == "geometry-point"
    assert {"name", "name_vi", "name_en", "status"} <= set(doc["properties"])


def test_unknown_collection_is_a_404_problem(client):
    response = client.get("/ogc/collections/nope/items")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("path", ["/ogc", "/ogc/collections", "/ogc/collections/cameras",
                                  "/ogc/collections/cameras/items",
                                  "/ogc/collections/cameras/items/cam-00001"])
def test_html_pages_in_vietnamese_and_english(client, path):
    vi = client.get(path, headers={"Accept": "text/html"})
    assert vi.status_code == 200 and vi.mimetype == "text/html"
    assert '<html lang="vi">' in vi.get_data(as_text=True)
    en = client.get(path + "?f=html&lang=en").get_data(as_text=True)
    assert '<html lang="en">' in en and "Tiếng Việt" in en


def test_items_html_has_a_map_of_the_features(client):
    page = client.get("/ogc/collections/cameras/items?f=html&limit=3").get_data(as_text=True)
    assert "leaflet.js" in page and 'id="map"' in page
    assert page.count('"type":"Feature"') == 3


def test_documents_have_etags(client):
    first = client.get("/ogc/collections")
    again = client.get("/ogc/collections", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert first.headers["Cache-Control"].startswith("public")
