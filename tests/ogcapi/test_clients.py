"""Real clients against a real server: GDAL's OAPIF driver (via pyogrio) and OWSLib."""

from __future__ import annotations

import pyogrio
import pytest
import requests
from owslib.ogcapi.features import Features


def spatial(loaded_app) -> list[str]:
    return [c.id for c in loaded_app.extensions["opengov"].registry if c.spatial]


def test_gdal_reads_every_collection_completely(live_server, loaded_app):
    layers = {name for name, _ in pyogrio.list_layers(f"OAPIF:{live_server}/ogc")}
    assert layers == set(spatial(loaded_app))
    for cid in spatial(loaded_app):
        total = requests.get(f"{live_server}/ogc/collections/{cid}/items?limit=1",
                             timeout=10).json()["numberMatched"]
        # A small page size makes GDAL follow many `next` links.
        frame = pyogrio.read_dataframe(f"OAPIF:{live_server}/ogc", layer=cid,
                                       PAGE_SIZE="17")
        assert len(frame) == total
        assert frame.geometry.notna().all()
        # GDAL reads a collection in its storageCrs: the land layers in VN-2000 (EPSG:5899).
        storage = requests.get(f"{live_server}/ogc/collections/{cid}",
                               timeout=10).json()["storageCrs"]
        expected = (("EPSG:5899",) if storage.endswith("/EPSG/0/5899")
                    else ("OGC:CRS84", "EPSG:4326"))
        assert frame.crs.to_string() in expected, (cid, storage)


def test_gdal_bbox_filter(live_server):
    box = (108.3, 15.5, 108.6, 15.7)
    frame = pyogrio.read_dataframe(f"OAPIF:{live_server}/ogc", layer="cameras", bbox=box)
    expected = requests.get(f"{live_server}/ogc/collections/cameras/items?limit=1000&bbox="
                            + ",".join(map(str, box)), timeout=10).json()["numberMatched"]
    assert len(frame) == expected > 0


def test_owslib_lists_collections_queryables_and_items(live_server, loaded_app):
    api = Features(f"{live_server}/ogc")
    assert {c["id"] for c in api.collections()["collections"]} == set(spatial(loaded_app))
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in (
        api.conformance()["conformsTo"])
    queryables = api.collection_queryables("cameras")
    assert "kind" in queryables["properties"]
    items = api.collection_items("cameras", limit=5, kind="flood")
    assert items["numberReturned"] == len(items["features"]) <= 5
    assert all(f["properties"]["kind"] == "flood" for f in items["features"])


def test_owslib_raises_with_the_problem_on_errors(live_server):
    api = Features(f"{live_server}/ogc")
    with pytest.raises(RuntimeError, match="limit"):
        api.collection_items("cameras", limit=0)
