"""Fixtures for reports: a fresh migrated database per test with the sample categories, keys
for every role, and helpers to submit and change reports."""

from __future__ import annotations

import pytest

from opengov.keys import create_key
from opengov.loader import load_all
from opengov.store.migrate import upgrade
from tests.conftest import DATASETS, make_app, new_database_url

ROLES = {"app": None, "official": "so-xay-dung", "other_official": "ubnd-xa",
         "dispatcher": None, "admin": None}


def build_app(backend, postgres, tmp_path, **config):
    config.setdefault("reports_rate_limit", "1000/minute")
    app = make_app(new_database_url(backend, postgres, tmp_path), tmp_path, **config)
    store = app.extensions["opengov"].store
    upgrade(store.engine)
    load_all(store, DATASETS, only=["report-categories"])
    return app


@pytest.fixture
def reports_app(backend, postgres, tmp_path):
    app = build_app(backend, postgres, tmp_path)
    yield app
    app.extensions["opengov"].store.engine.dispose()


@pytest.fixture
def api(reports_app):
    return reports_app.test_client()


@pytest.fixture
def tokens(reports_app):
    """A bearer token per role name in ROLES."""
    store = reports_app.extensions["opengov"].store
    out = {}
    for name, scope in ROLES.items():
        role = "official" if name == "other_official" else name
        out[name] = create_key(store, role, scope=scope, label=name)[1]
    return out


def bearer(token: str, **headers) -> dict:
    return {"Authorization": f"Bearer {token}", **headers}


def submit(client, **fields) -> dict:
    body = {"category": "pothole", "description": "Ổ gà trước số 12", "lon": 108.4745,
            "lat": 15.5733, **fields}
    response = client.post("/reports", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def change(client, token: str, report_id: str, **body):
    """PATCH with the report's current ETag."""
    etag = client.get(f"/reports/{report_id}").headers["ETag"]
    return client.patch(f"/reports/{report_id}", json=body,
                        headers=bearer(token, **{"If-Match": etag}))
