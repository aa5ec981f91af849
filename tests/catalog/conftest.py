"""Helpers for the catalogue tests: fetch a download fully and close it."""

from __future__ import annotations

import pytest


def fetch(client, url: str, **kwargs):
    """GET ``url`` and return (response, body bytes), closing file-backed bodies."""
    with client.get(url, **kwargs) as response:
        return response, response.get_data()


@pytest.fixture
def get(client):
    return lambda url, **kwargs: fetch(client, url, **kwargs)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """`opengov serve` (one worker, small sample on SQLite) on a free port of 127.0.0.1."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import requests

    from tests.conftest import DATASETS
    from tests.test_server import free_port

    tmp = tmp_path_factory.mktemp("catalog-server")
    port = free_port()
    env = {**os.environ, "OPENGOV_INSTANCE_PATH": str(tmp), "OPENGOV_DATASETS_PATH": str(DATASETS),
           "OPENGOV_SAMPLE_PROFILE": "small"}
    env.pop("OPENGOV_DATABASE_URL", None)
    log = (tmp / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "opengov.cli", "serve", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if requests.get(base + "/health", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            time.sleep(0.3)
    if proc.poll() is not None or time.monotonic() >= deadline:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("server did not start:\n" + (tmp / "server.log").read_text())
    yield base
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()
