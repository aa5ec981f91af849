"""Throwaway PostgreSQL clusters on 127.0.0.1: a primary and its streaming replica.

Both run from Debian's PostgreSQL 15 binaries on free ports in a temporary folder, as the
``postgres`` OS user when the tests run as root (``initdb`` refuses root), so nothing of the
machine's own server changes. Under CI missing binaries fail the test; elsewhere without them
the replica tests are left out with the reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import need

PG_BIN = Path(os.environ.get("OPENGOV_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
REPLICA_SH = Path(__file__).resolve().parents[2] / "deploy" / "postgresql" / "replica.sh"
REPL_USER, REPL_PW = "opengov_replica", "replica-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Cluster:
    """One server: ``start``/``stop``/``restart``, ``sql`` as superuser, ``url(db)`` for the app.

    ``database`` is the default of ``url`` and ``sql`` (``postgres`` unless the pair made one).
    """

    def __init__(self, data: Path, port: int, database: str = "postgres"):
        self.data, self.port, self.database = data, port, database

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(_as_postgres([str(PG_BIN / args[0]), *args[1:]]), check=check,
                              capture_output=True, text=True, timeout=180)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "120", "-l",
                  str(self.data / "server.log"), "-o",
                  f"-c port={self.port} -c listen_addresses=127.0.0.1 "
                  f"-c unix_socket_directories={self.data}", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-m", "fast", "stop", check=False)

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: sessions are cut, committed work stays."""
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "120", "-m", "fast", "-l",
                  str(self.data / "server.log"), "restart")

    def url(self, database: str | None = None) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database or self.database}"

    def sql(self, statement: str, database: str | None = None, **params) -> list[tuple] | None:
        """Rows of one statement (None if it returns none), autocommit, own connection."""
        engine = create_engine(self.url(database), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                result = conn.execute(text(statement), params)
                return [tuple(row) for row in result] if result.returns_rows else None
        finally:
            engine.dispose()


def make_replica(primary: Cluster, replica: Cluster) -> str:
    """Run the documented ``deploy/postgresql/replica.sh`` to make ``replica`` a streaming
    standby of ``primary`` and start it (pg_ctl rather than systemd); its output."""
    env = {**os.environ, "PRIMARY": "127.0.0.1", "PRIMARY_PORT": str(primary.port),
           "REPL_USER": REPL_USER, "REPL_PW": REPL_PW, "DATA": str(replica.data),
           "BIN": str(PG_BIN), "SERVICE": "", "PORT": str(replica.port),
           "SOCKET_DIR": str(replica.data)}
    done = subprocess.run(["sh", str(REPLICA_SH)], env=env, capture_output=True, text=True,
                          timeout=300)
    if done.returncode != 0 or done.stdout.strip().splitlines()[-1:] != ["t"]:
        raise RuntimeError(f"replica.sh failed ({done.returncode}): {done.stdout}{done.stderr}")
    return done.stdout


class ReplicatedPair:
    """A primary with ``wal_level=replica`` and a replica made by the documented
    ``deploy/postgresql/replica.sh`` (``pg_basebackup -R`` as the ``opengov_replica`` role,
    which the primary's ``pg_hba.conf`` asks for its password).

    In a fresh folder under the system's temporary folder (the ``postgres`` user must reach
    it). ``database``: created on the primary before the base backup and made the default of
    both servers' ``url``/``sql``; ``settings``: more ``postgresql.conf`` lines. ``fsync=off``:
    the faults the tests and benchmarks inject shut PostgreSQL down cleanly.
    """

    def __init__(self, database: str = "postgres", settings: str = ""):
        self.root = Path(tempfile.mkdtemp(prefix="opengov-pgpair-"))
        os.chmod(self.root, 0o755)
        self.primary = Cluster(self.root / "primary", free_port(), database)
        self.replica = Cluster(self.root / "replica", free_port(), database)
        self.settings = settings

    def start(self) -> ReplicatedPair:
        if not (PG_BIN / "pg_basebackup").exists():
            raise RuntimeError(f"PostgreSQL binaries not found in {PG_BIN}")
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self.primary._run("initdb", "-D", str(self.primary.data), "-U", "postgres",
                          "-A", "trust", "--no-sync", "-E", "UTF8")
        hba = self.primary.data / "pg_hba.conf"  # the replication role needs its password
        hba.write_text(f"host replication {REPL_USER} 127.0.0.1/32 scram-sha-256\n"
                       + hba.read_text())
        with open(self.primary.data / "postgresql.conf", "a") as fh:
            fh.write("wal_level = replica\nmax_wal_senders = 5\nfsync = off\n"
                     f"wal_receiver_status_interval = 1s\n{self.settings}")
        self.primary.start()
        if self.primary.database != "postgres":
            self.primary.sql(f'CREATE DATABASE "{self.primary.database}"', database="postgres")
        self.primary.sql(f"CREATE ROLE {REPL_USER} LOGIN REPLICATION PASSWORD '{REPL_PW}'")
        make_replica(self.primary, self.replica)
        return self

    def replay_lag_bytes(self) -> int | None:
        """Bytes of WAL the replica has not replayed yet (None when it does not answer)."""
        try:
            target = self.primary.sql("SELECT pg_current_wal_lsn()::text")[0][0]
            return int(self.replica.sql(
                f"SELECT pg_wal_lsn_diff('{target}', pg_last_wal_replay_lsn())")[0][0])
        except Exception:  # noqa: BLE001 - a server down is an answer here
            return None

    def wait_caught_up(self, timeout: float = 30) -> None:
        """Until the replica has replayed everything the primary has written."""
        target = self.primary.sql("SELECT pg_current_wal_lsn()::text")[0][0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = self.replica.sql(
                f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0][0]
            if done:
                return
            time.sleep(0.1)
        raise AssertionError("the replica did not catch up")

    def close(self) -> None:
        self.replica.stop()
        self.primary.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def start_pair() -> ReplicatedPair:
    """A running pair, or a skip/fail (see :func:`tests.conftest.need`) without binaries."""
    need(f"PostgreSQL binaries in {PG_BIN}", (PG_BIN / "pg_basebackup").exists())
    pair = ReplicatedPair()
    try:
        pair.start()
    except Exception:
        pair.close()
        raise
    return pair


@pytest.fixture(scope="session")
def pg_pair():
    pair = start_pair()
    yield pair
    pair.close()
