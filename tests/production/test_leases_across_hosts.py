"""Scheduled work runs once across hosts: ``opengov harvest`` started at the same moment on two
"hosts" (separate processes and instance folders, one database) fetches the source once; a
holder killed with SIGKILL blocks the source only until its lease expires; ``opengov cameras
check`` on a second host while the first checks is busy (per-host HTTP caches or a shared one),
and a crashed check's lease holds the task only until it lapses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from opengov.gateway import lease
from opengov.gateway.harvest import Harvester
from opengov.store.types import utcnow
from tests.cameras.conftest import JPEG, camera, make_camera_app  # noqa: F401 - fixture
from tests.conftest import REDIS_URL, need_redis
from tests.gateway.conftest import cameras, gateway, gateway_database  # noqa: F401 - fixtures
from tests.upstream import upstream  # noqa: F401 - fixture

pytestmark = pytest.mark.slow

OPENGOV = str(Path(sys.executable).with_name("opengov"))


def _env(gw, instance: Path) -> dict:
    instance.mkdir(exist_ok=True)
    return {**os.environ, "OPENGOV_DATABASE_URL": gw.settings.resolved_database_url,
            "OPENGOV_INSTANCE_PATH": str(instance), "OPENGOV_SOURCES_FILE": str(gw.sources_file),
            "OPENGOV_DATASETS_PATH": str(gw.settings.datasets_path),
            "OPENGOV_ACCESS_LOG": "off",
            "OPENGOV_HTTP_TIMEOUT": "150"}  # outwaits a held upstream on a loaded machine


def _harvest(gw, instance: Path) -> subprocess.Popen:
    return subprocess.Popen([OPENGOV, "harvest", "dn-cameras", "--quiet"],
                            env=_env(gw, instance), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_two_hosts_harvesting_at_once_fetch_the_source_once(cameras, tmp_path):  # noqa: F811
    # The winner's fetch is held until the other host has run (whenever its process gets to
    # start on a loaded machine) and found the lease taken.
    gate = cameras.upstream.hold("/cameras.geojson")
    runs = [_harvest(cameras, tmp_path / name) for name in ("host-a", "host-b")]
    try:
        _wait_for(lambda: any(run.poll() is not None for run in runs), "one host to finish")
    finally:
        gate.set()
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    busy = [out for out, _err in outputs if "busy: another harvester holds its lease" in out]
    done = [out for out, _err in outputs if " ok " in out]
    assert len(busy) == 1 and len(done) == 1, outputs
    assert cameras.upstream.count("/cameras.geojson") == 1
    assert cameras.store.repo("cameras").state().record_count > 0


HOLDER = """
import sys, time
from opengov.app import create_app
from opengov.gateway import lease
from opengov.gateway.harvest import Harvester
from opengov.store.types import utcnow
app = create_app({"database_url": sys.argv[1], "instance_path": sys.argv[2]})
store = app.extensions["opengov"].store
holder = lease.new_holder()
while True:  # a harvester paging through a long source: renews its lease as it goes
    assert lease.acquire(store, "dn-cameras", holder, ttl=float(sys.argv[3]))
    print("held", flush=True)
    time.sleep(0.3)
"""


def test_a_killed_holder_blocks_the_source_only_until_its_lease_expires(cameras, tmp_path):  # noqa: F811
    ttl = 8.0
    instance = tmp_path / "host-a"
    instance.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, cameras.settings.resolved_database_url,
                               str(instance), str(ttl)], stdout=subprocess.PIPE, text=True)
    with holder.stdout:
        assert holder.stdout.readline().strip() == "held"
        os.kill(holder.pid, signal.SIGKILL)  # a crash: no release
        killed_at = time.monotonic()
        holder.wait(10)
    # Host B (this process, its own instance folder) finds the source busy while the dead
    # holder's lease runs ...
    harvester = Harvester(cameras.settings, cameras.registry, cameras.store)
    try:
        assert harvester.run(cameras.sources()["dn-cameras"]).status == "busy"
    finally:
        harvester.close()
    assert time.monotonic() - killed_at < ttl  # (so the busy answer was the lease's)
    assert cameras.upstream.count("/cameras.geojson") == 0
    # ... and once it has expired, the next scheduled run on another host takes over.
    time.sleep(max(0.0, ttl + 0.5 - (time.monotonic() - killed_at)))
    taken = _harvest(cameras, tmp_path / "host-c")
    out, err = taken.communicate(timeout=120)
    assert taken.returncode == 0 and " ok " in out, (out, err)
    assert cameras.upstream.count("/cameras.geojson") == 1
    assert lease.acquire(cameras.store, "dn-cameras", "after", ttl=60)  # released after the run


def _check_cameras(settings, instance: Path, **env) -> subprocess.Popen:
    instance.mkdir(exist_ok=True)
    env = {**os.environ, "OPENGOV_DATABASE_URL": settings.resolved_database_url,
           "OPENGOV_INSTANCE_PATH": str(instance), "OPENGOV_ACCESS_LOG": "off",
           "OPENGOV_CAMERA_SNAPSHOT_HOSTS": settings.camera_snapshot_hosts, **env}
    return subprocess.Popen([OPENGOV, "cameras", "check"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_for(condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


@pytest.mark.parametrize("shared_cache", [False, True], ids=["per-host-cache", "redis-cache"])
def test_camera_checks_on_two_hosts_at_once_run_once(
        make_camera_app, upstream, tmp_path, shared_cache):  # noqa: F811
    if shared_cache:
        need_redis()
    gate = threading.Event()  # the cameras answer once the second host has had its turn

    def held_image(_seen):
        gate.wait(120)
        return JPEG

    upstream.route("/one.jpg", held_image, content_type="image/jpeg")
    upstream.route("/two.jpg", held_image, content_type="image/jpeg")
    app = make_camera_app([camera("cam-1", upstream.url + "/one.jpg", status="offline"),
                           camera("cam-2", upstream.url + "/two.jpg", status="offline")])
    settings = app.extensions["opengov"].settings
    # Host A's cameras answer only once host B has run: its check must outwait the start of
    # a process, 13 s and more on a loaded CI machine (the default camera timeout is 5 s).
    env = {"OPENGOV_CAMERA_SNAPSHOT_TIMEOUT": "150",
           **({"OPENGOV_HTTP_CACHE_URL": REDIS_URL} if shared_cache else {})}
    first = _check_cameras(settings, tmp_path / "host-a", **env)
    try:
        _wait_for(lambda: upstream.count("/one.jpg") + upstream.count("/two.jpg") > 0,
                  "host A to start checking")
        second = _check_cameras(settings, tmp_path / "host-b", **env)  # while A checks
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0, (out, err)
        assert "busy: another host is checking the cameras" in out, (out, err)
    except BaseException:  # no process left behind
        first.kill()
        first.communicate()
        raise
    finally:
        gate.set()
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0 and "checked 2 cameras: 2 online, 0 offline" in out, (out, err)
    assert upstream.count("/one.jpg") == 1 and upstream.count("/two.jpg") == 1
    # The task's lease was given back: the next scheduled run (a third host) checks again.
    later = _check_cameras(settings, tmp_path / "host-c", **env)
    out, err = later.communicate(timeout=120)
    assert later.returncode == 0 and "checked 2 cameras: 2 online" in out, (out, err)


def test_a_crashed_camera_check_blocks_the_next_only_until_its_lease_lapses(
        make_camera_app, upstream, tmp_path):  # noqa: F811
    upstream.route("/one.jpg", JPEG, content_type="image/jpeg")
    app = make_camera_app([camera("cam-1", upstream.url + "/one.jpg", status="offline")])
    store = app.extensions["opengov"].store
    settings = app.extensions["opengov"].settings
    crashed = "crashed-host:1:dead"  # took the task, then died without giving it back
    assert lease.acquire(store, "task:cameras-check", crashed, ttl=600)
    blocked = _check_cameras(settings, tmp_path / "host-a")
    out, err = blocked.communicate(timeout=120)
    assert blocked.returncode == 0 and "busy: another host" in out, (out, err)
    assert upstream.count("/one.jpg") == 0
    # Its lease lapses (moved to a second ago rather than waited for) ...
    leases = store.table("gateway_leases")
    with store.engine.begin() as conn:
        conn.execute(update(leases).where(leases.c.holder == crashed)
                     .values(expires_at=utcnow() - timedelta(seconds=1)))
    # ... and the next scheduled run checks.
    after = _check_cameras(settings, tmp_path / "host-b")
    out, err = after.communicate(timeout=120)
    assert after.returncode == 0 and "checked 1 cameras: 1 online" in out, (out, err)
    assert upstream.count("/one.jpg") == 1
