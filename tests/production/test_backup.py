"""``opengov backup`` / ``opengov restore`` on both backends, with real servers.

A source instance is loaded (download files built), served, and backed up while reports keep
arriving; the backup is restored into an empty database and instance folder and served: the
same ETags, the same download checksums (and bytes), and the reports of the restored database
are a consistent snapshot of the acknowledged ones.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from opengov.store.migrate import upgrade
from tests.conftest import DATASETS, make_app, need_postgres, new_database_url
from tests.serving import serving

pytestmark = pytest.mark.slow
OPENGOV = Path(sys.executable).with_name("opengov")
LOADED = ("cameras", "service-centres", "report-categories")
# Pages of datasets the write load leaves alone (the reports change after the snapshot).
PAGES = ("/ogc/collections/cameras/items?limit=7", "/ogc/collections/service-centres",
         "/ogc/collections/cameras/items/{camera}", "/datasets/cameras",
         "/datasets/service-centres/versions", "/ogc/collections/service-centres/items?f=csv")
REPORT = {"category": "pothole", "address": "12 Phan Chu Trinh"}


def opengov(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(OPENGOV), *args], capture_output=True, text=True,
                          env={**os.environ, **env})


def instance(folder: Path, url: str) -> dict:
    folder.mkdir()
    return {"OPENGOV_INSTANCE_PATH": str(folder), "OPENGOV_DATABASE_URL": url,
            "OPENGOV_DATASETS_PATH": str(DATASETS), "OPENGOV_SAMPLE_PROFILE": "small",
            "OPENGOV_REPORTS_RATE_LIMIT": "100000/minute", "OPENGOV_ACCESS_LOG": "off"}


def answers(base: str) -> dict:
    """What a client sees: ETags of a few pages, and each built download's catalogue
    checksum together with the checksum of the bytes actually downloaded."""
    camera = requests.get(base + "/ogc/collections/cameras/items?limit=1",
                          timeout=30).json()["features"][0]["id"]
    seen = {}
    for page in PAGES:
        response = requests.get(base + page.format(camera=camera), timeout=30)
        assert response.status_code == 200, page
        # The ETag where the page has one, else its body (links rebased: ports differ).
        seen[page] = response.headers.get("ETag") or response.text.replace(base, "BASE")
    assert sum(value.startswith(('"', 'W/"')) for value in seen.values()) >= 3
    for dataset in ("cameras", "service-centres"):
        entry = requests.get(f"{base}/datasets/{dataset}", timeout=30).json()
        built = [d for d in entry["distributions"] if d["sha256"]]
        assert built, f"{dataset}: no built download"
        for dist in built:
            body = requests.get(base + "/datasets/" + dataset + "/download." + dist["format"],
                                timeout=60).content
            seen[f"{dataset}.{dist['format']}"] = (dist["sha256"],
                                                  hashlib.sha256(body).hexdigest())
    return seen


def report_ids(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            private = {r for (r,) in conn.execute(text("SELECT report_id FROM report_private"))}
            history = {r for (r,) in conn.execute(text(
                "SELECT report_id FROM report_history WHERE status = 'received'"))}
    finally:
        engine.dispose()
    assert private == history  # no report half there
    return private


class Submitter(threading.Thread):
    """Submits reports one after another until stopped; keeps the acknowledged ids."""

    def __init__(self, base: str):
        super().__init__()
        self.base, self.acked, self.failed = base, [], []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            response = requests.post(self.base + "/reports", json=REPORT, timeout=60)
            if response.status_code == 201:
                self.acked.append(response.json()["id"])
            else:
                self.failed.append(response.status_code)


@pytest.fixture
def source(backend, postgres, tmp_path):
    url = new_database_url(backend, postgres, tmp_path)
    env = instance(tmp_path / "source", url)
    done = opengov(env, "load", *[a for d in LOADED for a in ("--only", d)])
    assert done.returncode == 0, done.stderr
    return env


def _empty_target(backend, postgres, tmp_path) -> dict:
    folder = tmp_path / "restored"
    url = (f"sqlite:///{folder / 'opengov.sqlite3'}" if backend == "sqlite"
           else postgres.create())
    return instance(folder, url)


def test_a_backup_taken_under_writes_restores_into_an_empty_database_with_the_same_answers(
        source, backend, postgres, tmp_path):
    dest = tmp_path / "backup"
    with serving(source, tmp_path / "source.log", workers=2) as base:
        before = answers(base)
        writer = Submitter(base)
        writer.start()
        while len(writer.acked) < 5:
            threading.Event().wait(0.05)
        acked_before = set(writer.acked)
        done = opengov(source, "backup", str(dest))
        writer.stop.set()
        writer.join()
    assert done.returncode == 0, done.stderr
    assert writer.failed == [] and len(writer.acked) > len(acked_before)
    assert (dest / "manifest.json").exists() and any((dest / "instance").rglob("*.json"))

    target = _empty_target(backend, postgres, tmp_path)
    restored = opengov(target, "restore", str(dest))
    assert restored.returncode == 0, restored.stderr
    ids = report_ids(target["OPENGOV_DATABASE_URL"])
    # A snapshot: every report acknowledged before the backup began, none never acknowledged.
    assert acked_before <= ids <= set(writer.acked)
    with serving(target, tmp_path / "restored.log") as base:
        after = answers(base)
        for report_id in sorted(ids)[:3]:
            assert requests.get(f"{base}/reports/{report_id}", timeout=30).status_code == 200
    assert after == before
    assert all(catalogue == downloaded for key, value in after.items() if "." in key
               for catalogue, downloaded in [value])


def test_restore_refuses_a_database_with_data_unless_forced(source, backend, postgres,
                                                            tmp_path):
    dest = tmp_path / "backup"
    assert opengov(source, "backup", str(dest)).returncode == 0
    again = opengov(source, "backup", str(dest))
    assert again.returncode == 2  # one line after the line naming the database
    assert again.stderr.strip().splitlines()[1:] == [
        f"Error: backup folder {dest} exists and is not empty"]
    refused = opengov(source, "restore", str(dest))
    assert refused.returncode == 2
    assert "the target database is not empty" in refused.stderr
    assert "--force" in refused.stderr and "Traceback" not in refused.stderr
    forced = opengov(source, "restore", "--force", str(dest))
    assert forced.returncode == 0, forced.stderr
    with serving(source, tmp_path / "forced.log") as base:
        assert requests.get(base + "/ogc/collections/cameras/items?limit=1",
                            timeout=30).status_code == 200


def test_a_damaged_backup_is_refused_before_touching_the_target(
        source, backend, postgres, tmp_path):
    dest = tmp_path / "backup"
    assert opengov(source, "backup", str(dest)).returncode == 0
    built = next(p for p in (dest / "instance").rglob("*") if p.is_file()
                 and p.suffix != ".json")
    built.write_bytes(built.read_bytes() + b"x")
    target = _empty_target(backend, postgres, tmp_path)
    done = opengov(target, "restore", str(dest))
    assert done.returncode == 2
    assert "is altered (checksum differs)" in done.stderr
    assert not (Path(target["OPENGOV_INSTANCE_PATH"]) / "distributions").exists()
    engine = create_engine(target["OPENGOV_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            assert "alembic_version" not in set(engine.dialect.get_table_names(conn))
    finally:
        engine.dispose()


def test_postgres_tools_that_cannot_be_found_are_named(postgres, tmp_path):
    need_postgres(postgres)
    url = postgres.create()
    app = make_app(url, tmp_path)
    upgrade(app.extensions["opengov"].store.engine)
    app.extensions["opengov"].store.engine.dispose()
    env = instance(tmp_path / "pg", url)
    done = opengov(env, "backup", "--pg-bin", str(tmp_path / "nowhere"), str(tmp_path / "b"))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 2
    assert re.search(r"pg_dump for PostgreSQL \d+ or newer is needed", done.stderr)
