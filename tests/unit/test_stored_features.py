"""Stored Features taken apart as bytes must give exactly what parsing them would."""

from __future__ import annotations

import orjson
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from opengov.geo.crs import CRS84, SUPPORTED, parse_crs
from opengov.geo.geojson import feature_json, join_feature, split_feature, with_properties
from opengov.geo.reshape import Reshape

# Property values, including strings that imitate the keys the splitting looks for.
tricky = st.sampled_from([',"properties":', ',"geometry":', '"}', "\\", "Hội An"])
scalar = st.one_of(st.none(), st.booleans(), st.integers(-10**9, 10**9),
                   st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12), tricky)
value = st.recursive(scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(
        ["properties", "geometry", "a"]), inner, max_size=3)), max_leaves=6)
properties = st.dictionaries(st.text(min_size=1, max_size=8) | tricky, value, max_size=6)
ids = st.text(min_size=1, max_size=12) | tricky
coordinate = st.floats(-170, 170, allow_nan=False)
geometries = st.one_of(
    st.none(),
    st.builds(shapely.Point, coordinate, coordinate),
    st.builds(lambda x, y, d: shapely.box(x, y, x + d, y + d), coordinate, coordinate,
              st.floats(0.001, 5)),
)


@given(ids, geometries, properties)
def test_split_and_join_give_the_stored_feature_back(feature_id, geom, props):
    stored = feature_json(feature_id, geom, props)
    head, geometry, props_json = split_feature(stored)
    assert join_feature(head, geometry, props_json) == stored.encode()
    parsed = orjson.loads(stored)
    assert orjson.loads(geometry) == parsed["geometry"]
    assert orjson.loads(props_json) == parsed["properties"]
    assert orjson.loads(head + b"}") == {"type": "Feature", "id": feature_id}


@given(ids, geometries, properties, st.data())
def test_selecting_properties_matches_parsing(feature_id, geom, props, data):
    stored = feature_json(feature_id, geom, props)
    wanted = tuple(data.draw(st.lists(st.sampled_from([*props, "absent"]), max_size=4,
                                      unique=True)))
    got = orjson.loads(Reshape(SUPPORTED[CRS84], wanted).feature(stored))
    expected = orjson.loads(stored)
    expected["properties"] = {k: props[k] for k in wanted if k in props}
    assert got == expected
    assert with_properties(stored, lambda p: p) == stored.encode()


def test_features_in_another_layout_are_parsed_instead():
    other = '{"properties":{"a":1,"b":2},"id":"x","type":"Feature","geometry":null}'
    got = orjson.loads(Reshape(SUPPORTED[CRS84], ("b",)).feature(other))
    assert got == {"type": "Feature", "id": "x", "geometry": None, "properties": {"b": 2}}


@settings(max_examples=30)
@given(st.lists(st.builds(lambda x, y, d: shapely.box(x, y, x + d, y + d),
                          st.floats(105, 110), st.floats(10, 20), st.floats(0.0001, 0.01)),
                min_size=1, max_size=5))
def test_geometry_from_stored_wkb_equals_geometry_from_geojson(boxes):
    stored = [feature_json(str(n), g, {"n": n}) for n, g in enumerate(boxes)]
    wkb = [shapely.to_wkb(shapely.from_geojson(orjson.dumps(orjson.loads(s)["geometry"])))
           for s in stored]
    for reshape in (Reshape(SUPPORTED[CRS84], None, 0.0005),
                    Reshape(parse_crs("EPSG:5899"), ("n",)),
                    Reshape(parse_crs("http://www.opengis.net/def/crs/EPSG/0/4326"))):
        assert reshape.features(stored, wkb) == reshape.features(stored)
