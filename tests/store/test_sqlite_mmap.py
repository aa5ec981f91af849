"""SQLite reads go through a memory map of the size the settings give (0: none), and a bulk
load's index builds run without it (their whole-table scans would count in its memory)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from opengov.app import create_app
from opengov.declare.rebuild import bulk_writes
from opengov.store.engine import write_transaction


def _app(tmp_path: Path, mmap_mb: int):
    return create_app({"instance_path": str(tmp_path / "instance"), "sqlite_mmap_mb": mmap_mb,
                       "database_url": f"sqlite:///{tmp_path / 'db.sqlite3'}"})


def _mmap_size(conn) -> int:
    return conn.exec_driver_sql("PRAGMA mmap_size").scalar_one()


@pytest.mark.parametrize("mmap_mb", [64, 0])
def test_connections_map_as_much_of_the_file_as_the_setting_says(tmp_path, mmap_mb):
    engine = _app(tmp_path, mmap_mb).extensions["opengov"].store.engine
    with engine.connect() as conn:
        assert _mmap_size(conn) == mmap_mb << 20


def test_a_bulk_load_reads_without_the_map_and_gives_it_back(tmp_path):
    engine = _app(tmp_path, 64).extensions["opengov"].store.engine
    with write_transaction(engine) as conn:
        with bulk_writes(conn):
            assert _mmap_size(conn) == 0
            conn.execute(text("CREATE TABLE t (n INTEGER)"))
        assert _mmap_size(conn) == 64 << 20
