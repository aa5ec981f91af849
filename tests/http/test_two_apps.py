"""Two applications in one process (different databases, different capabilities) share no
per-application state: caches, error formats and collections stay with their application."""

from __future__ import annotations

from tests.conftest import make_app


def test_land_statistics_are_per_database(loaded_app, empty_app):
    loaded = loaded_app.test_client().get("/land/stats").get_json()
    empty = empty_app.test_client().get("/land/stats").get_json()
    assert loaded["parcels"] > 0
    assert empty["parcels"] == 0 and empty["communes"] == []
    assert loaded_app.test_client().get("/land/stats").get_json() == loaded


def test_error_families_are_per_application(loaded_app, tmp_path):
    url = loaded_app.extensions["opengov"].settings.resolved_database_url
    without = make_app(url, tmp_path, disabled_capabilities="reports,catalog")
    try:
        for _ in range(2):  # interleaved: neither app's formats leak into the other
            mine = without.test_client().get("/api/3/action/package_list")
            theirs = loaded_app.test_client().get("/api/3/action/package_show?id=nope")
            assert mine.status_code == 404
            assert mine.content_type == "application/problem+json"
            assert theirs.status_code == 404 and theirs.get_json()["success"] is False
    finally:
        without.extensions["opengov"].store.engine.dispose()


def test_collections_are_per_application(loaded_app, tmp_path):
    url = loaded_app.extensions["opengov"].settings.resolved_database_url
    only = make_app(url, tmp_path, capabilities="web,cameras,ogcapi")
    try:
        ids = [c["id"] for c in only.test_client().get("/ogc/collections").get_json()[
            "collections"]]
        assert ids == ["cameras"]
        full = loaded_app.test_client().get("/ogc/collections").get_json()["collections"]
        assert len(full) > 1
    finally:
        only.extensions["opengov"].store.engine.dispose()
