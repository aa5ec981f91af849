"""Two applications in one process keep their own gateway state (sources, stale marks)."""

from __future__ import annotations

from tests.conftest import make_app
from tests.gateway.test_harvest import GEOJSON


def test_stale_marks_belong_to_the_application_whose_source_failed(cameras, loaded_app):
    cameras.harvest_one()
    cameras.upstream.fail(GEOJSON, 503)
    cameras.harvest_one()
    assert cameras.client.get("/cameras").headers["X-Data-Stale"] == "true"
    other = loaded_app.test_client()
    assert "X-Data-Stale" not in other.get("/cameras").headers
    assert other.get("/health").get_json()["stale_sources"] == []
    assert cameras.client.get("/cameras").headers["X-Data-Stale"] == "true"


def test_an_app_without_the_gateway_on_the_same_database_marks_nothing(cameras, tmp_path):
    cameras.harvest_one()
    cameras.upstream.fail(GEOJSON, 503)
    cameras.harvest_one()
    url = cameras.settings.resolved_database_url
    plain = make_app(url, tmp_path, sources_file=str(cameras.sources_file),
                     disabled_capabilities="gateway")
    try:
        client = plain.test_client()
        assert "X-Data-Stale" not in client.get("/cameras").headers
        assert "stale_sources" not in client.get("/health").get_json()
        assert client.get("/sources").status_code == 404
    finally:
        plain.extensions["opengov"].store.engine.dispose()
