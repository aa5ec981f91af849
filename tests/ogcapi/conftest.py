"""A real ``opengov serve`` on 127.0.0.1 over the session's loaded database (both backends),
for the client and browser tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from tests.conftest import DATASETS
from tests.test_server import free_port


@pytest.fixture(scope="module")
def live_server(loaded_app, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ogc-server")
    url = loaded_app.extensions["opengov"].settings.resolved_database_url
    port = free_port()
    env = {**os.environ, "OPENGOV_INSTANCE_PATH": str(tmp), "OPENGOV_DATABASE_URL": url,
           "OPENGOV_DATASETS_PATH": str(DATASETS), "OPENGOV_SAMPLE_PROFILE": "small"}
    log = (tmp / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "opengov.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    ready = False
    while not ready and time.monotonic() < deadline and proc.poll() is None:
        try:
            ready = requests.get(base + "/health", timeout=2).status_code == 200
        except requests.ConnectionError:
            time.sleep(0.3)
    if not ready:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        log.close()
        pytest.fail("server did not start:\n" + (tmp / "server.log").read_text())
    yield base
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()
