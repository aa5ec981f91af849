"""Upgrading a running deployment: ``opengov init`` migrates a database made by the previous
release while a server keeps answering reads from it, on both backends.

The previous release's schema is the one at the parent of f9fa5f7 (the commit that added the
0018 grid-order migrations): every capability branch at its head of then. Its data is loaded at
that schema, then served by a server that does not migrate at start (an application host that
keeps running), and readers hammer it while ``opengov init`` runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from alembic.script import ScriptDirectory

from opengov.loader import load_all
from opengov.store.migrate import alembic_config, current_revisions, head_revisions, upgrade
from tests.conftest import DATASETS, REPO, make_app, new_database_url
from tests.serving import serving

pytestmark = pytest.mark.slow
OPENGOV = Path(sys.executable).with_name("opengov")
PREVIOUS_RELEASE = ("0002_land", "0003_monitoring", "0005_reports_attributes", "0008_gateway")
READS = ("/ogc/collections/cameras/items?limit=20",
         "/ogc/collections/cameras/items?bbox=107.5,15.0,108.8,16.2&limit=50",
         "/ogc/collections/service-centres/items?limit=10", "/datasets/cameras",
         "/health/live")


def test_previous_release_heads_are_behind_the_current_ones():
    script = ScriptDirectory.from_config(alembic_config())
    history = {r.revision for head in head_revisions()
               for r in script.iterate_revisions(head, "base")}
    assert set(PREVIOUS_RELEASE) <= history  # a head of today, or one of its ancestors
    assert set(PREVIOUS_RELEASE) - set(head_revisions())  # and some are behind


@pytest.fixture
def previous_release_database(backend, postgres, tmp_path):
    url = new_database_url(backend, postgres, tmp_path)
    app = make_app(url, tmp_path)
    store = app.extensions["opengov"].store
    for revision in PREVIOUS_RELEASE:
        upgrade(store.engine, revision)
    load_all(store, DATASETS, profile="small",
             only=["cameras", "service-centres", "report-categories"])
    assert set(current_revisions(store.engine)) == set(PREVIOUS_RELEASE)
    store.engine.dispose()
    return url


class Readers(threading.Thread):
    """Reads the pages in turn until stopped; records every answer that is not a 200."""

    def __init__(self, base: str):
        super().__init__()
        self.base, self.done, self.failed = base, 0, []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for page in READS:
                try:
                    status = requests.get(self.base + page, timeout=30).status_code
                except requests.RequestException as exc:
                    status = repr(exc)
                if status != 200:
                    self.failed.append((page, status))
                self.done += 1


def test_init_migrates_under_a_serving_deployment_without_a_failed_read(
        previous_release_database, tmp_path):
    url = previous_release_database
    env = {"OPENGOV_INSTANCE_PATH": str(tmp_path), "OPENGOV_DATABASE_URL": url,
           "OPENGOV_DATASETS_PATH": str(DATASETS), "OPENGOV_SAMPLE_PROFILE": "small",
           "OPENGOV_ACCESS_LOG": "off", "PYTHONPATH": str(REPO)}
    with serving(env, tmp_path / "server.log", workers=2,
                 module="tests.production.serve_as_is") as base:
        ready = requests.get(base + "/health/ready", timeout=30)
        assert ready.status_code == 503 and ready.json()["checks"]["migrations"] == "behind"
        readers = [Readers(base) for _ in range(2)]
        for reader in readers:
            reader.start()
        time.sleep(1)
        started = sum(r.done for r in readers)
        init = subprocess.run([str(OPENGOV), "init"], capture_output=True, text=True,
                              env={**os.environ, **env})
        during = sum(r.done for r in readers) - started
        time.sleep(1)
        for reader in readers:
            reader.stop.set()
            reader.join()
        assert init.returncode == 0, init.stderr
        assert [f for r in readers for f in r.failed] == []
        assert during > 0  # reads were answered while init ran
        assert requests.get(base + "/health/ready", timeout=30).status_code == 200
        page = requests.get(base + READS[1], timeout=30)
        assert page.status_code == 200 and page.json()["features"]
    app = make_app(url, tmp_path)
    assert current_revisions(app.extensions["opengov"].store.engine) == head_revisions()
    app.extensions["opengov"].store.engine.dispose()
