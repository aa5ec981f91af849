"""First start: the server answers at once while the sample loads in a background process."""

from __future__ import annotations

from opengov.app import create_app
from opengov.first_start import marker_path, needs_sample, start_sample_load
from opengov.store.migrate import upgrade
from tests.conftest import DATASETS


def test_health_says_the_sample_is_loading_until_the_background_load_is_done(tmp_path):
    config = {"database_url": f"sqlite:///{tmp_path / 'opengov.sqlite3'}",
              "instance_path": str(tmp_path), "datasets_path": str(DATASETS),
              "sample_profile": "small"}
    app = create_app(config)
    ctx = app.extensions["opengov"]
    upgrade(ctx.store.engine)
    assert needs_sample(ctx)
    loader = start_sample_load(config, ctx.settings)
    try:
        health = app.test_client().get("/health")
        assert health.status_code == 200
        assert health.get_json()["sample"]["state"] == "loading"
    finally:
        assert loader.wait(timeout=600) == 0
    health = app.test_client().get("/health").get_json()
    assert "sample" not in health
    assert health["collections"]["cameras"]["records"] > 0
    assert health["collections"]["parcels"]["records"] > 0  # generated land sample too
    assert not needs_sample(ctx)
    # the background process built the loaded versions' files: sizes known before any download
    shown = app.test_client().post("/api/action/package_show", json={"id": "cameras"})
    resources = shown.get_json()["result"]["resources"]
    assert resources and all(r["size"] > 0 and r["hash"].startswith("sha256:")
                             for r in resources)
    readings = app.test_client().get("/datasets/monitoring-readings").get_json()
    extracts = [d for d in readings["distributions"] if d.get("period")]
    assert extracts and all(d["sha256"] for d in extracts)
    marker_path(ctx.settings).write_text('{"state": "loading"}')  # an interrupted load
    assert needs_sample(ctx)  # is resumed by the next `opengov serve`
    ctx.store.engine.dispose()
