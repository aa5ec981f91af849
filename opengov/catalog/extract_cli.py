"""``opengov extracts``: build the monthly extracts of live datasets that are due (for cron)."""

from __future__ import annotations

import click

from opengov.cli_context import app_for


@click.command("extracts")
@click.argument("datasets", nargs=-1)
@click.pass_context
def extracts_command(ctx: click.Context, datasets: tuple[str, ...]) -> None:
    """Build every finished month's extract of the live DATASETS (default: all) not built yet.

    Prints one line per month: dataset, month, size and sha256. Built months are left as they
    are (extracts never change).
    """
    from opengov.catalog.prebuild import build_extracts

    try:
        build_extracts(app_for(ctx), datasets, echo=click.echo)
    except KeyError as exc:
        raise click.ClickException(exc.args[0]) from exc
