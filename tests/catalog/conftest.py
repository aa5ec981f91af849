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
    from tests.conftest import DATASETS
    from tests.serving import serving

    tmp = tmp_path_factory.mktemp("catalog-server")
    env = {"OPENGOV_INSTANCE_PATH": str(tmp), "OPENGOV_DATASETS_PATH": str(DATASETS),
           "OPENGOV_SAMPLE_PROFILE": "small", "OPENGOV_DATABASE_URL": None}
    with serving(env, tmp / "server.log") as base:
        yield base
