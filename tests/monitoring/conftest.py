"""Fixtures for writing tests: an empty database holding only the monitoring collections."""

from __future__ import annotations

import pytest

from opengov.keys import create_key
from opengov.loader import load_all
from tests.conftest import DATASETS


@pytest.fixture
def station_app(empty_app):
    """Stations and parameters loaded, no readings (a partial load generates none)."""
    store = empty_app.extensions["opengov"].store
    load_all(store, DATASETS, profile="small",
             only=("monitoring-stations", "monitoring-parameters"))
    return empty_app


@pytest.fixture
def keys(station_app):
    """Bearer headers: an unscoped ingest key, one scoped to so-nnmt, and a wrong-role key."""
    store = station_app.extensions["opengov"].store

    def bearer(role, scope=None):
        return {"Authorization": f"Bearer {create_key(store, role, scope)[1]}"}

    return {"ingest": bearer("ingest"), "so-nnmt": bearer("ingest", "so-nnmt"),
            "other-role": bearer("official")}
