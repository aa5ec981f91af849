"""Hostile upstreams: a server that sends one byte at a time cannot hold a harvest or a viewer.

Every read is quick (the byte comes), so per-read timeouts never trip; only a wall-clock
deadline ends these requests. The time bounds below are "ends instead of running for minutes".
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from opengov.settings import load_settings
from opengov.upstream.session import cached_session
from tests.cameras.conftest import JPEG, camera, make_camera_app  # noqa: F401 (fixture)
from tests.gateway.conftest import cameras, fixture_text, gateway, gateway_database  # noqa: F401
from tests.upstream import upstream  # noqa: F401 (fixture)

BODY = "x" * 400  # at 0.1 s a byte: 40 s and more for the whole answer
ENDS_WITHIN = 10  # seconds, for deadlines of 1 s: generous, and far below the minutes of a drip


def _one_byte_at_a_time(server, path: str, *, whole_answer: bool) -> None:
    if whole_answer:  # status line, headers and body
        server.drip(path, 0.1)
    else:  # headers at once, then the body one byte every 0.1 s
        server.trickle(path, 0.1 * len(BODY), chunks=len(BODY))


@pytest.mark.parametrize("whole_answer", [True, False], ids=["dripped-answer", "trickled-body"])
def test_upstream_session_ends_a_dripping_answer_at_its_deadline(tmp_path, upstream,  # noqa: F811
                                                                 whole_answer):
    settings = load_settings({"instance_path": tmp_path, "http_timeout": 1}, environ={})
    upstream.route("/drip.json", BODY)
    _one_byte_at_a_time(upstream, "/drip.json", whole_answer=whole_answer)
    session = cached_session(settings, namespace="hostile", retries=0)
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        session.get(upstream.url + "/drip.json")
    assert time.monotonic() - started < ENDS_WITHIN
    upstream.recover("/drip.json")
    assert session.get(upstream.url + "/drip.json").text == BODY  # the session still works


def test_harvest_of_a_dripping_source_fails_at_its_timeout(cameras):  # noqa: F811
    text = fixture_text("sources.toml").replace('expire_after = "{expire}"',
                                                'expire_after = "{expire}"\ntimeout = 1')
    cameras.write_sources(text)
    cameras.upstream.drip("/cameras.geojson", 0.1)
    started = time.monotonic()
    report = cameras.harvest_one()
    assert time.monotonic() - started < 2 * ENDS_WITHIN  # one retry is declared: two attempts
    assert report.status == "failed" and "1 s" in report.error
    assert cameras.client.get("/cameras?limit=1").get_json()["features"] == []  # nothing half-read


@pytest.mark.parametrize("whole_answer", [True, False], ids=["dripped-answer", "trickled-body"])
def test_dripping_camera_is_504_for_every_waiting_viewer(make_camera_app, upstream,  # noqa: F811
                                                         whole_answer):
    upstream.route("/drip.jpg", JPEG, content_type="image/jpeg")
    _one_byte_at_a_time(upstream, "/drip.jpg", whole_answer=whole_answer)
    app = make_camera_app([camera("cam-drip", upstream.url + "/drip.jpg")],
                          camera_snapshot_timeout_s=1)

    def view(_):
        response = app.test_client().get("/cameras/cam-drip/snapshot")
        return response.status_code, response.headers["Content-Type"]

    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(view, range(4)))
    assert time.monotonic() - started < ENDS_WITHIN
    assert answers == [(504, "application/problem+json")] * 4
