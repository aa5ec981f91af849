"""Fixtures: every app-level test runs on a real SQLite file and on PostgreSQL + PostGIS.

PostgreSQL comes from ``OPENGOV_TEST_POSTGRES_URL`` (default: the local server as user
postgres). It is required: an unreachable server fails the run instead of skipping it.
Set ``OPENGOV_TEST_BACKENDS=sqlite`` to run only SQLite on a machine without PostgreSQL; there
(and only there, never under CI) tests that need Redis or Chromium are left out with a reason
when those are missing (:func:`need`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from opengov.app import create_app
from opengov.loader import load_all
from opengov.store.migrate import upgrade

REPO = Path(__file__).resolve().parent.parent
DATASETS = REPO / "datasets"
PG_URL = os.environ.get("OPENGOV_TEST_POSTGRES_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BACKENDS = [b.strip() for b in os.environ.get("OPENGOV_TEST_BACKENDS",
                                              "sqlite,postgresql").split(",")]


# Redis, Chromium (and PostgreSQL) are required under CI and whenever PostgreSQL is tested.
SERVICES_REQUIRED = os.environ.get("CI", "").lower() == "true" or "postgresql" in BACKENDS
REDIS_URL = "redis://127.0.0.1:6379"


def need(what: str, available: bool) -> None:
    """Fail without ``what`` when the full suite runs; leave the test out on a SQLite-only run."""
    if available:
        return
    if SERVICES_REQUIRED:
        pytest.fail(f"{what} is required for the full test suite (see README)")
    pytest.skip(f"{what} is not available (left out: OPENGOV_TEST_BACKENDS=sqlite, not CI)")


def need_redis() -> None:
    """Skip/fail (see :func:`need`) unless the local Redis answers."""
    import redis

    try:
        available = bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        available = False
    need(f"Redis at {REDIS_URL}", available)


def need_postgres(postgres) -> None:
    """PostgreSQL-only tests are left out when OPENGOV_TEST_BACKENDS excludes PostgreSQL."""
    if postgres is None:
        pytest.skip("PostgreSQL-only test (OPENGOV_TEST_BACKENDS excludes postgresql)")


# Dropping a database costs PostgreSQL a few tenths of a second; a session creates hundreds, so
# they are dropped by a process of their own once the session ends, off the run's clock.
DROP_LATER = """
import sys
from sqlalchemy import create_engine, text
admin = create_engine(sys.argv[1], isolation_level="AUTOCOMMIT")
with admin.connect() as conn:
    for name in sys.argv[2:]:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
"""


class PostgresDatabases:
    """Creates throwaway databases on the test server and drops them at the end.

    Each is a copy of a template that already holds PostGIS (cheaper than creating the
    extension in every database); the template is made on first use and dropped with them."""

    def __init__(self, admin_url: str):
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []
        self._template: str | None = None
        try:
            with self.admin.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001
            raise RuntimeError(
                f"PostgreSQL is required for the test suite and is not reachable at {admin_url}"
                " (start it, or set OPENGOV_TEST_BACKENDS=sqlite to run SQLite only)") from exc

    def _url(self, name: str) -> str:
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def template(self) -> str:
        if self._template is None:
            name = f"opengov_test_{uuid.uuid4().hex[:10]}_template"
            with self.admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            self.created.append(name)
            engine = create_engine(self._url(name), isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
            engine.dispose()
            self._template = name
        return self._template

    def create(self) -> str:
        name = f"opengov_test_{uuid.uuid4().hex[:10]}"
        template = self.template()
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        self.created.append(name)
        return self._url(name)

    def drop_all(self) -> None:
        self.admin.dispose()
        if self.created:
            # setsid -f: the dropping process is nobody's child here, and outlives the session
            subprocess.run(["setsid", "-f", sys.executable, "-c", DROP_LATER, PG_URL,
                            *reversed(self.created)], check=True, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def postgres():
    if "postgresql" not in BACKENDS:
        yield None
        return
    dbs = PostgresDatabases(PG_URL)
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request):
    return request.param


def new_database_url(backend: str, postgres, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'opengov.sqlite3'}"
    return postgres.create()


def sample_loaders(app) -> list:
    """The sample generators of ``app``'s enabled capabilities (for ``load_all``)."""
    return app.extensions["opengov"].capabilities.sample_loaders()


def make_app(url: str, tmp_path: Path, **config):
    return create_app({"database_url": url, "instance_path": tmp_path,
                       "datasets_path": DATASETS, "sample_profile": "small", **config})


@pytest.fixture(scope="session")
def loaded_app(backend, postgres, tmp_path_factory):
    """A read-only app with the small sample profile loaded (shared by the session)."""
    tmp = tmp_path_factory.mktemp(f"loaded-{backend}")
    app = make_app(new_database_url(backend, postgres, tmp), tmp)
    store = app.extensions["opengov"].store
    upgrade(store.engine)
    load_all(store, DATASETS, profile="small", generators=sample_loaders(app))
    yield app
    store.engine.dispose()


@pytest.fixture
def client(loaded_app):
    return loaded_app.test_client()


@pytest.fixture
def empty_app(backend, postgres, tmp_path):
    """A fresh, migrated, empty database for tests that write."""
    app = make_app(new_database_url(backend, postgres, tmp_path), tmp_path)
    upgrade(app.extensions["opengov"].store.engine)
    yield app
    app.extensions["opengov"].store.engine.dispose()
