"""Conditional requests across the whole API: every GET that gives an ETag documents 304 in the
live OpenAPI document and answers 304 to its own ETag over real HTTP; If-Match gives 412."""

from __future__ import annotations

import re

import pytest
import requests
from flask import Flask, Response
from shapely.geometry import shape

from opengov.api import Api, Blueprint
from opengov.conditional import version_tag, versioned
from tests.conftest import DATASETS
from tests.serving import serving

# Path parameters that are not the id of a record listed one level up.
FIXED = {"collection_id": "cameras", "z": "0", "x": "0", "y": "0", "dataset_id": "cameras",
         "fmt": "csv", "format": "json"}


@pytest.fixture(scope="module")
def live(loaded_app, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("conditional-server")
    url = loaded_app.extensions["opengov"].settings.resolved_database_url
    env = {"OPENGOV_INSTANCE_PATH": str(tmp), "OPENGOV_DATABASE_URL": url,
           "OPENGOV_DATASETS_PATH": str(DATASETS), "OPENGOV_SAMPLE_PROFILE": "small"}
    with serving(env, tmp / "server.log") as base:
        yield base


def _first_id(base: str, list_path: str) -> str | None:
    """The id of the first record the list one level up answers (None: no such list)."""
    response = requests.get(base + list_path, params={"limit": 1}, timeout=60)
    if response.status_code != 200 or "json" not in response.headers["Content-Type"]:
        return None
    body = response.json()
    records = body.get("features") or body.get("items") or []
    if not records:
        return None
    return str(records[0].get("code") or records[0]["id"])


def _sample_url(base: str, path: str, op: dict) -> str | None:
    """``path`` with sample path parameters and required query parameters, or None."""
    url = path
    for name in re.findall(r"{(\w+)}", path):
        value = FIXED.get(name) or _first_id(base, path[:path.index("{" + name)].rstrip("/"))
        if value is None:
            return None
        url = url.replace("{" + name + "}", value)
    required = [p["name"] for p in op.get("parameters", [])
                if p.get("in") == "query" and p.get("required")]
    if required == ["lon", "lat"] or set(required) == {"lon", "lat"}:
        parcel = requests.get(base + "/land/parcels", params={"limit": 1}, timeout=60).json()
        point = shape(parcel["features"][0]["geometry"]).representative_point()
        url += f"?lon={point.x}&lat={point.y}"
    elif required:
        return None
    return url


def test_every_get_with_an_etag_documents_and_answers_304(live):
    spec = requests.get(live + "/openapi.json", timeout=60).json()
    checked, documented_but_untagged = [], []
    for path, item in spec["paths"].items():
        op = item.get("get")
        if op is None:
            continue
        url = _sample_url(live, path, op)
        if url is None:
            continue
        first = requests.get(live + url, timeout=120)
        documents_304 = "304" in op["responses"]
        etag = first.headers.get("ETag")
        if etag is None:
            if documents_304 and first.ok:
                documented_but_untagged.append(url)
            continue
        assert documents_304, f"GET {path} sends an ETag but its 304 is undocumented"
        again = requests.get(live + url, headers={"If-None-Match": etag}, timeout=120)
        assert again.status_code == 304, url
        assert again.headers["ETag"] == etag and not again.content, url
        assert again.headers.get("Cache-Control") == first.headers.get("Cache-Control"), url
        checked.append(path)
    # A 200 that says it is versioned must carry the ETag a client revalidates with.
    assert documented_but_untagged == []
    # Domain lists and items, OGC documents and items, tiles, catalogue files were all reached.
    for expected in ("/land/parcels/{item_id}", "/land/lookup", "/land/stats",
                     "/procedures/stats", "/procedures/{code}", "/reports",
                     "/monitoring/stations", "/ogc/collections",
                     "/ogc/collections/parcels/items/{feature_id}",
                     "/tiles/{collection_id}/{z}/{x}/{y}.mvt", "/tiles/{collection_id}.json",
                     "/datasets/{dataset_id}/download.{fmt}"):
        assert expected in checked, expected


def test_revalidation_survives_a_compressing_proxy(live):
    first = requests.get(live + "/land/codes?limit=2", timeout=60)
    gzipped = first.headers["ETag"][:-1] + '-gzip"'  # as nginx/Apache rewrite it
    again = requests.get(live + "/land/codes?limit=2", headers={"If-None-Match": "W/" + gzipped},
                         timeout=60)
    assert again.status_code == 304


@pytest.fixture(scope="module")
def tiny():
    """A real app with one versioned view that also checks If-Match."""
    app = Flask(__name__)
    app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.0.3")
    api = Api(app)
    blp = Blueprint("tiny", __name__)
    state = {"version": 1}

    @blp.route("/thing")
    @blp.response(200, {"type": "string"}, content_type="text/plain", example="v1")
    @versioned(blp, max_age=7, if_match=True)
    def thing():
        version_tag("thing", state["version"])
        return Response(f"v{state['version']}", mimetype="text/plain")

    api.register_blueprint(blp)
    return app, api, state


def test_if_match_is_412_when_the_version_moved_and_both_are_documented(tiny):
    app, api, state = tiny
    client = app.test_client()
    state["version"] = 1
    etag = client.get("/thing").headers["ETag"]
    assert client.get("/thing", headers={"If-Match": etag}).status_code == 200
    state["version"] = 2
    stale = client.get("/thing", headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.mimetype == "application/problem+json"
    fresh = client.get("/thing")
    assert fresh.headers["Cache-Control"] == "public, max-age=7"
    assert client.get("/thing", headers={"If-None-Match": fresh.headers["ETag"]}).status_code == 304
    responses = api.spec.to_dict()["paths"]["/thing"]["get"]["responses"]
    assert {"304", "412"} <= set(responses)


def test_version_tag_outside_a_versioned_view_is_a_programming_error(tiny):
    app, _, _ = tiny
    with app.test_request_context("/untagged"), pytest.raises(RuntimeError, match="@versioned"):
        version_tag("a view that forgot its decorator")
