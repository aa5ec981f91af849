"""OGC API – Features Parts 1 and 3 and CQL2 as the standards state them (issue 17, points 1–10).

Every filter's answer is checked against the same predicate evaluated in Python over all the
features, on each backend: so SQLite and PostgreSQL give the same answers, and both give the
standard's (case-sensitive comparisons and ``LIKE``, any boolean combination, TRUE/FALSE).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from urllib.parse import quote, urlencode

import pytest

ITEMS = "/ogc/collections/cameras/items"


@pytest.fixture(scope="module")
def cameras(loaded_app) -> list[dict]:
    """Every camera's properties (and id; ``name`` also as ``name_vi``/``name_en``)."""
    body = loaded_app.test_client().get(ITEMS + "?limit=1000").json
    assert body["numberReturned"] == body["numberMatched"] > 10
    return [{**f["properties"], "id": f["id"], "name_vi": f["properties"]["name"]["vi"],
             "name_en": f["properties"]["name"]["en"]} for f in body["features"]]


def ids(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.json)
    body = response.json
    assert body["numberReturned"] == len(body["features"])
    assert body.get("numberMatched", body["numberReturned"]) == body["numberReturned"]
    return {f["id"] for f in body["features"]}


def text_filter(client, text: str) -> set[str]:
    return ids(client, f"{ITEMS}?limit=1000&filter={quote(text)}")


def json_filter(client, tree: object) -> set[str]:
    return ids(client, f"{ITEMS}?limit=1000&filter-lang=cql2-json&filter="
                       + quote(json.dumps(tree)))


def where(cameras, test) -> set[str]:
    return {c["id"] for c in cameras if test(c)}


def prop(name: str) -> dict:
    return {"property": name}


def like(pattern: str):
    """CQL2 LIKE (``%``, ``_``, backslash escape), case-sensitive, as a Python regex."""
    out, chars = [], iter(pattern)
    for ch in chars:
        if ch == "\\":
            out.append(re.escape(next(chars)))
        else:
            out.append({"%": ".*", "_": "."}.get(ch) or re.escape(ch))
    regex = re.compile("".join(out), re.DOTALL)
    return lambda value: value is not None and regex.fullmatch(value) is not None


# (CQL2-text, the same in CQL2-JSON, the predicate in Python)
EXPRESSIONS = [
    ("NOT (kind = 'flood' AND kind = 'x')",
     {"op": "not", "args": [{"op": "and", "args": [{"op": "=", "args": [prop("kind"), "flood"]},
                                                   {"op": "=", "args": [prop("kind"), "x"]}]}]},
     lambda c: True),
    ("NOT (kind = 'flood' OR status = 'online')",
     {"op": "not", "args": [{"op": "or", "args": [{"op": "=", "args": [prop("kind"), "flood"]},
                                                  {"op": "=", "args": [prop("status"),
                                                                       "online"]}]}]},
     lambda c: not (c["kind"] == "flood" or c["status"] == "online")),
    ("true", True, lambda c: True),
    ("false", False, lambda c: False),
    ("kind = 'flood' OR NOT (status = 'online' AND refresh_interval_s >= 30)",
     {"op": "or", "args": [
         {"op": "=", "args": [prop("kind"), "flood"]},
         {"op": "not", "args": [{"op": "and", "args": [
             {"op": "=", "args": [prop("status"), "online"]},
             {"op": ">=", "args": [prop("refresh_interval_s"), 30]}]}]}]},
     lambda c: c["kind"] == "flood" or not (c["status"] == "online"
                                            and c["refresh_interval_s"] >= 30)),
    ("kind = 'FLOOD'", {"op": "=", "args": [prop("kind"), "FLOOD"]},
     lambda c: c["kind"] == "FLOOD"),
    ("kind LIKE 'FLOOD'", {"op": "like", "args": [prop("kind"), "FLOOD"]},
     lambda c: like("FLOOD")(c["kind"])),
    ("kind LIKE 'fl%'", {"op": "like", "args": [prop("kind"), "fl%"]},
     lambda c: like("fl%")(c["kind"])),
    ("kind LIKE 'FL%'", {"op": "like", "args": [prop("kind"), "FL%"]},
     lambda c: like("FL%")(c["kind"])),
    ("road LIKE '%_%'", {"op": "like", "args": [prop("road"), "%_%"]},
     lambda c: like("%_%")(c["road"])),
    ("id LIKE 'cam-0000_'", {"op": "like", "args": [prop("id"), "cam-0000_"]},
     lambda c: like("cam-0000_")(c["id"])),
    ("id LIKE 'cam\\-%'", {"op": "like", "args": [prop("id"), "cam\\-%"]},
     lambda c: like("cam\\-%")(c["id"])),
    ("id LIKE 'cam-*'", {"op": "like", "args": [prop("id"), "cam-*"]},
     lambda c: like("cam-*")(c["id"])),
    ("name_en LIKE '%[%'", {"op": "like", "args": [prop("name_en"), "%[%"]},
     lambda c: like("%[%")(c["name_en"])),
    ("kind NOT LIKE 'f%'",
     {"op": "not", "args": [{"op": "like", "args": [prop("kind"), "f%"]}]},
     lambda c: not like("f%")(c["kind"])),
    ("refresh_interval_s > 3.14", {"op": ">", "args": [prop("refresh_interval_s"), 3.14]},
     lambda c: c["refresh_interval_s"] > 3.14),
    ("refresh_interval_s <= 15.5", {"op": "<=", "args": [prop("refresh_interval_s"), 15.5]},
     lambda c: c["refresh_interval_s"] <= 15.5),
    ("refresh_interval_s BETWEEN 100.0 AND 1.0",
     {"op": "between", "args": [prop("refresh_interval_s"), 100.0, 1.0]}, lambda c: False),
    ("refresh_interval_s BETWEEN 1 AND 15.5",
     {"op": "between", "args": [prop("refresh_interval_s"), 1, 15.5]},
     lambda c: 1 <= c["refresh_interval_s"] <= 15.5),
    ("refresh_interval_s IN (15, 30.0)",
     {"op": "in", "args": [prop("refresh_interval_s"), [15, 30.0]]},
     lambda c: c["refresh_interval_s"] in (15, 30)),
    ("30 < refresh_interval_s", {"op": "<", "args": [30, prop("refresh_interval_s")]},
     lambda c: c["refresh_interval_s"] > 30),
    ("kind IN ('flood', 'traffic') AND status <> 'online'",
     {"op": "and", "args": [{"op": "in", "args": [prop("kind"), ["flood", "traffic"]]},
                            {"op": "<>", "args": [prop("status"), "online"]}]},
     lambda c: c["kind"] in ("flood", "traffic") and c["status"] != "online"),
    ("stream_url IS NULL", {"op": "isNull", "args": [prop("stream_url")]},
     lambda c: c["stream_url"] is None),
    ("NOT stream_url IS NULL",
     {"op": "not", "args": [{"op": "isNull", "args": [prop("stream_url")]}]},
     lambda c: c["stream_url"] is not None),
    ("S_INTERSECTS(geometry, BBOX(108.0, 15.0, 108.25, 17.0))",
     {"op": "s_intersects", "args": [prop("geometry"), {"bbox": [108.0, 15.0, 108.25, 17.0]}]},
     None),
]


@pytest.mark.parametrize(("text", "tree", "expected"), EXPRESSIONS,
                         ids=[e[0] for e in EXPRESSIONS])
def test_text_and_json_give_the_standards_answer(client, cameras, text, tree, expected):
    from_text = text_filter(client, text)
    assert json_filter(client, tree) == from_text
    if expected is not None:
        assert from_text == where(cameras, expected)


def test_spatial_filter_matches_the_bbox_parameter(client):
    box = "108.0,15.0,108.25,17.0"
    assert text_filter(client, "S_INTERSECTS(geometry, BBOX(108.0, 15.0, 108.25, 17.0))") == \
        ids(client, f"{ITEMS}?limit=1000&bbox={box}")


def test_in_a_timestamp_returns_the_features_it_counts(client, cameras):
    seen = next(c["last_seen"] for c in cameras if c["last_seen"])
    expected = where(cameras, lambda c: c["last_seen"] == seen)
    stamp = datetime.fromisoformat(seen.replace("Z", "+00:00")).isoformat()
    for text in (f"last_seen IN (TIMESTAMP('{stamp}'))", f"last_seen = TIMESTAMP('{stamp}')",
                 f"last_seen IN (TIMESTAMP('{stamp}'), TIMESTAMP('2001-01-01T00:00:00Z'))"):
        assert text_filter(client, text) == expected, text
    # through the compiled-statement path too (a second request with other values)
    assert text_filter(client, "last_seen IN (TIMESTAMP('2001-01-01T00:00:00Z'))") == set()


def test_in_a_timestamp_on_reports(empty_app):
    """The same on submitted reports' ``requested_at`` (the sample has none)."""
    from opengov.loader import load_all
    from tests.conftest import DATASETS

    load_all(empty_app.extensions["opengov"].store, DATASETS, only=["report-categories"])
    client = empty_app.test_client()
    for n in range(2):
        answer = client.post("/reports", json={"category": "pothole", "lon": 108.47 + n / 100,
                                               "lat": 15.57, "description": f"Ổ gà số {n}"})
        assert answer.status_code == 201, answer.get_data(as_text=True)
    url = "/ogc/collections/reports/items?limit=100"
    features = client.get(url).json["features"]
    stamp = features[0]["properties"]["requested_at"]
    same = {f["id"] for f in features if f["properties"]["requested_at"] == stamp}
    for op, expected in (("IN", same), ("NOT IN", {f["id"] for f in features} - same)):
        text = f"requested_at {op} (TIMESTAMP('{stamp}'))"
        body = client.get(f"{url}&filter=" + quote(text)).json
        assert body["numberReturned"] == body["numberMatched"] == len(expected), text
        assert {f["id"] for f in body["features"]} == expected


@pytest.mark.parametrize("text", [
    "CASEI(kind) = CASEI('FLOOD')", "kind LIKE ACCENTI('x')", "kind LIKE 'x\\'",
    "T_INTERSECTS(last_seen, INTERVAL('2020-01-01', '..'))", "refresh_interval_s + 1 = 2",
    "kind = 1", "refresh_interval_s = 'x'", "'a' = 'a'",
])
def test_unsupported_constructs_are_a_400(client, text):
    response = client.get(f"{ITEMS}?filter={quote(text)}")
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"


def test_a_spatial_filter_outside_the_crs_area_is_a_400(client):
    """OGC 19-079r2 /conf/filter/filter-crs-wgs84: coordinates are WGS 84 unless
    ``filter-crs`` says otherwise, so 1000000 is not a longitude."""
    text = "S_INTERSECTS(geometry, BBOX(1000000, 1000000, 2000000, 2000000))"
    assert client.get(f"{ITEMS}?filter={quote(text)}").status_code == 400
    inside = client.get(f"{ITEMS}?filter-crs=EPSG:5899&filter=" + quote(
        "S_INTERSECTS(geometry, BBOX(500000, 1700000, 600000, 1800000))"))
    assert inside.status_code == 200


@pytest.mark.parametrize("tree", ['{"op": "=", "args": [{"property": "kind"}]}', "[1",
                                  '"kind"', '{"op": "s_crosses", "args": []}', "5"])
def test_invalid_cql2_json_is_a_400(client, tree):
    response = client.get(f"{ITEMS}?filter-lang=cql2-json&filter={quote(tree)}")
    assert response.status_code == 400
    assert "filter" in response.json["detail"]


def test_every_queryable_is_a_query_parameter(client, cameras):
    """OGC 19-079r2, queryables-query-parameters: ``name=value`` selects equal values."""
    queryables = client.get("/ogc/collections/cameras/queryables").json["properties"]
    sample = next(c for c in cameras if c["stream_url"] is None and c["owner"])
    for name in queryables:
        if name in ("geometry", "name"):
            continue
        value = sample[name]
        if value is None:
            continue
        expected = where(cameras, lambda c, n=name, v=value: c[n] == v)
        assert ids(client, f"{ITEMS}?limit=1000&" + urlencode({name: value})) == expected, name


def test_the_bilingual_queryable_matches_either_language(client, cameras):
    sample = cameras[0]
    for value in (sample["name_vi"], sample["name_en"]):
        expected = where(cameras, lambda c, v=value: v in (c["name_vi"], c["name_en"]))
        assert ids(client, f"{ITEMS}?limit=1000&" + urlencode({"name": value})) == expected


def test_datetime_is_accepted_where_there_is_no_time_property(client, cameras):
    """OGC 17-069r4 /req/core/fc-time-definition: every items operation takes ``datetime``."""
    every = {c["id"] for c in cameras}
    for value in ("2020-01-01", "2020-01-01T00:00:00Z/..", "../2000-01-01"):
        assert ids(client, f"{ITEMS}?limit=1000&datetime={quote(value)}") == every
    assert client.get(f"{ITEMS}?datetime=yesterday").status_code == 400


def test_a_limit_above_the_maximum_is_served_at_the_maximum(client):
    """OGC 17-069r4 /req/core/fc-limit-response-1: not an error."""
    response = client.get("/ogc/collections/admin-units/items?limit=5000&f=json")
    assert response.status_code == 200
    body = response.json
    assert body["numberReturned"] == min(1000, body["numberMatched"])
    small = client.get("/ogc/collections/admin-units/items?limit=3").json
    assert small["numberReturned"] == 3
    assert client.get(f"{ITEMS}?limit=0").status_code == 400


def test_landing_page_with_a_slash_and_typed_link_headers(client):
    slash = client.get("/ogc/")
    assert slash.status_code == 200
    assert slash.json["links"] == client.get("/ogc").json["links"]
    link = client.get(f"{ITEMS}?limit=1").headers["Link"]
    assert '; rel="self"; type="application/geo+json"' in link
    assert '; rel="next"; type="application/geo+json"' in link
    html = client.get(f"{ITEMS}?limit=1&f=html").headers["Link"]
    assert 'type="text/html"' in html


def test_cql2_json_is_declared_and_documented(client):
    classes = client.get("/ogc/conformance").json["conformsTo"]
    assert "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json" in classes
    assert not any(c.endswith(("/case-insensitive-comparison",
                               "/accent-insensitive-comparison")) for c in classes)
    spec = client.get("/openapi.json").json
    params = spec["paths"]["/ogc/collections/cameras/items"]["get"]["parameters"]
    lang = next(p for p in params if p["name"] == "filter-lang")
    assert lang["schema"]["enum"] == ["cql2-text", "cql2-json"]
    names = {p["name"] for p in params}
    assert {"direction", "owner", "refresh_interval_s", "id", "name_en", "datetime"} <= names


LINK = re.compile(r'<([^>]*)>((?:\s*;\s*[a-z]+="[^"]*")*)')


def header_links(header: str) -> list[dict]:
    """An RFC 8288 ``Link`` header as ``[{"href": …, "rel": …, "type": …}]``."""
    return [{"href": href, **dict(re.findall(r'([a-z]+)="([^"]*)"', params))}
            for href, params in LINK.findall(header)]


def test_every_items_resource_links_its_queryables(client):
    """OGC 19-079r2 /conf/queryables/get-queryables-uris and …/get-queryables."""
    rel = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
    for collection in client.get("/ogc/collections").json["collections"]:
        items = f"/ogc/collections/{collection['id']}/items"
        response = client.head(items, headers={"Accept": "application/json"})
        assert response.status_code == 200
        found = [lk for lk in header_links(response.headers["Link"]) if lk["rel"] == rel]
        assert len(found) == 1 and found[0]["type"] == "application/schema+json"
        href = found[0]["href"]
        document = client.get(href.removeprefix("http://localhost"),
                              headers={"Accept": "application/schema+json"})
        assert document.status_code == 200
        assert document.mimetype == "application/schema+json"
        schema = document.json
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == href and schema["type"] == "object" and schema["properties"]
        for prop in schema["properties"].values():
            assert "type" in prop or prop["format"].startswith("geometry-")
