"""``opengov backup DEST`` and ``opengov restore SRC`` (see :mod:`opengov.backup`)."""

from __future__ import annotations

from pathlib import Path

import click

from opengov.cli_context import app_for
from opengov.cli_errors import SetupError

PG_BIN = click.option("--pg-bin", type=click.Path(file_okay=False, path_type=Path), default=None,
                      help="Folder of pg_dump/pg_restore (default: the server's version in "
                           "/usr/lib/postgresql/<version>/bin, else the PATH).")


def _target(ctx: click.Context, database: str):
    from opengov.backup import Target

    app = app_for(ctx, database=database)
    ext = app.extensions["opengov"]
    return Target(ext.store.engine, ext.settings.resolved_database_url,
                  Path(ext.settings.instance_path).resolve())


@click.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
@PG_BIN
@click.pass_context
def backup_command(ctx: click.Context, dest: Path, pg_bin: Path | None) -> None:
    """Back up the database and the built download files into the new folder DEST (safe while
    the server runs: one consistent snapshot of the database)."""
    from opengov.backup import BackupError, backup

    try:
        manifest = backup(_target(ctx, "existing"), dest, pg_bin=pg_bin)
    except BackupError as exc:
        raise SetupError(str(exc)) from None
    click.echo(f"backup of the {manifest['dialect']} database at revision "
               f"{', '.join(manifest['revisions'])} written to {dest} "
               f"({len(manifest['files'])} files)")


@click.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database (and download files) that "
              "already hold data.")
@PG_BIN
@click.pass_context
def restore_command(ctx: click.Context, src: Path, force: bool, pg_bin: Path | None) -> None:
    """Restore the backup folder SRC into the configured (empty) database and instance folder."""
    from opengov.backup import BackupError, restore
    from opengov.store.migrate import head_revisions

    try:
        manifest = restore(_target(ctx, "create"), src, force=force, pg_bin=pg_bin)
    except BackupError as exc:
        raise SetupError(str(exc)) from None
    click.echo(f"restored {src} (taken {manifest['created']} by opengov {manifest['opengov']})")
    if tuple(sorted(manifest["revisions"])) != head_revisions():
        click.echo("the restored schema is older than this opengov: run `opengov init`")
