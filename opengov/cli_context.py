"""What every ``opengov`` command needs from its click context: the app and its store.

Capabilities contribute their own commands (``commands()`` / ``synth_commands()`` in
:mod:`opengov.modules`) and reach the application through these two functions.
"""

from __future__ import annotations

import click


def app_for(ctx: click.Context):
    """The application configured by the root command's options, built once per invocation."""
    root = ctx.find_root()
    if "app" not in root.obj:
        from opengov.app import create_app

        try:
            app = create_app(root.obj["config"])
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        root.obj["app"] = app
        root.call_on_close(app.extensions["opengov"].store.engine.dispose)
    return root.obj["app"]


def store_for(ctx: click.Context):
    """The application's store (engine, tables, repository)."""
    return app_for(ctx).extensions["opengov"].store
