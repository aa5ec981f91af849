"""A deployment without land or without reports serves neither, and says nothing about them.

Each app here runs on the session's loaded database, which holds land and reports data: what a
view shows comes from the app's enabled capabilities, not from what the database contains.
"""

from __future__ import annotations

import json

import pytest

from opengov.dictionary import markdown_tables
from tests.conftest import make_app

LAND = ("parcels", "land-zones", "land-prices", "land-use-codes")
REPORTS = ("reports", "report-categories")


@pytest.fixture(scope="module")
def apps(loaded_app, tmp_path_factory):
    """``{"all": …, "land": <app without land>, "reports": <app without reports>}``."""
    url = loaded_app.extensions["opengov"].settings.resolved_database_url
    built = {"all": loaded_app}
    for left_out in ("land", "reports"):
        tmp = tmp_path_factory.mktemp(f"without-{left_out}")
        built[left_out] = make_app(url, tmp, disabled_capabilities=left_out)
    yield built
    for name in ("land", "reports"):
        built[name].extensions["opengov"].store.engine.dispose()


def _text(app, path: str) -> str:
    response = app.test_client().get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def _ids_in(text: str, ids: tuple[str, ...]) -> set[str]:
    """Which of ``ids`` appear as a quoted name or a path segment in ``text``."""
    return {i for i in ids if f'"{i}"' in text or f"/{i}" in text or f"{i}." in text}


VIEWS = ["/", "/openapi.json", "/datasets", "/catalog.jsonld", "/api/3/action/package_list",
         "/ogc/collections", "/health"]


@pytest.mark.parametrize("path", VIEWS)
@pytest.mark.parametrize("left_out, ids", [("land", LAND), ("reports", REPORTS)])
def test_a_left_out_capability_is_not_mentioned(apps, path, left_out, ids):
    present = _ids_in(_text(apps["all"], path), ids)
    absent = _ids_in(_text(apps[left_out], path), ids)
    # What the full app shows of them (reports are not spatial: not in /ogc/collections).
    assert present or (left_out == "reports" and path == "/ogc/collections")
    assert absent == set(), f"{path} without {left_out} still mentions {sorted(absent)}"


def test_the_openapi_document_has_no_land_paths_nor_tiles_of_parcels(apps):
    full = apps["all"].test_client().get("/openapi.json").get_json()
    spec = apps["land"].test_client().get("/openapi.json").get_json()
    assert any(p.startswith("/land/") for p in full["paths"])
    assert not any(p.startswith("/land/") for p in spec["paths"])
    tile = spec["paths"]["/tiles/{collection_id}/{z}/{x}/{y}.mvt"]
    enum = [p for p in tile["parameters"] if p["name"] == "collection_id"][0]["schema"]["enum"]
    assert "cameras" in enum and "parcels" not in enum
    assert "parcels" not in json.dumps(tile)


def test_the_openapi_document_has_no_open311_without_reports(apps):
    spec = apps["reports"].test_client().get("/openapi.json").get_json()
    assert not any(p.startswith(("/open311", "/reports")) for p in spec["paths"])


@pytest.mark.parametrize("path", ["/land/parcels", "/land/stats",
                                  "/ogc/collections/parcels", "/ogc/collections/parcels/items",
                                  "/tiles/parcels.json", "/tiles/parcels/14/13120/7584.mvt",
                                  "/datasets/parcels", "/api/3/action/package_show?id=parcels"])
def test_land_endpoints_answer_404_without_land(apps, path):
    response = apps["land"].test_client().get(path)
    assert response.status_code == 404, path
    assert apps["all"].test_client().get(path).status_code in (200, 204), path


def test_open311_answers_404_as_problem_json_without_reports(apps):
    response = apps["reports"].test_client().get("/open311/v2/services.json")
    assert response.status_code == 404
    # Open311's error family belongs to the reports capability: not installed here.
    assert response.content_type == "application/problem+json"
    with_reports = apps["all"].test_client().get("/open311/v2/requests/nope.json")
    assert with_reports.status_code == 404 and with_reports.is_json
    assert isinstance(with_reports.get_json(), list)  # Open311's error array


def test_the_data_dictionary_lists_only_enabled_collections(apps):
    full = markdown_tables(apps["all"].extensions["opengov"].registry)
    without = markdown_tables(apps["land"].extensions["opengov"].registry)
    assert "parcels" in full and "parcels" not in without and "cameras" in without


def test_the_landing_page_describes_only_enabled_capabilities(apps):
    body = apps["reports"].test_client().get("/").get_json()
    assert "report" not in body["description"] and "land" in body["description"]
    assert "report" in apps["all"].test_client().get("/").get_json()["description"]
