"""A real multi-worker server (gunicorn, 4 workers) under concurrent submissions.

1,000 submissions from 20 concurrent clients must each be stored exactly once, on PostgreSQL and
on SQLite (WAL, busy timeout, ``BEGIN IMMEDIATE``: writers queue instead of failing). With Redis
as limiter storage, a rate limit holds across the workers.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from opengov.keys import create_key
from opengov.store.migrate import upgrade
from tests.conftest import DATASETS, make_app, need_redis, new_database_url
from tests.serving import serving

SUBMISSIONS, CLIENTS = 1000, 20
pytestmark = pytest.mark.slow


def running(tmp_path: Path, database_url: str, **env_extra):
    """``opengov serve`` with four workers over ``database_url``."""
    env = {"OPENGOV_INSTANCE_PATH": str(tmp_path), "OPENGOV_DATABASE_URL": database_url,
           "OPENGOV_DATASETS_PATH": str(DATASETS), "OPENGOV_SAMPLE_PROFILE": "small",
           **env_extra}
    return serving(env, tmp_path / "server.log", workers=4)


@pytest.fixture
def database_url(backend, postgres, tmp_path):
    return new_database_url(backend, postgres, tmp_path)


def _submit(base: str, session: requests.Session, n: int) -> tuple[int, str, str]:
    """One submission, retried with the same Idempotency-Key after a transport error."""
    body = {"category": ("pothole", "flooding", "street-light")[n % 3],
            "description": f"báo cáo số {n}", "lon": 108.0 + n / 10_000, "lat": 15.5}
    key = f"reliability-{n}-{uuid.uuid4().hex}"
    for _attempt in range(3):
        try:
            r = session.post(base + "/reports", json=body, headers={"Idempotency-Key": key},
                             timeout=60)
            return r.status_code, r.json().get("id", ""), r.text
        except requests.ConnectionError:
            time.sleep(0.5)
    return 0, "", "connection failed three times"


def test_every_submission_is_stored_exactly_once(database_url, tmp_path):
    with running(tmp_path, database_url, OPENGOV_REPORTS_RATE_LIMIT="100000/minute") as base:
        sessions = [requests.Session() for _ in range(CLIENTS)]
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(lambda n: _submit(base, sessions[n % CLIENTS], n),
                                    range(SUBMISSIONS)))
        failures = [text for status, _, text in results if status != 201]
        assert not failures, failures[:3]
        assert not any("locked" in text for _, _, text in results)
        ids = [report_id for _, report_id, _ in results]
        assert len(set(ids)) == SUBMISSIONS
        stats = requests.get(base + "/reports/stats", timeout=30).json()
        assert stats["total"] == SUBMISSIONS
        assert stats["by_status"]["received"] == SUBMISSIONS
        assert stats["by_category"] == {"flooding": 333, "pothole": 334, "street-light": 333}
        listed = requests.get(base + "/reports?limit=1", timeout=30).json()
        assert listed["numberMatched"] == SUBMISSIONS
        open311 = requests.get(base + "/open311/v2/requests.json?page_size=1000", timeout=60)
        assert {r["service_request_id"] for r in open311.json()} == set(ids)


def test_redis_rate_limit_holds_across_workers(tmp_path):
    need_redis()
    url = f"sqlite:///{tmp_path / 'opengov.sqlite3'}"  # the limiter does not use the database
    app = make_app(url, tmp_path)
    upgrade(app.extensions["opengov"].store.engine)
    token = create_key(app.extensions["opengov"].store, "app", label=uuid.uuid4().hex)[1]
    app.extensions["opengov"].store.engine.dispose()
    with running(tmp_path, url, OPENGOV_REPORTS_RATE_LIMIT="10/minute",
                 OPENGOV_RATELIMIT_STORAGE_URL="redis://127.0.0.1:6379/0") as base:
        def post(_n):
            return requests.post(base + "/reports", json={"category": "pothole",
                                                          "address": "x"},
                                 headers={"Authorization": f"Bearer {token}"},
                                 timeout=30).status_code

        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(post, range(30)))
        # Per-worker memory counters would let up to 4 × 10 through.
        assert sorted(codes) == [201] * 10 + [429] * 20
