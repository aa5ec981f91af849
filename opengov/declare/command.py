"""The ``opengov add`` command (registered in :mod:`opengov.cli`)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("add")
@click.argument("source", metavar="FILE|URL")
@click.option("--id", "collection_id", required=True,
              help="Collection id: lower-case letters, digits and hyphens (e.g. bus-stops).")
@click.option("--title", default=None, help="Title in both languages (edit metadata.yaml for "
              "separate vi/en titles).")
@click.option("--layer", default=None, help="Layer of a GeoPackage or zipped Shapefile, sheet "
              "of an XLSX workbook (default: the first).")
@click.option("--crs", default=None, help="CRS of plain x/y or WKT columns in metres "
              "(default EPSG:5899, VN-2000 / TM-3 107-45); lon/lat columns are CRS84.")
@click.pass_context
def add(ctx: click.Context, source: str, collection_id: str, title: str | None,
        layer: str | None, crs: str | None) -> None:
    """Copy FILE (or URL's file) into datasets/ID/ and declare it in metadata.yaml.

    Prints the declaration, with every guess it made in the comments on top. Formats:
    GeoJSON, CSV (lon/lat, x/y or WKT columns), GeoPackage, zipped Shapefile, GeoParquet,
    FlatGeobuf, and tables as CSV, Parquet or XLSX.
    """
    from opengov.declare.add import AddError, add_dataset
    from opengov.declare.model import DeclarationError
    from opengov.declare.readers import ReadError
    from opengov.loader import is_bundled_sample
    from opengov.settings import load_settings

    settings = load_settings((ctx.find_root().obj or {}).get("config"))
    if is_bundled_sample(Path(settings.datasets_path)):
        raise click.ClickException(
            f"the datasets folder is the sample shipped with opengov ({settings.datasets_path});"
            " set OPENGOV_DATASETS_PATH to your own datasets folder")
    try:
        added = add_dataset(source, collection_id, Path(settings.datasets_path), title=title,
                            layer=layer, crs=crs, settings=settings)
    except (AddError, ReadError, DeclarationError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(added.text, nl=False)
    data = next(p.name for p in added.folder.iterdir() if p.name != "metadata.yaml")
    click.echo(f"wrote {added.folder / 'metadata.yaml'} and {added.folder / data}; edit the "
               "labels (vi/en), then load it", err=True)
