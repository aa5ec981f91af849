"""`opengov serve` in a subprocess, talked to over real HTTP on 127.0.0.1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests

from tests.conftest import DATASETS
from tests.serving import serving


def _env(tmp_path: Path) -> dict:
    return {"OPENGOV_INSTANCE_PATH": str(tmp_path), "OPENGOV_DATASETS_PATH": str(DATASETS),
            "OPENGOV_SAMPLE_PROFILE": "small", "OPENGOV_DATABASE_URL": None}


@pytest.fixture(params=[(1, "gthread"), (2, "gthread"), (2, "sync")],
                ids=["one-worker", "two-workers", "two-sync-workers"])
def server(request, tmp_path: Path):
    workers, worker_class = request.param
    with serving(_env(tmp_path), tmp_path / "server.log", workers=workers,
                 worker_class=worker_class) as base:
        yield base


def test_fresh_server_serves_the_sample_over_http(server):
    landing = requests.get(server + "/", timeout=10).json()
    desc = next(lk for lk in landing["links"] if lk["rel"] == "service-desc")
    spec = requests.get(desc["href"], timeout=10)
    assert spec.json()["openapi"] == "3.0.3"
    cameras = requests.get(server + "/cameras?limit=3", timeout=10)
    assert cameras.headers["Content-Type"] == "application/geo+json"
    assert cameras.json()["numberReturned"] == 3
    zipped = requests.get(server + "/cameras?limit=100", timeout=10)  # requests sends gzip
    assert zipped.headers["Content-Encoding"] == "gzip" and zipped.json()["features"]
    docs = requests.get(server + "/docs", timeout=10)
    assert "swagger-ui-bundle.js" in docs.text
    bundle = requests.get(server + "/docs/static/swagger-ui-bundle.js", timeout=10)
    assert bundle.status_code == 200 and len(bundle.content) > 100_000
    missing = requests.get(server + "/procedures/9.999999", timeout=10)
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/problem+json"


def test_many_parallel_requests_all_succeed(server):
    from concurrent.futures import ThreadPoolExecutor

    def fetch(i):
        return requests.get(f"{server}/procedures?limit=5&offset={i}", timeout=20).status_code

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(fetch, range(64))) == {200}


def test_sync_workers_close_each_connection_and_refuse_threads(tmp_path: Path):
    import subprocess
    import sys

    with serving(_env(tmp_path), tmp_path / "server.log", worker_class="sync") as base:
        answer = requests.get(base + "/cameras?limit=1", timeout=10)
        assert answer.status_code == 200 and answer.headers["Connection"] == "close"
    refused = subprocess.run([sys.executable, "-m", "opengov.cli", "serve", "--worker-class",
                              "sync", "--threads", "4"], capture_output=True, text=True,
                             env={**os.environ, **{k: v for k, v in _env(tmp_path).items()
                                                   if v is not None}}, timeout=60)
    assert refused.returncode == 2 and "--threads" in refused.stderr
