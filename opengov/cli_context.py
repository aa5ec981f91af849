"""What every ``opengov`` command needs from its click context: the app and its store.

Capabilities contribute their own commands (``commands`` / ``synth_commands`` in their
:class:`~opengov.capability.Capability`) and reach the application through these two
functions. A command that uses the database first says which one (on stderr, password masked);
only ``init``, ``load``, ``serve`` and ``synth`` may create it, every other command refuses a
database that does not exist.
"""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path
from typing import Literal

import click

from opengov.cli_errors import SetupError, masked_url, missing_sqlite_file

Database = Literal["none", "existing", "create"]


def app_for(ctx: click.Context, *, database: Database = "existing"):
    """The application configured by the root command's options, built once per invocation.

    ``database``: ``"none"`` for commands that never touch it (``openapi``), ``"existing"``
    (the default) to refuse a database that does not exist, ``"create"`` to allow making one.
    """
    root = ctx.find_root()
    if "app" not in root.obj:
        from opengov.app import create_app
        from opengov.settings import load_settings

        config = root.obj["config"]
        if database != "none":
            _announce(load_settings(config).resolved_database_url, create=database == "create")
        try:
            app = create_app(config)
        except ValueError as exc:
            raise SetupError(str(exc)) from exc
        root.obj["app"] = app
        root.call_on_close(app.extensions["opengov"].store.engine.dispose)
    return root.obj["app"]


def context_for(ctx: click.Context, *, database: Database = "existing"):
    """The application's state (settings, capabilities, store) without building the Flask
    application (its routes and schemas cost seconds), for commands that only touch the
    database; the application's own when it is already built."""
    root = ctx.find_root()
    if "app" in root.obj:
        return root.obj["app"].extensions["opengov"]
    if "context" not in root.obj:
        from opengov.app import make_context
        from opengov.modules import capabilities_for
        from opengov.settings import load_settings

        try:
            settings = load_settings(root.obj["config"])
            if database != "none":
                _announce(settings.resolved_database_url, create=database == "create")
            context = make_context(settings, capabilities_for(settings))
        except ValueError as exc:
            raise SetupError(str(exc)) from exc
        root.obj["context"] = context
        root.call_on_close(context.store.engine.dispose)
    return root.obj["context"]


def state_context(state):
    """An application context that carries ``state`` but no routes, for code that reads the
    settings through :func:`opengov.context.current` when no application was built."""
    from flask import Flask

    bare = Flask("opengov")
    bare.extensions["opengov"] = state
    return bare.app_context()


def use_project(config: dict, folder: Path | None) -> Path | None:
    """Point ``config`` at the project's ``opengov.toml``: ``folder`` (``--project``), else the
    nearest one at or above the working directory unless ``OPENGOV_CONFIG`` names a file.
    Returns the project folder, or None outside any project."""
    from opengov.project import ProjectError, find_project, project_file

    if folder is None:
        if os.environ.get("OPENGOV_CONFIG"):
            return Path(os.environ["OPENGOV_CONFIG"]).resolve().parent
        folder = find_project(Path.cwd())
        if folder is None:
            return None
    try:
        path = project_file(folder).resolve()
        with path.open("rb") as fh:
            tomllib.load(fh)
    except ProjectError as exc:
        raise SetupError(str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise SetupError(f"project file {path} is not valid TOML: {exc}") from None
    config["config_file"] = str(path)
    return Path(folder).resolve()


def in_new_project(ctx: click.Context, datasets: Path) -> bool:
    """Whether the command runs in a project whose datasets folder holds no dataset yet (then
    there is nothing to load, which is not an error)."""
    from opengov.project import is_empty_datasets_folder

    return ctx.find_root().obj.get("project") is not None and is_empty_datasets_folder(datasets)


def when_enabled(capability: str, command: click.Command) -> click.Command:
    """``command`` (contributed by ``capability``) refusing to run, with one line, when the
    settings leave that capability out (``OPENGOV_DISABLED_CAPABILITIES``)."""
    callback = command.callback

    @functools.wraps(callback or (lambda **_: None))
    def guarded(*args, **kwargs):
        from opengov.modules import capabilities_for
        from opengov.settings import load_settings

        here = click.get_current_context()
        config = here.find_root().obj["config"]
        try:
            enabled = capabilities_for(load_settings(config)).names
        except ValueError as exc:
            raise SetupError(str(exc)) from exc
        if capability not in enabled:
            raise SetupError(f"`{here.command_path}` needs the {capability!r} capability, "
                             "which the settings leave out (OPENGOV_CAPABILITIES / "
                             "OPENGOV_DISABLED_CAPABILITIES)")
        return callback(*args, **kwargs) if callback is not None else None

    command.callback = guarded
    return command


def store_for(ctx: click.Context, *, database: Database = "existing"):
    """The application's store (engine, tables, repository)."""
    return app_for(ctx, database=database).extensions["opengov"].store


def _announce(url: str, *, create: bool) -> None:
    """Say which database the command works on; refuse a missing one unless ``create``."""
    click.echo(f"database: {masked_url(url)}", err=True)
    missing = missing_sqlite_file(url)
    if missing is not None and not create:
        raise SetupError(f"no database at {missing}; run `opengov init` there first, or point "
                         "--database-url / OPENGOV_DATABASE_URL (or OPENGOV_INSTANCE_PATH) at "
                         "the existing one")
