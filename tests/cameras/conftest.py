"""Fixtures: an app per backend whose cameras point at a real upstream server on 127.0.0.1."""

from __future__ import annotations

import pytest

from opengov.cameras.collection import CAMERAS
from opengov.store.migrate import upgrade
from opengov.store.records import row_values
from tests.conftest import make_app, new_database_url
from tests.upstream import upstream  # noqa: F401  (fixture)

# A few bytes that start like a JPEG; the gateway checks the media type, not the pixels.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8


def camera(camera_id: str, url: str | None, kind: str = "traffic",
           status: str = "online") -> tuple[dict, dict]:
    """A camera record and its geometry."""
    return ({"id": camera_id, "name": {"vi": f"Camera {camera_id}", "en": f"Camera {camera_id}"},
             "kind": kind, "status": status, "snapshot_url": url, "stream_type": "jpeg",
             "refresh_interval_s": 30, "last_seen": None},
            {"type": "Point", "coordinates": [108.47, 15.57]})


def load_cameras(app, cameras) -> None:
    """Make the cameras collection hold exactly ``cameras``."""
    store = app.extensions["opengov"].store
    rows = [row_values(CAMERAS, record, geometry) for record, geometry in cameras]
    store.repo("cameras").replace_all(rows, source="test")


@pytest.fixture
def make_camera_app(backend, postgres, tmp_path, upstream):  # noqa: F811
    """``make_camera_app(cameras, **settings)``: a migrated app on this backend whose snapshot
    allow-list is the upstream server, holding ``cameras``."""
    apps = []

    def build(cameras, **config):
        config.setdefault("camera_snapshot_hosts", upstream.url.removeprefix("http://"))
        folder = tmp_path / f"app{len(apps)}"
        folder.mkdir()
        app = make_app(new_database_url(backend, postgres, folder), folder, **config)
        upgrade(app.extensions["opengov"].store.engine)
        load_cameras(app, cameras)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["opengov"].store.engine.dispose()
