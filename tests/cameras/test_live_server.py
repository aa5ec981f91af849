"""Many viewers of one camera against `opengov serve` (two gunicorn workers) over real HTTP:
one upstream request, whichever worker and thread each viewer lands on."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.cameras.conftest import JPEG, camera
from tests.conftest import need_redis
from tests.serving import serving

REDIS_URL = "redis://127.0.0.1:6379/9"


def _forget_redis_cache() -> None:
    from redis import Redis

    redis = Redis.from_url(REDIS_URL)
    for key in redis.scan_iter("opengov:*camera-snapshots*"):
        redis.delete(key)


@pytest.mark.parametrize("http_cache", ["files", "redis"])
def test_concurrent_viewers_cause_one_upstream_request(make_camera_app, upstream, tmp_path,
                                                       http_cache):
    upstream.route("/cam1.jpg", JPEG, content_type="image/jpeg")
    upstream.slow("/cam1.jpg", 1.0)  # every viewer arrives while the first fetch is running
    app = make_camera_app([camera("cam-1", upstream.url + "/cam1.jpg")])
    settings = app.extensions["opengov"].settings
    env = {"OPENGOV_DATABASE_URL": settings.resolved_database_url,
           "OPENGOV_INSTANCE_PATH": str(tmp_path),
           "OPENGOV_CAMERA_SNAPSHOT_HOSTS": settings.camera_snapshot_hosts,
           "OPENGOV_HTTP_CACHE_URL": REDIS_URL if http_cache == "redis" else ""}
    if http_cache == "redis":
        need_redis()
        _forget_redis_cache()
    try:
        with serving(env, tmp_path / "server.log", workers=2, threads=8) as base, \
                ThreadPoolExecutor(32) as pool:
            def view(_):
                return requests.get(base + "/cameras/cam-1/snapshot", timeout=30)

            answers = list(pool.map(view, range(48)))
            later = requests.get(base + "/cameras/cam-1/snapshot", timeout=30)
    finally:
        if http_cache == "redis":
            _forget_redis_cache()
    assert [a.status_code for a in answers] == [200] * 48
    assert all(a.content == JPEG for a in answers)
    assert len({a.headers["ETag"] for a in answers}) == 1
    assert later.content == JPEG
    assert upstream.count("/cam1.jpg") == 1
