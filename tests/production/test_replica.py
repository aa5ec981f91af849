"""Request reads on a real streaming replica (``OPENGOV_DATABASE_READ_URL``), read-your-writes
on the primary, and the fallback to the primary when the replica stops or lags, as
``/health/ready`` and the ``opengov_replica_*`` metrics tell it."""

from __future__ import annotations

import logging
import math
import time

import pytest
from sqlalchemy import text

from opengov.loader import load_all
from opengov.store.migrate import upgrade
from opengov.store.replica import ReadRoute, parse_lsn, replication_lag, routed
from tests.conftest import DATASETS, make_app
from tests.production.pgcluster import pg_pair  # noqa: F401 - the fixture
from tests.reports.conftest import submit

pytestmark = pytest.mark.slow

CHECK_S = 1
MAX_LAG_S = 2


@pytest.fixture(scope="module")
def replicated(pg_pair, tmp_path_factory):  # noqa: F811 - the fixture above
    """An app on the pair's primary, reading from its replica, with the report categories."""
    pg_pair.primary.sql("CREATE DATABASE opengov_replica")
    tmp = tmp_path_factory.mktemp("replica-app")
    app = make_app(pg_pair.primary.url("opengov_replica"), tmp, access_log="off",
                   database_read_url=pg_pair.replica.url("opengov_replica"),
                   replica_check_s=CHECK_S, replica_max_lag_s=MAX_LAG_S,
                   reports_rate_limit="1000/minute")
    store = app.extensions["opengov"].store
    upgrade(store.engine)
    load_all(store, DATASETS, only=["report-categories"])
    pg_pair.wait_caught_up()
    yield app
    store.engine.dispose()
    store.router.replica.dispose()


@pytest.fixture
def pair(pg_pair, replicated):  # noqa: F811
    """The pair, left running and replaying after the test whatever the test did to it."""
    yield pg_pair
    try:
        pg_pair.replica.sql("SELECT pg_wal_replay_resume()")
    except Exception:  # noqa: BLE001 - stopped by the test: start it again
        pg_pair.replica.start()
    pg_pair.wait_caught_up()


def _wait_for(predicate, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def _listed_ids(client) -> set[str]:
    response = client.get("/reports?limit=1000")
    assert response.status_code == 200, response.get_data(as_text=True)
    return {f["id"] for f in response.get_json()["features"]}


def _ready(client) -> dict:
    response = client.get("/health/ready")
    assert response.status_code == 200  # a lost or lagging replica never makes it unready
    return response.get_json()


def _replica_gauges(client) -> dict:
    """The replica's samples of ``/metrics``: name (with a ``state`` label) → value."""
    from prometheus_client.parser import text_string_to_metric_families

    response = client.get("/metrics")
    assert response.status_code == 200
    out = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            if sample.name.startswith("opengov_replica_"):
                label = sample.labels.get("state")
                out[f"{sample.name}:{label}" if label else sample.name] = sample.value
    return out


def test_request_reads_run_on_the_replica_and_writes_on_the_primary(replicated):
    store = replicated.extensions["opengov"].store
    with replicated.test_request_context("/reports"), routed(ReadRoute()):
        with store.reading() as conn:
            assert conn.execute(text("SELECT pg_is_in_recovery()")).scalar_one() is True
    with replicated.test_request_context("/reports"), routed(ReadRoute(primary=True)):
        with store.reading() as conn:  # a write request, a key or the sticky cookie
            assert conn.execute(text("SELECT pg_is_in_recovery()")).scalar_one() is False
    with store.reading() as conn:  # outside requests (commands, loads): the primary
        assert conn.execute(text("SELECT pg_is_in_recovery()")).scalar_one() is False
    ready = _ready(replicated.test_client())
    assert ready["checks"]["replica"] == "ok" and ready["replica"]["reads"] == "replica"
    assert ready["replica"]["lag_s"] == 0  # caught up, although the primary is idle
    gauges = _replica_gauges(replicated.test_client())
    assert gauges["opengov_replica_reads_on_replica"] == 1
    assert gauges["opengov_replica_lag_seconds"] == 0
    assert gauges["opengov_replica_max_lag_seconds"] == MAX_LAG_S
    assert gauges["opengov_replica_state:ok"] == 1 and gauges["opengov_replica_state:lagging"] == 0


def test_a_report_is_tracked_at_once_while_the_replica_is_paused(pair, replicated):
    reader = replicated.test_client()
    pair.replica.sql("SELECT pg_wal_replay_pause()")
    writer = replicated.test_client()
    receipt = submit(writer)
    tracked = writer.get(receipt["links"]["track"])  # read-your-writes: the primary
    assert tracked.status_code == 200
    assert tracked.get_json()["report"]["id"] == receipt["id"]
    assert replicated.test_client().get(receipt["links"]["track"]).status_code == 200
    assert receipt["id"] not in _listed_ids(reader)  # the list came from the paused replica
    assert writer.get_cookie("og_primary") is not None  # the write's sticky window
    assert receipt["id"] in _listed_ids(writer)  # ... sends the writer's own reads to the primary
    pair.replica.sql("SELECT pg_wal_replay_resume()")
    pair.wait_caught_up()
    assert receipt["id"] in _listed_ids(reader)


def test_a_lagging_replica_falls_back_to_the_primary_and_comes_back(pair, replicated, caplog):
    caplog.set_level(logging.INFO, logger="opengov.store.replica")
    client = replicated.test_client()
    pair.replica.sql("SELECT pg_wal_replay_pause()")
    receipt = submit(replicated.test_client())  # the primary moves on
    assert receipt["id"] not in _listed_ids(client)  # within the bound: still the replica
    _wait_for(lambda: receipt["id"] in _listed_ids(client), timeout=MAX_LAG_S + 4 * CHECK_S + 5)
    ready = _ready(client)
    assert ready["checks"]["replica"] == "lagging" and ready["replica"]["reads"] == "primary"
    assert ready["replica"]["lag_s"] > MAX_LAG_S
    gauges = _replica_gauges(client)
    assert gauges["opengov_replica_reads_on_replica"] == 0  # fell back to the primary
    assert gauges["opengov_replica_lag_seconds"] > MAX_LAG_S
    assert gauges["opengov_replica_state:lagging"] == 1 and gauges["opengov_replica_state:ok"] == 0
    assert any("replica lagging" in r.getMessage() for r in caplog.records)
    pair.replica.sql("SELECT pg_wal_replay_resume()")
    pair.wait_caught_up()
    _wait_for(lambda: _ready(client)["checks"]["replica"] == "ok", timeout=4 * CHECK_S + 5)
    assert any("replica ok" in r.getMessage() for r in caplog.records)
    pair.replica.sql("SELECT pg_wal_replay_pause()")  # proof that reads are on the replica again
    later = submit(replicated.test_client())
    assert later["id"] not in _listed_ids(client)


def test_a_stopped_replica_costs_no_error(pair, replicated, caplog):
    caplog.set_level(logging.INFO, logger="opengov.store.replica")
    client = replicated.test_client()
    for _ in range(3):
        _listed_ids(client)  # pooled replica connections, about to die
    pair.replica.stop()
    statuses = []
    for _ in range(10):  # every read answers, from the primary
        statuses.append(client.get("/reports?limit=5").status_code)
    assert statuses == [200] * 10
    ready = _ready(client)
    assert ready["checks"] == {"database": "ok", "migrations": "current",
                               "replica": "unreachable"}
    assert ready["replica"]["reads"] == "primary" and ready["replica"]["lag_s"] is None
    gauges = _replica_gauges(client)
    assert gauges["opengov_replica_reads_on_replica"] == 0
    assert math.isnan(gauges["opengov_replica_lag_seconds"])  # unknown, not 0
    assert gauges["opengov_replica_state:unreachable"] == 1
    assert any("replica unreachable" in r.getMessage() for r in caplog.records)
    pair.replica.start()
    _wait_for(lambda: _ready(client)["checks"]["replica"] == "ok", timeout=4 * CHECK_S + 10)
    assert _replica_gauges(client)["opengov_replica_reads_on_replica"] == 1


def test_lag_is_zero_when_caught_up_and_bounded_by_the_time_seen_behind():
    assert parse_lsn("16/B374D848") == (0x16 << 32) + 0xB374D848
    assert replication_lag(100, 100, 3600.0, 0.0) == 0.0  # idle primary: an old last replay
    assert replication_lag(90, 100, 3600.0, 0.0) == 0.0  # just behind after an idle hour
    assert replication_lag(90, 100, 3600.0, 7.5) == 7.5
    assert replication_lag(90, 100, 0.2, 7.5) == 0.2  # steady writes: the replay's age
    assert replication_lag(None, 100, None, 4.0) == 4.0


def test_a_read_url_needs_postgresql_on_both_sides(tmp_path):
    with pytest.raises(ValueError, match="OPENGOV_DATABASE_READ_URL needs PostgreSQL"):
        make_app(f"sqlite:///{tmp_path / 'a.sqlite3'}", tmp_path,
                 database_read_url=f"sqlite:///{tmp_path / 'b.sqlite3'}")


def test_without_a_replica_nothing_changes(empty_app_factory):
    app = empty_app_factory(reports_rate_limit="1000/minute")
    store = app.extensions["opengov"].store
    assert store.router is None
    load_all(store, DATASETS, only=["report-categories"])
    api = app.test_client()
    assert "replica" not in api.get("/health/ready").get_json()
    assert _replica_gauges(api) == {}  # no replica: no replica series
    submit(api)
    assert api.get_cookie("og_primary") is None  # no replica: no sticky window needed


def test_replica_failures_worth_a_second_try_on_the_primary():
    import psycopg
    from sqlalchemy.exc import DBAPIError

    from opengov.read_routing import replica_failure

    def wrapped(orig, invalidated=False):
        return DBAPIError("SELECT 1", {}, orig, connection_invalidated=invalidated)

    conflict = psycopg.errors.SerializationFailure(
        "canceling statement due to conflict with recovery")
    assert replica_failure(wrapped(conflict)) == "conflict"
    assert replica_failure(wrapped(psycopg.OperationalError("gone"), True)) == "unreachable"
    assert replica_failure(wrapped(psycopg.errors.UndefinedTable("no such table"))) is None
    assert replica_failure(ValueError("not a database error")) is None
