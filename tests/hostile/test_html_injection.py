"""HTML pages: embedded JSON cannot break out of its ``<script>`` (point 15), and no page
takes its script or data URLs from the ``Host`` header (point 16)."""

from __future__ import annotations

import json
import re

import pytest

from opengov.reports import service
from opengov.script_json import script_json
from tests.reports.conftest import api, reports_app  # noqa: F401  (fixtures)

TRAPS = ["<!--<script>", "</script><script>alert(1)</script>", "a & b > c", "<\u2028>"]
DATA_BLOCK = re.compile(r'<script type="application/json" id="(\w+)">(.*?)</script>', re.S)
SCRIPT_SRC = re.compile(r'<script src="([^"]*)"')


def _blocks(page: str) -> dict[str, str]:
    return dict(DATA_BLOCK.findall(page))


@pytest.mark.parametrize("value", TRAPS)
def test_script_json_round_trips_without_markup(value):
    text = script_json({"d": value, "list": [value]})
    assert not set("<>&\u2028") & set(text)
    assert json.loads(text) == {"d": value, "list": [value]}


def test_ogc_pages_keep_hostile_descriptions_inside_their_data_block(reports_app,  # noqa: F811
                                                                      api):  # noqa: F811
    # The reports API now refuses markup in descriptions (issue 17), so the traps are stored
    # below the API, as data from before that rule or from another loader would be.
    store = reports_app.extensions["opengov"].store
    ids = [service.submit(store, service.Submission(category="pothole", description=trap,
                                                    lon=108.47, lat=15.57),
                          idempotency_key=None, idempotency_hours=24).report_id
           for trap in TRAPS]
    refused = api.post("/reports", json={"category": "pothole", "description": TRAPS[1],
                                         "lon": 108.47, "lat": 15.57})
    assert refused.status_code == 422
    pages = [api.get("/ogc/collections/reports/items?f=html&limit=50")]
    pages += [api.get(f"/ogc/collections/reports/items/{i}?f=html") for i in ids]
    for page, wanted in zip(pages, [TRAPS, *([t] for t in TRAPS)], strict=True):
        assert page.status_code == 200 and page.mimetype == "text/html"
        html = page.get_data(as_text=True)
        block = _blocks(html)["features"]
        assert "<" not in block and ">" not in block and "&" not in block
        data = json.loads(block)
        assert sorted(f["properties"]["description"] for f in data["features"]) == \
            sorted(wanted)
        # The page's own map script follows the data block, untouched.
        assert html.count("JSON.parse(document.getElementById(\"features\")") == 1
        assert html.index('id="features"') < html.index("L.map(")


def test_the_map_config_block_is_escaped(api):  # noqa: F811
    page = api.get("/map").get_data(as_text=True)
    block = _blocks(page)["config"]
    assert not set("<>&") & set(block)
    assert json.loads(block)["layers"]


@pytest.mark.parametrize("path", ["/map", "/map?lang=en", "/ogc?f=html",
                                  "/ogc/collections/reports/items?f=html"])
def test_pages_do_not_take_urls_from_the_host_header(api, path):  # noqa: F811
    honest = api.get(path)
    poisoned = api.get(path, headers={"Host": "evil.example:8443"})
    assert poisoned.status_code == 200
    html = poisoned.get_data(as_text=True)
    sources = SCRIPT_SRC.findall(html)
    if "items" in path or path.startswith("/map"):  # pages with a map
        assert sources == ["/map/static/leaflet/leaflet.js"]
    assert all(src.startswith("/map/static/leaflet/") for src in sources)
    assert 'href="/map/static/leaflet/leaflet.css"' in html
    if path.startswith("/ogc"):  # navigation too
        assert 'href="/ogc?lang=' in html and 'href="/map?lang=' in html
    if path.startswith("/map"):
        assert "evil.example" not in html  # the whole page, data URLs included
        assert poisoned.get_data() == honest.get_data()  # what a shared cache may keep
        config = json.loads(_blocks(html)["config"])
        assert all(layer["items"].startswith("/") for layer in config["layers"])
        assert poisoned.headers["Cache-Control"].startswith("public")


def test_a_configured_base_url_is_used_as_is(reports_app):  # noqa: F811
    from opengov.app import create_app

    settings = reports_app.extensions["opengov"].settings
    app = create_app({"database_url": settings.database_url,
                      "instance_path": settings.instance_path,
                      "datasets_path": settings.datasets_path, "sample_profile": "small",
                      "base_url": "https://data.example.gov.vn/api/"})
    page = app.test_client().get("/map", headers={"Host": "evil.example"})
    html = page.get_data(as_text=True)
    assert SCRIPT_SRC.findall(html) == ["https://data.example.gov.vn/api/map/static/leaflet/"
                                        "leaflet.js"]
    assert "evil.example" not in html
    app.extensions["opengov"].store.engine.dispose()
