"""Fixtures for the production tests: applications with settings of their own, and the paths of
the processes (``opengov serve``, nginx) the tests start on 127.0.0.1."""

from __future__ import annotations

import pytest

from opengov.store.migrate import upgrade
from tests.conftest import make_app


@pytest.fixture
def empty_app_factory(tmp_path):
    """``make(**settings)``: a migrated, empty app on a SQLite file (the behaviour under test
    does not depend on the database backend)."""
    apps = []

    def make(**config):
        folder = tmp_path / f"app{len(apps)}"
        folder.mkdir()
        app = make_app(f"sqlite:///{folder / 'opengov.sqlite3'}", folder, **config)
        upgrade(app.extensions["opengov"].store.engine)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["opengov"].store.engine.dispose()
