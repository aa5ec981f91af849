"""SQLite reads on a kept per-thread connection: one snapshot per block, never holding a pool
slot, closed with the thread or the engine."""

from __future__ import annotations

import gc
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from opengov.modules import all_capabilities
from opengov.store.engine import make_engine, write_transaction
from opengov.store.migrate import upgrade
from opengov.store.repository import Store

ALL = all_capabilities()


@pytest.fixture
def store(tmp_path: Path):
    store = Store(make_engine(f"sqlite:///{tmp_path / 'kept.sqlite3'}"), ALL.registry,
                  tables=ALL.table_contributions())
    upgrade(store.engine)
    with write_transaction(store.engine) as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER)"))
        conn.execute(text("INSERT INTO counter VALUES (1)"))
    yield store
    store.engine.dispose()


def _read(conn) -> int:
    return conn.execute(text("SELECT n FROM counter")).scalar_one()


def _bump(store: Store) -> None:
    with write_transaction(store.engine) as conn:
        conn.execute(text("UPDATE counter SET n = n + 1"))


def test_a_block_is_one_snapshot_and_the_next_block_sees_new_writes(store):
    with store.reading() as conn:
        before = _read(conn)
        _bump(store)  # committed by another connection meanwhile
        assert _read(conn) == before  # same snapshot to the end of the block
    with store.reading() as conn:
        assert _read(conn) == before + 1


def test_nested_blocks_share_the_snapshot_and_only_the_outer_one_ends_it(store):
    with store.reading() as outer:
        before = _read(outer)
        with store.reading() as inner:
            assert inner is outer
        _bump(store)
        assert _read(outer) == before  # the inner block's end did not end the snapshot
        assert outer.connection.dbapi_connection.in_transaction
    assert not outer.connection.dbapi_connection.in_transaction


def test_an_error_inside_a_block_still_ends_the_snapshot(store):
    with pytest.raises(Exception, match="no such table"), store.reading() as conn:
        _read(conn)
        conn.execute(text("SELECT * FROM no_such_table"))
    with store.reading() as conn:
        _bump(store)
        assert _read(conn) == 2


def test_readers_hold_no_pool_slot_so_writes_never_wait(store):
    """More reading threads than the pool holds (8 + 16 overflow), all alive at once: each has
    its own kept connection and a write still gets a pooled one at once."""
    ready, release = threading.Barrier(41), threading.Event()
    seen = []

    def reader():
        with store.reading() as conn:
            seen.append(_read(conn))
        ready.wait(timeout=30)
        release.wait(timeout=30)

    threads = [threading.Thread(target=reader) for _ in range(40)]
    for t in threads:
        t.start()
    ready.wait(timeout=30)
    assert store.engine.pool.checkedout() == 0
    _bump(store)  # would time out if the readers held pool connections
    release.set()
    for t in threads:
        t.join()
    assert seen == [1] * 40


def _driver_connection(store: Store) -> sqlite3.Connection:
    with store.reading() as conn:
        return conn.connection.dbapi_connection


def _is_closed(dbapi: sqlite3.Connection) -> bool:
    try:
        dbapi.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        return True
    return False


def _open_handles(path: Path) -> int:
    """File descriptors of this process open on ``path`` (Linux)."""
    fds = Path("/proc/self/fd")
    return sum(1 for fd in fds.iterdir() if _target(fd) == str(path))


def _target(fd: Path) -> str | None:
    try:
        return str(fd.readlink())
    except OSError:
        return None


def test_a_threads_connection_is_reused_and_closed_when_the_thread_ends(store, tmp_path):
    database = tmp_path / "kept.sqlite3"
    store.engine.dispose()  # only the thread's connection left open below
    reused = []

    def work():
        reused.append(_driver_connection(store) is _driver_connection(store))
        reused.append(_open_handles(database))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    del thread
    gc.collect()
    assert reused[0] is True
    assert reused[1] >= 1 and _open_handles(database) == 0


def test_dispose_closes_idle_connections_and_the_next_read_opens_a_new_one(store):
    first = _driver_connection(store)
    store.engine.dispose()
    assert _is_closed(first)
    second = _driver_connection(store)
    assert second is not first and not _is_closed(second)


def test_dispose_during_a_block_closes_the_connection_when_the_block_ends(store):
    with store.reading() as conn:
        dbapi = conn.connection.dbapi_connection
        store.engine.dispose()
        assert _read(conn) == 1  # still usable inside the block
    assert _is_closed(dbapi)
