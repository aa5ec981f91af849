"""A real ``opengov serve`` on 127.0.0.1 over the session's loaded database (both backends),
for the client and browser tests."""

from __future__ import annotations

import pytest

from tests.conftest import DATASETS
from tests.serving import serving


@pytest.fixture(scope="module")
def live_server(loaded_app, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ogc-server")
    url = loaded_app.extensions["opengov"].settings.resolved_database_url
    env = {"OPENGOV_INSTANCE_PATH": str(tmp), "OPENGOV_DATABASE_URL": url,
           "OPENGOV_DATASETS_PATH": str(DATASETS), "OPENGOV_SAMPLE_PROFILE": "small"}
    with serving(env, tmp / "server.log") as base:
        yield base
