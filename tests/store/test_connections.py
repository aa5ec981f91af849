"""Connections the store hands out: PostgreSQL reads in autocommit, dead idle connections
replaced before use."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from opengov.modules import all_capabilities
from opengov.store import engine as engine_module
from opengov.store.engine import make_engine
from opengov.store.repository import Store
from tests.conftest import need_postgres

ALL = all_capabilities()


@pytest.fixture
def pg_store(postgres):
    need_postgres(postgres)
    store = Store(make_engine(postgres.create()), ALL.registry, tables=ALL.table_contributions())
    yield store
    store.engine.dispose()


def _backend_pid(conn) -> int:
    return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_a_connection_killed_while_idle_is_replaced_not_failed(pg_store, postgres, monkeypatch):
    """After the server drops an idle connection (restart, idle timeout), the next request
    gets a working one instead of an error."""
    monkeypatch.setattr(engine_module, "IDLE_PING_SECONDS", 0.2)
    with pg_store.reading() as conn:
        first = _backend_pid(conn)
    with postgres.admin.connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    time.sleep(0.3)
    with pg_store.reading() as conn:
        assert _backend_pid(conn) != first


def test_reads_run_outside_a_transaction_and_leave_none_open(pg_store):
    """PostgreSQL reads are autocommit (no BEGIN/ROLLBACK round trips); the connection goes
    back to the pool in its normal mode, so writes are transactions again."""
    with pg_store.reading() as conn:
        dbapi = conn.connection.dbapi_connection
        assert dbapi.autocommit is True
        _backend_pid(conn)
        assert dbapi.info.transaction_status.name == "IDLE"
    with pg_store.engine.connect() as conn:
        assert conn.connection.dbapi_connection.autocommit is False
