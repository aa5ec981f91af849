"""One clear line, exit status 2, for the ways an ``opengov`` command's setup goes wrong.

Unreachable PostgreSQL, a database that does not exist, a malformed URL, a missing driver, a
missing or invalid config file, a role that may not create PostGIS, a missing datasets folder:
:func:`explain` turns each into one line naming what to do. ``opengov --debug`` shows the
traceback instead.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError


class SetupError(click.ClickException):
    """The command cannot run as configured (exit status 2, one line, no traceback)."""

    exit_code = 2


def masked_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` (also when it cannot be parsed)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", url)


def missing_sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL when it does not exist yet; None otherwise."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database)
    return None if path.exists() else path.resolve()


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _explain_database(exc: DBAPIError, url: str) -> str:
    parsed = make_url(url)
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    message = _first_line(exc)
    if parsed.get_backend_name() == "sqlite":
        return f"cannot use the SQLite database {parsed.database}: {message}"
    if "permission denied to create extension" in message:
        return (f"role {parsed.username} may not create the postgis extension in database "
                f"{parsed.database}; as a superuser run: psql -h {parsed.host or 'localhost'} "
                f"-d {parsed.database} -c 'CREATE EXTENSION IF NOT EXISTS postgis'")
    if re.search(r'database ".*" does not exist', message):
        return (f"database {parsed.database} does not exist on the PostgreSQL server at {where}"
                f" (create it: createdb -h {parsed.host or 'localhost'} {parsed.database})")
    if re.search(r"connection refused|could not connect|timeout|translate host|"
                 r"no route|network is unreachable", message, re.I):
        return f"cannot reach PostgreSQL at {where} ({message})"
    return f"database error on {masked_url(url)}: {message}"


def _explain_config(exc: BaseException) -> str | None:
    config = os.environ.get("OPENGOV_CONFIG")
    if isinstance(exc, FileNotFoundError) and config and exc.filename == config:
        return f"config file {config} (OPENGOV_CONFIG) does not exist"
    if isinstance(exc, tomllib.TOMLDecodeError):
        return f"config file {config} (OPENGOV_CONFIG) is not valid TOML: {exc}"
    return None


def explain(exc: BaseException, url: str | None) -> str | None:
    """One line saying what went wrong and what to do; None for errors we do not know."""
    from opengov.loader import LoadError

    if isinstance(exc, LoadError):
        return str(exc)
    config = _explain_config(exc)
    if config is not None:
        return config
    if url is None:
        return None
    if isinstance(exc, ModuleNotFoundError) and exc.name in ("psycopg", "psycopg2"):
        return ("the PostgreSQL driver is not installed: pip install 'opengov[postgres]'")
    if isinstance(exc, NoSuchModuleError):
        return f"unknown database type in {masked_url(url)}: {_first_line(exc)}"
    if isinstance(exc, ArgumentError):
        return (f"malformed database URL {masked_url(url)}: expected e.g. "
                "sqlite:////path/to/opengov.sqlite3 or postgresql+psycopg://user@host:5432/db")
    if isinstance(exc, DBAPIError):
        return _explain_database(exc, url)
    return None


class OpengovGroup(click.Group):
    """The root command: known setup errors become one line (exit 2) unless ``--debug``."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if (ctx.obj or {}).get("debug"):
                raise
            message = explain(exc, _database_url(ctx))
            if message is None:
                raise
            raise SetupError(message) from None


def _database_url(ctx: click.Context) -> str | None:
    from opengov.settings import load_settings

    try:
        return load_settings((ctx.obj or {}).get("config")).resolved_database_url
    except Exception:  # noqa: BLE001 - a broken configuration is explained on its own
        return None
