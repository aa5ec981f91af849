"""The files of deploy/ work as written: systemd units that systemd accepts and whose commands
opengov has, an environment file naming every setting, and a PostgreSQL setup script that
leaves a database an unprivileged role can run ``opengov init`` on."""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
import sys
import uuid
from dataclasses import fields
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from opengov.settings import Settings, load_settings
from tests.conftest import PG_URL, REPO, need, need_postgres

DEPLOY = REPO / "deploy"
INSTALLED = "/opt/opengov/venv/bin/opengov"  # where the units expect opengov
OPENGOV = Path(sys.executable).with_name("opengov")
UNITS = sorted((DEPLOY / "systemd").iterdir())


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(path)
    return parser


def test_systemd_accepts_every_unit(tmp_path):
    analyze = shutil.which("systemd-analyze")
    need("systemd-analyze (systemd)", analyze is not None)
    for path in UNITS:  # the same units, pointing at this checkout's opengov
        (tmp_path / path.name).write_text(path.read_text().replace(INSTALLED, str(OPENGOV)))
    done = subprocess.run([analyze, "verify", *sorted(map(str, tmp_path.iterdir()))],
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == "", done.stderr  # warnings count too


def test_every_service_runs_an_opengov_command_that_exists():
    services = [p for p in UNITS if p.suffix == ".service"]
    timers = {p.stem for p in UNITS if p.suffix == ".timer"}
    assert {"opengov-harvest", "opengov-extracts", "opengov-cameras-check"} <= timers
    for path in services:
        service = unit(path)["Service"]
        argv = shlex.split(service["ExecStart"])
        assert argv[0] == INSTALLED, path.name
        # --help after the options: click exits 0 only if the command and every option exist.
        done = subprocess.run([str(OPENGOV), *argv[1:], "--help"], capture_output=True,
                              text=True)
        assert done.returncode == 0, f"{path.name}: {done.stderr}"
        assert service["EnvironmentFile"] == "/etc/opengov/opengov.env"
        assert service["User"] == "opengov" and service["NoNewPrivileges"] == "yes"
        assert (path.stem in timers) == (service["Type"] == "oneshot"), path.name
    app = unit(DEPLOY / "systemd" / "opengov.service")["Service"]
    assert app["Restart"] == "on-failure" and app["ProtectSystem"] == "strict"


def _example() -> dict[str, str]:
    """Every ``OPENGOV_X=value`` of the example, commented or not: name → (active, value)."""
    found = {}
    for line in (DEPLOY / "opengov.env.example").read_text().splitlines():
        match = re.fullmatch(r"(#?)(OPENGOV_[A-Z0-9_]+)=(.*)", line)
        if match:
            found[match[2]] = (not match[1], match[3])
    return found


def test_the_environment_file_names_every_setting_and_its_active_lines_load():
    example = _example()
    settings = {f.metadata["env"] for f in fields(Settings)}
    assert settings - set(example) == set(), "settings missing from deploy/opengov.env.example"
    active = {name: value for name, (on, value) in example.items() if on}
    loaded = load_settings({}, environ=active)  # unknown or malformed values raise
    assert loaded.trusted_proxies == "10.0.0.10" and loaded.metrics == "key"
    for field in fields(Settings):  # commented lines show the real defaults
        on, value = example[field.metadata["env"]]
        default = getattr(Settings(), field.name)
        if not on and field.name not in ("instance_path", "datasets_path"):
            assert value == str(default), field.metadata["env"]


@pytest.fixture
def scratch_roles(postgres):
    """Names for a database and two roles on the test server, dropped afterwards."""
    need_postgres(postgres)
    tag = uuid.uuid4().hex[:8]
    names = {"db": f"og_setup_{tag}", "app_role": f"og_app_{tag}",
             "replication_role": f"og_repl_{tag}"}
    yield names
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{names["db"]}" WITH (FORCE)'))
        for role in (names["app_role"], names["replication_role"]):
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()


def _psql_setup(names: dict) -> subprocess.CompletedProcess:
    url = make_url(PG_URL)
    argv = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", url.host or "127.0.0.1",
            "-p", str(url.port or 5432), "-U", url.username or "postgres", "-d", "postgres",
            "-v", "app_password=app-secret", "-v", "replication_password=repl-secret",
            *[arg for key, value in names.items() for arg in ("-v", f"{key}={value}")],
            "-f", str(DEPLOY / "postgresql" / "setup.sql")]
    return subprocess.run(argv, capture_output=True, text=True)


def test_the_postgres_setup_lets_the_app_role_init_without_superuser(scratch_roles, tmp_path):
    need("psql (postgresql-client)", shutil.which("psql") is not None)
    first = _psql_setup(scratch_roles)
    assert first.returncode == 0, first.stderr
    assert _psql_setup(scratch_roles).returncode == 0  # running it again changes nothing
    admin = create_engine(PG_URL)
    with admin.connect() as conn:
        roles = {name: (superuser, replication) for name, superuser, replication in
                 conn.execute(text("SELECT rolname, rolsuper, rolreplication FROM pg_roles "
                                   "WHERE rolname IN (:a, :r)"),
                              {"a": scratch_roles["app_role"],
                               "r": scratch_roles["replication_role"]})}
    admin.dispose()
    assert roles == {scratch_roles["app_role"]: (False, False),
                     scratch_roles["replication_role"]: (False, True)}
    app_url = make_url(PG_URL).set(username=scratch_roles["app_role"], password="app-secret",
                                   database=scratch_roles["db"])
    done = subprocess.run([str(OPENGOV), "init"], capture_output=True, text=True, env={
        "PATH": "/usr/bin:/bin", "OPENGOV_INSTANCE_PATH": str(tmp_path),
        "OPENGOV_DATABASE_URL": app_url.render_as_string(hide_password=False)})
    assert done.returncode == 0, done.stderr
    assert "database ready at revision" in done.stdout
