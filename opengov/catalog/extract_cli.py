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
    from opengov.catalog.live_catalog import extracts, sources

    app = app_for(ctx)
    with app.app_context():
        live, files = sources(), extracts()
        unknown = sorted(set(datasets) - set(live))
        if unknown:
            raise click.ClickException(f"not live datasets: {', '.join(unknown)}; live: "
                                       f"{', '.join(live)}")
        for dataset_id in datasets or live:
            source = live[dataset_id]
            for month in reversed(files.periods(source)):
                built = files.manifest(dataset_id, month.key) or files.build(source, month)
                click.echo(f"{dataset_id} {month.key} {built.byte_size} bytes "
                           f"sha256 {built.sha256}")
