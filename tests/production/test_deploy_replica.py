"""``deploy/postgresql/replica.sh`` makes a working streaming replica: the pair of the replica
tests is made by it (:func:`tests.production.pgcluster.make_replica`), streaming as the
replication role with its password, and what the primary commits shows on the replica."""

from __future__ import annotations

import pytest

from tests.production.pgcluster import REPL_USER, pg_pair  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow


def test_the_documented_script_makes_a_streaming_replica(pg_pair):  # noqa: F811
    assert pg_pair.replica.sql("SELECT pg_is_in_recovery()") == [(True,)]
    conninfo = pg_pair.replica.sql("SHOW primary_conninfo")[0][0]
    assert f"user={REPL_USER}" in conninfo and f"port={pg_pair.primary.port}" in conninfo
    senders = pg_pair.primary.sql("SELECT usename, state FROM pg_stat_replication")
    assert senders == [(REPL_USER, "streaming")]
    pg_pair.primary.sql("CREATE TABLE IF NOT EXISTS replica_sh_probe (n int)")
    pg_pair.primary.sql("INSERT INTO replica_sh_probe VALUES (42)")
    pg_pair.wait_caught_up()
    assert pg_pair.replica.sql("SELECT n FROM replica_sh_probe") == [(42,)]
