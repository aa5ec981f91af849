"""Where the data is, and what went wrong: the ``opengov`` command run as a real process.

Each setup error is one line on stderr and exit status 2, never a traceback (``--debug`` shows
it); every database command first names its database with the password masked.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import DATASETS, PG_URL, need_postgres
from tests.serving import free_port


def opengov(*args: str, cwd: Path, env: dict | None = None,
            python: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """Run ``opengov ARGS`` in ``cwd`` with a clean opengov environment plus ``env``."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("OPENGOV_")}
    environ.update(env or {})
    argv = [sys.executable, *(python or ("-m", "opengov.cli")), *args]
    return subprocess.run(argv, cwd=cwd, env=environ, capture_output=True, text=True,
                          timeout=300)


def one_line_error(done: subprocess.CompletedProcess) -> str:
    """The single error line of a failed command (after the optional ``database:`` line)."""
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if not line.startswith("database: ")]
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.mark.parametrize("command", [("keys", "create", "--role", "admin"), ("keys", "list"),
                                     ("export", "cameras", "--format", "csv", "-o", "x.csv"),
                                     ("harvest",)])
def test_commands_refuse_a_database_that_does_not_exist(tmp_path, command):
    done = opengov(*command, cwd=tmp_path)
    message = one_line_error(done)
    expected = tmp_path / "instance" / "opengov.sqlite3"
    assert str(expected) in message and "opengov init" in message
    assert done.stderr.splitlines()[0] == f"database: sqlite:///{expected}"
    assert not (tmp_path / "instance").exists()  # nothing created


def test_first_line_names_the_database_with_the_password_masked(tmp_path):
    url = f"postgresql+psycopg://opengov:s3cret@127.0.0.1:{free_port()}/opengov"
    done = opengov("--database-url", url, "keys", "list", cwd=tmp_path)
    assert done.stderr.splitlines()[0] == (
        f"database: postgresql+psycopg://opengov:***@127.0.0.1:{make_url(url).port}/opengov")
    assert "s3cret" not in done.stderr + done.stdout


def test_missing_datasets_folder_is_an_error_and_writes_nothing(tmp_path):
    done = opengov("load", cwd=tmp_path, env={"OPENGOV_DATASETS_PATH": "/nonexistent"})
    assert "/nonexistent does not exist" in one_line_error(done)
    empty = tmp_path / "empty"
    empty.mkdir()
    done = opengov("load", cwd=tmp_path, env={"OPENGOV_DATASETS_PATH": str(empty)})
    assert "holds no dataset folders" in one_line_error(done)
    counts = _record_counts(tmp_path / "instance" / "opengov.sqlite3")
    assert not any(counts.values()), counts  # no parcels, no readings generated


def test_a_folder_of_own_data_gets_no_generated_sample(tmp_path):
    own = tmp_path / "mine"
    (own / "cameras").mkdir(parents=True)
    for name in ("cameras.geojson", "metadata.yaml"):
        (own / "cameras" / name).write_bytes((DATASETS / "cameras" / name).read_bytes())
    done = opengov("load", cwd=tmp_path, env={"OPENGOV_DATASETS_PATH": str(own)})
    assert done.returncode == 0, done.stderr
    counts = _record_counts(tmp_path / "instance" / "opengov.sqlite3")
    assert counts["cameras"] > 0
    assert {k: v for k, v in counts.items() if k != "cameras" and v} == {}


def _record_counts(path: Path) -> dict[str, int]:
    if not path.exists():
        return {}
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            names = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table' "
                                      "AND name LIKE 'c\\_%' ESCAPE '\\'")).scalars().all()
            return {name[2:].replace("_", "-"): conn.execute(
                text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                for name in names if "_rtree" not in name and "_fts" not in name}
    finally:
        engine.dispose()


def test_unreachable_postgresql(tmp_path):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/opengov"  # nothing listens
    message = one_line_error(opengov("--database-url", url, "init", cwd=tmp_path))
    assert message.startswith("Error: cannot reach PostgreSQL at 127.0.0.1:")


def test_malformed_url(tmp_path):
    message = one_line_error(opengov("--database-url", "postgres:/oops::", "init",
                                     cwd=tmp_path))
    assert "malformed database URL" in message


def test_missing_driver_names_the_extra(tmp_path):
    blocker = ("-c", "import sys; sys.modules['psycopg'] = None; sys.argv[0] = 'opengov'; "
               "from opengov.cli import main; main()")
    done = opengov("--database-url", "postgresql+psycopg://postgres@127.0.0.1/x", "init",
                   cwd=tmp_path, python=blocker)
    assert "pip install 'opengov[postgres]'" in one_line_error(done)


def test_missing_config_file(tmp_path):
    done = opengov("init", cwd=tmp_path, env={"OPENGOV_CONFIG": str(tmp_path / "nope.toml")})
    assert one_line_error(done) == (f"Error: config file {tmp_path / 'nope.toml'} "
                                    "(OPENGOV_CONFIG) does not exist")


def test_debug_shows_the_traceback(tmp_path):
    done = opengov("--debug", "init", cwd=tmp_path,
                   env={"OPENGOV_CONFIG": str(tmp_path / "nope.toml")})
    assert done.returncode == 1 and "Traceback" in done.stderr


def test_port_in_use_is_reported_before_anything_else(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = opengov("serve", "--port", str(port), cwd=tmp_path)
    assert done.stdout == ""
    assert done.stderr.strip() == (f"Error: port {port} on 127.0.0.1 is already in use (stop "
                                   "the other server or choose another port with --port)")
    assert not (tmp_path / "instance").exists()


def test_database_missing_on_the_real_server(tmp_path, postgres):
    need_postgres(postgres)
    url = make_url(PG_URL).set(database=f"opengov_missing_{uuid.uuid4().hex[:8]}")
    done = opengov("--database-url", url.render_as_string(hide_password=False), "keys", "list",
                   cwd=tmp_path)
    assert f"database {url.database} does not exist" in one_line_error(done)


def test_role_that_may_not_create_postgis_is_told_the_sql(tmp_path, postgres):
    need_postgres(postgres)
    name = f"opengov_role_{uuid.uuid4().hex[:8]}"
    with postgres.admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{name}" LOGIN'))
        conn.execute(text(f'CREATE DATABASE "{name}" OWNER "{name}"'))
    try:
        url = make_url(PG_URL).set(username=name, password=None, database=name)
        done = opengov("--database-url", url.render_as_string(hide_password=False), "init",
                       cwd=tmp_path)
        message = one_line_error(done)
        assert f"role {name} may not create the postgis extension" in message
        assert "CREATE EXTENSION IF NOT EXISTS postgis" in message
    finally:
        with postgres.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))


def test_serve_refuses_a_missing_datasets_folder_on_a_fresh_database(tmp_path):
    done = opengov("serve", "--port", str(free_port()), cwd=tmp_path,
                   env={"OPENGOV_DATASETS_PATH": str(tmp_path / "missing")})
    assert f"{tmp_path / 'missing'} does not exist" in one_line_error(done)
    assert "serving on" not in done.stdout
    assert not (tmp_path / "instance" / "sample-loading.json").exists()


@pytest.mark.parametrize("left_out, command", [
    ("reports", ("reports", "erase-contacts")), ("land", ("synth", "parcels", "--count", "5")),
    ("gateway", ("harvest",))])
def test_a_command_of_a_left_out_capability_refuses_in_one_line(tmp_path, left_out, command):
    done = opengov(*command, cwd=tmp_path, env={"OPENGOV_DISABLED_CAPABILITIES": left_out})
    line = one_line_error(done)
    assert f"needs the {left_out!r} capability" in line and "OPENGOV_DISABLED" in line
    assert not (tmp_path / "instance").exists()  # refused before touching any database


def test_an_unknown_capability_setting_is_one_line(tmp_path):
    done = opengov("init", cwd=tmp_path, env={"OPENGOV_CAPABILITIES": "web,lands"})
    assert "unknown capability 'lands'" in one_line_error(done)
