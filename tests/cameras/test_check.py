"""`opengov cameras check`: the periodic status check, against a real upstream server."""

from __future__ import annotations

import orjson
from click.testing import CliRunner

from opengov.cli import main
from tests.cameras.conftest import JPEG, camera


def _statuses(app) -> dict[str, tuple[str, object]]:
    client = app.test_client()
    features = orjson.loads(client.get("/cameras?limit=100").data)["features"]
    return {f["id"]: (f["properties"]["status"], f["properties"]["last_seen"]) for f in features}


def test_check_updates_status_of_every_checkable_camera(make_camera_app, upstream, tmp_path):
    upstream.route("/ok.jpg", JPEG, content_type="image/jpeg")
    upstream.route("/sec.jpg", JPEG, content_type="image/jpeg")
    upstream.fail("/down.jpg", 503)
    app = make_camera_app([
        camera("cam-ok", upstream.url + "/ok.jpg", status="offline"),
        camera("cam-down", upstream.url + "/down.jpg"),
        camera("cam-sec", upstream.url + "/sec.jpg", kind="security", status="offline"),
        camera("cam-far", "http://cameras.example.invalid/x.jpg"),
        camera("cam-fix", upstream.url + "/down.jpg", status="maintenance"),
    ])
    settings = app.extensions["opengov"].settings
    env = {"OPENGOV_INSTANCE_PATH": str(tmp_path / "cli"),
           "OPENGOV_CAMERA_SNAPSHOT_HOSTS": settings.camera_snapshot_hosts}
    args = ["--database-url", settings.resolved_database_url, "cameras", "check"]

    result = CliRunner().invoke(main, args, env=env)

    assert result.exit_code == 0, result.output
    assert "checked 4 cameras: 2 online, 2 offline; 1 skipped" in result.output
    assert "offline  cam-down" in result.output
    statuses = _statuses(app)
    assert statuses["cam-ok"][0] == "online" and statuses["cam-ok"][1]
    assert statuses["cam-down"][0] == "offline"
    assert statuses["cam-sec"][0] == "online"  # checked, though never served
    assert statuses["cam-far"] == ("online", None)  # not on the allow-list: untouched
    assert statuses["cam-fix"][0] == "maintenance"  # an operator's status is kept
    assert upstream.count("/sec.jpg") == 1

    # a security camera's image is not cached: the next check asks the camera again
    CliRunner().invoke(main, args + ["--camera", "cam-sec"], env=env)
    assert upstream.count("/sec.jpg") == 2
    assert app.test_client().get("/cameras/cam-sec/snapshot").status_code == 403
