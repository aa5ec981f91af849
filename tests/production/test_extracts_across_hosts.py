"""Monthly extracts are built once across hosts: ``opengov extracts`` started at the same moment
on two "hosts" (separate processes and instance folders, one PostgreSQL database) builds each
month on one of them and the other copies the published bytes; a third host serves those bytes
even after the month's records changed (it never rebuilds); a builder that crashed holds the
month only until its claim lapses; a request that would wait too long is a 503."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import insert

from opengov.catalog.extract_claims import ExtractClaims, Published, modified_now
from opengov.loader import load_all
from opengov.store.migrate import upgrade
from tests.catalog.test_extracts import _epoch
from tests.conftest import DATASETS, make_app, need_postgres, sample_loaders

pytestmark = pytest.mark.slow

OPENGOV = str(Path(sys.executable).with_name("opengov"))
DATASET = "monitoring-readings"
MONTHS = ["2025-12", "2026-01"]  # the small sample's finished months


@pytest.fixture(scope="module")
def database(postgres, tmp_path_factory):
    """One PostgreSQL database with the small sample loaded, and the app that loaded it (its
    instance folder is not one of the hosts')."""
    need_postgres(postgres)
    url = postgres.create()
    app = make_app(url, tmp_path_factory.mktemp("loader"))
    store = app.extensions["opengov"].store
    upgrade(store.engine)
    load_all(store, DATASETS, profile="small", generators=sample_loaders(app))
    yield url, store
    store.engine.dispose()


def _host(url: str, instance: Path) -> dict:
    instance.mkdir(exist_ok=True)
    return {**os.environ, "OPENGOV_DATABASE_URL": url, "OPENGOV_INSTANCE_PATH": str(instance),
            "OPENGOV_DATASETS_PATH": str(DATASETS), "OPENGOV_SAMPLE_PROFILE": "small",
            "OPENGOV_ACCESS_LOG": "off"}


def _extracts(url: str, instance: Path) -> subprocess.Popen:
    return subprocess.Popen([OPENGOV, "extracts", DATASET], env=_host(url, instance),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _lines(out: str) -> dict[str, tuple[str, str]]:
    """``opengov extracts`` output: month → (how, sha256)."""
    return {line.split()[1]: (line.split()[2], line.split()[-1]) for line in out.splitlines()
            if line.startswith(DATASET)}


def _copy_on(instance: Path, month: str) -> bytes:
    folder = instance / "distributions" / DATASET / "extracts" / month
    name = json.loads((folder / "csv.json").read_text())["filename"]
    return (folder / name).read_bytes()


def test_two_hosts_build_each_month_once_and_serve_the_same_bytes(database, tmp_path):
    url, store = database
    runs = [_extracts(url, tmp_path / name) for name in ("host-a", "host-b")]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    a, b = (_lines(out) for out, _err in outputs)
    assert sorted(a) == sorted(b) == MONTHS, outputs
    for month in MONTHS:
        assert sorted([a[month][0], b[month][0]]) == ["built", "copied"], outputs
        assert a[month][1] == b[month][1]  # one checksum ...
        on_a, on_b = _copy_on(tmp_path / "host-a", month), _copy_on(tmp_path / "host-b", month)
        assert on_a == on_b and hashlib.sha256(on_a).hexdigest() == a[month][1]  # ... one file
    # A late December reading arrives. A third host, asked for December over HTTP, serves the
    # published bytes (a rebuild would hold the late reading), with the listed checksum.
    with store.engine.begin() as conn:
        conn.execute(insert(store.table("monitoring_readings")).values(
            station_id="aq-001", parameter="pm25", time=_epoch(2025, 12) + 7200, value=2.0,
            flag="valid"))
    third = make_app(url, tmp_path / "host-c", access_log="off")
    try:
        client = third.test_client()
        with client.get(f"/datasets/{DATASET}/extracts/2025-12.csv") as response:
            assert response.status_code == 200
            assert response.get_data() == _copy_on(tmp_path / "host-a", "2025-12")
        listed = client.get(f"/datasets/{DATASET}/versions").get_json()["extracts"]
        assert {e["period"]: e["sha256"] for e in listed}["2025-12"] == a["2025-12"][1]
        again = _extracts(url, tmp_path / "host-c")  # the daily run there: copies January
        out, err = again.communicate(timeout=300)
        assert again.returncode == 0 and _lines(out) == {
            "2025-12": ("kept", a["2025-12"][1]), "2026-01": ("copied", a["2026-01"][1])}, err
    finally:
        third.extensions["opengov"].store.engine.dispose()


def _loaded(postgres, folder: Path):
    """A fresh PostgreSQL database with the small sample, and the app (instance ``folder``)."""
    need_postgres(postgres)
    url = postgres.create()
    app = make_app(url, folder)
    store = app.extensions["opengov"].store
    upgrade(store.engine)
    load_all(store, DATASETS, profile="small", generators=sample_loaders(app))
    return url, app, store


def _until_waiting(run: subprocess.Popen) -> list[str]:
    """``opengov extracts``' lines up to the one saying it waits for another host."""
    lines = []
    for line in run.stdout:
        lines.append(line)
        if " waiting: another host is building it" in line:
            return lines
    raise AssertionError(f"it never waited: {lines} {run.communicate()}")


def test_a_host_finding_the_month_being_built_waits_and_copies_the_builders_bytes(
        postgres, tmp_path):
    url, _app, store = _loaded(postgres, tmp_path / "loader")
    try:
        claims = ExtractClaims(store.engine)
        assert claims.claim(DATASET, "2025-12", "host-a:1:x", ttl=120)  # host A is building
        run = _extracts(url, tmp_path / "host-b")
        before = _until_waiting(run)  # host B is waiting for December
        made = tmp_path / "host-a.csv"  # what host A built (its own bytes, whatever they are)
        made.write_bytes(b"station,parameter,time,value,unit,flag\r\naq-001,pm25,"
                         b"2025-12-01T00:00:00Z,7.5,ug/m3,valid\r\n")
        digest = hashlib.sha256(made.read_bytes()).hexdigest()
        assert claims.publish(DATASET, "2025-12", "host-a:1:x", Published(
            "quang-nam-monitoring-readings-2025-12.csv", "text/csv; charset=utf-8",
            made.stat().st_size, digest, modified_now()), made)
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        lines = _lines("".join(before) + out)
        assert lines["2025-12"] == ("copied", digest) and lines["2026-01"][0] == "built", out
        assert _copy_on(tmp_path / "host-b", "2025-12") == made.read_bytes()
    finally:
        store.engine.dispose()


def test_a_crashed_builder_holds_the_month_only_until_its_claim_lapses(postgres, tmp_path):
    url, app, store = _loaded(postgres, tmp_path / "loader")
    try:
        ttl = 4.0  # a host claimed December and died (no release)
        assert ExtractClaims(store.engine).claim(DATASET, "2025-12", "dead-host:1:x", ttl=ttl)
        claimed_at = time.monotonic()
        app.config["CATALOG_EXTRACT_WAIT_S"] = 1.0
        with app.test_client().get(f"/datasets/{DATASET}/extracts/2025-12.csv") as busy:
            assert busy.status_code == 503 and busy.headers["Retry-After"] == "10"
            assert "being built by another host" in busy.get_json()["detail"]
        assert time.monotonic() - claimed_at < ttl  # (so the 503 was the claim's)
        run = _extracts(url, tmp_path / "host-b")  # waits for the claim to lapse, then builds
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        assert [how for how, _ in _lines(out).values()] == ["built", "built"], out
        assert time.monotonic() - claimed_at >= ttl
        with app.test_client().get(f"/datasets/{DATASET}/extracts/2025-12.csv") as served:
            assert served.status_code == 200  # the first host copies what host B built
            assert hashlib.sha256(served.get_data()).hexdigest() == _lines(out)["2025-12"][1]
    finally:
        store.engine.dispose()
