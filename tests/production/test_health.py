"""``/health/live`` (the process answers) and ``/health/ready`` (database reachable, schema at
the newest migration); ``/health`` keeps its answer."""

from __future__ import annotations

from opengov.store.migrate import head_revisions, upgrade
from tests.conftest import make_app


def test_liveness_and_readiness_follow_the_database(tmp_path, empty_app_factory):
    api = empty_app_factory().test_client()
    assert api.get("/health/live").get_json() == {"status": "ok"}
    ready = api.get("/health/ready")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ok",
                                "checks": {"database": "ok", "migrations": "current"}}
    assert api.get("/health").get_json()["status"] == "ok"  # unchanged


def test_not_ready_before_migrations_or_without_a_database(tmp_path):
    fresh = make_app(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path, access_log="off")
    api = fresh.test_client()
    behind = api.get("/health/ready")
    assert behind.status_code == 503 and behind.headers["Retry-After"]
    assert behind.get_json()["checks"] == {"database": "ok", "migrations": "behind"}
    assert api.get("/health/live").status_code == 200  # alive: restarting would not help
    upgrade(fresh.extensions["opengov"].store.engine, revision=_previous_head())
    assert api.get("/health/ready").get_json()["checks"]["migrations"] == "behind"
    upgrade(fresh.extensions["opengov"].store.engine)
    assert api.get("/health/ready").status_code == 200
    fresh.extensions["opengov"].store.engine.dispose()
    gone = make_app("postgresql+psycopg://postgres@127.0.0.1:1/nowhere", tmp_path,
                    access_log="off").test_client()
    down = gone.get("/health/ready")
    assert down.status_code == 503
    assert down.get_json()["checks"] == {"database": "unreachable", "migrations": "unknown"}
    assert gone.get("/health/live").status_code == 200


def _previous_head() -> str:
    """The revision before the newest (a database made by the previous release)."""
    from alembic.script import ScriptDirectory

    from opengov.store.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    down = script.get_revision(head_revisions()[0]).down_revision
    return down if isinstance(down, str) else down[0]
