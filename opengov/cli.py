"""The ``opengov`` command: init, load, serve, openapi, dictionary, synth, keys, export, backup,
restore."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click
from click.core import ParameterSource

from opengov import __version__
from opengov.backup_cli import backup_command, restore_command
from opengov.cli_context import app_for as _app
from opengov.cli_context import context_for as _context
from opengov.cli_context import in_new_project, state_context, use_project, when_enabled
from opengov.cli_context import store_for as _store
from opengov.cli_errors import OpengovGroup, SetupError
from opengov.declare.command import add as add_command

WORKER_CLASSES = ("gthread", "sync")  # gunicorn worker types `opengov serve` offers


@click.group(cls=OpengovGroup)
@click.version_option(__version__, prog_name="opengov")
@click.option("--database-url", envvar="OPENGOV_DATABASE_URL", default=None,
              help="SQLAlchemy URL (default: SQLite file in the instance folder).")
@click.option("--project", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder (default: the folder holding opengov.toml at or above the "
                   "working directory, else OPENGOV_CONFIG).")
@click.option("--debug", is_flag=True, help="Show the full traceback of a setup error.")
@click.pass_context
def main(ctx: click.Context, database_url: str | None, project: Path | None,
         debug: bool) -> None:
    """opengov: a public, documented API over a local government's data."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = {"database_url": database_url} if database_url else {}
    ctx.obj["debug"] = debug
    ctx.obj["project"] = use_project(ctx.obj["config"], project)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--with-sample", is_flag=True,
              help="Serve the sample bundled with opengov (Quảng Nam) from this project.")
@click.option("--region", default=None,
              help="Region name (default: Quảng Nam with the sample, else the folder's name).")
def new(folder: Path, with_sample: bool, region: str | None) -> None:
    """Create a project in FOLDER: opengov.toml, an empty datasets/ and sources.toml."""
    from opengov.project import ProjectError, new_project

    name = region or ("Quảng Nam" if with_sample else folder.resolve().name)
    try:
        written = new_project(folder, region=name, with_sample=with_sample)
    except ProjectError as exc:
        raise SetupError(str(exc)) from None
    for path in written:
        click.echo(f"wrote {path}{'/' if path.is_dir() else ''}")
    click.echo(f"project {name!r} ready; next: cd {folder} && opengov add FILE --id ID, then "
               "opengov load and opengov serve")


@main.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create the database or upgrade it to the newest schema."""
    from opengov.store.migrate import current_revisions, upgrade

    store = _store(ctx, database="create")
    upgrade(store.engine)
    click.echo(f"database ready at revision {', '.join(current_revisions(store.engine))} "
               f"({store.dialect})")


def _print_results(results) -> None:
    for r in results:
        click.echo(f"{r.collection:<18} new {r.new:>7}  changed {r.changed:>7}  removed "
                   f"{r.removed:>7}  unchanged {r.unchanged:>7}  version {r.version}")


def _load(ctx: click.Context, path: Path | None, profile: str | None, only=(),
          build: bool = True, force: bool = False, make_valid: bool = False) -> None:
    from opengov.declare.load import LoadOptions, load_project
    from opengov.loader import LoadError
    from opengov.modules import all_capabilities
    from opengov.store.migrate import upgrade

    # The Flask application only when the download files are built (it serves them).
    app = _app(ctx, database="create") if build else None
    state = app.extensions["opengov"] if app else _context(ctx, database="create")
    settings, store = state.settings, state.store
    upgrade(store.engine)
    root = path or settings.datasets_path
    if in_new_project(ctx, Path(root)):
        click.echo(f"datasets folder {root} is empty: nothing to load (add a dataset with "
                   "`opengov add FILE --id ID`)")
        return
    try:
        ctx = state
        # Sample loaders read the settings (the dossier pin secret) through the app context.
        with (app.app_context() if app else state_context(state)):
            results = load_project(store, Path(root),
                                   profile=profile or settings.sample_profile,
                                   only=only, progress=True,
                                   generators=ctx.capabilities.sample_loaders(),
                                   built_in=[c.id for c in all_capabilities().registry],
                                   options=LoadOptions(make_valid=make_valid, force=force,
                                                       progress=True, echo=click.echo))
    except LoadError as exc:
        raise SetupError(str(exc)) from exc
    _print_results(results)
    if build:  # sizes and checksums known before any download (docs/catalog.md)
        built = ctx.capabilities.after_load(app, [r.collection for r in results],
                                            echo=click.echo)
        click.echo(f"distribution files built: {built}")


@main.command()
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False,
                                                        path_type=Path))
@click.option("--profile", type=click.Choice(["full", "small"]), default=None,
              help="Sample profile (default: the OPENGOV_SAMPLE_PROFILE setting).")
@click.option("--only", multiple=True, help="Load only this collection (repeatable).")
@click.option("--no-build", is_flag=True,
              help="Do not build the download files of the loaded versions (they are then "
                   "built on first download, and the catalogue lists no size or sha256 "
                   "until then).")
@click.option("--make-valid", is_flag=True, help="Repair invalid geometries of declared "
              "datasets (shapely make_valid, keeping the declared geometry type) and say how "
              "many.")
@click.option("--force", is_flag=True, help="Rebuild a live declared collection even when its "
              "declaration changed destructively (a field removed or retyped, another id field "
              "or geometry type).")
@click.pass_context
def load(ctx: click.Context, path: Path | None, profile: str | None, only,
         no_build: bool, make_valid: bool, force: bool) -> None:
    """Load dataset folders from PATH (default: the bundled datasets), then build the download
    files of the loaded versions not built yet. Idempotent."""
    _load(ctx, path, profile, only, build=not no_build, force=force, make_valid=make_valid)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="gunicorn worker processes.")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Threads per gthread worker.")
@click.option("--worker-class", type=click.Choice(WORKER_CLASSES), default="gthread",
              show_default=True,
              help="gthread: threaded workers with keep-alive, for clients connecting directly. "
                   "sync: one request at a time per worker, connection closed after each, "
                   "cheaper per request, for use behind a buffering reverse proxy.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, threads: int,
          worker_class: str) -> None:
    """Serve the API (gunicorn); a fresh default database gets the bundled sample first."""
    from opengov.preflight import check_port
    from opengov.serve import prepare_database, run

    threads_given = ctx.get_parameter_source("threads") is not ParameterSource.DEFAULT
    if worker_class == "sync" and threads > 1 and threads_given:
        raise click.UsageError("--threads applies to gthread workers; sync workers have one.")
    check_port(host, port)
    started = time.monotonic()
    app = _app(ctx, database="create")
    prepare_database(app, ctx.obj["config"], echo=click.echo,
                     sample=not in_new_project(ctx, app.extensions["opengov"].settings
                                               .datasets_path))
    click.echo(f"database ready in {time.monotonic() - started:.1f} s; serving on "
               f"http://{host}:{port}/ (docs at /docs)")
    run(ctx.obj["config"], host=host, port=port, workers=workers, threads=threads,
        worker_class=worker_class)


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("openapi/openapi.json"), show_default=True)
@click.pass_context
def openapi(ctx: click.Context, output: Path) -> None:
    """Write the OpenAPI 3.0.3 document."""
    from opengov.openapi_doc import render_openapi

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_openapi(_app(ctx, database="none")), encoding="utf-8")
    click.echo(f"wrote {output}")


@main.command()
@click.option("--check", is_flag=True, help="Only report stale files (exit 1 if any).")
@click.option("--doc", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("docs/data.md"), show_default=True)
@click.pass_context
def dictionary(ctx: click.Context, check: bool, doc: Path) -> None:
    """Write the data dictionary into each dataset's metadata.yaml and into docs/data.md."""
    from opengov.dictionary import sync

    app_ctx = _app(ctx, database="none").extensions["opengov"]
    stale = sync(app_ctx.registry, Path(app_ctx.settings.datasets_path), doc, check=check)
    for path in stale:
        click.echo(f"{'stale' if check else 'wrote'} {path}")
    if check and stale:
        raise SystemExit(1)


@main.group()
def synth() -> None:
    """Generate large synthetic data sets for benchmarks."""


@synth.command("cameras")
@click.option("--count", default=100_000, show_default=True, type=click.IntRange(1))
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a GeoJSON file instead of loading into the database.")
@click.pass_context
def synth_cameras(ctx: click.Context, count: int, seed: int, output: Path | None) -> None:
    """COUNT synthetic cameras, into the database (replacing cameras) or a file."""
    from opengov.synth_load import synth_collection

    store = _store(ctx, database="create") if output is None else None
    synth_collection(store, "cameras", count, seed, output, echo=click.echo)


@synth.command("readings")
@click.option("--stations", default=60, show_default=True, type=click.IntRange(1, 78),
              help="Air stations (8 parameters each).")
@click.option("--hours", default=21_000, show_default=True, type=click.IntRange(1))
@click.option("--seed", default=7, show_default=True, type=int)
@click.pass_context
def synth_readings(ctx: click.Context, stations: int, hours: int, seed: int) -> None:
    """The monitoring benchmark set (default 60 × 8 × 21,000 ≈ 10 million readings).

    Replaces the monitoring stations and every stored reading.
    """
    from opengov.monitoring.sample import synth_readings as generate
    from opengov.store.migrate import upgrade

    app = _app(ctx, database="create")
    upgrade(_store(ctx).engine)
    generate(_store(ctx), app.extensions["opengov"].settings.datasets_path, stations, hours,
             seed, echo=click.echo)


@main.group()
def keys() -> None:
    """Manage API keys."""


@keys.command("create")
@click.option("--role", required=True, help="Role, e.g. ingest, official, dispatcher, admin.")
@click.option("--scope", default=None, help="Limit the key to one scope (an agency, an "
              "operator).")
@click.option("--label", default=None, help="A note to recognise the key by.")
@click.pass_context
def keys_create(ctx: click.Context, role: str, scope: str | None, label: str | None) -> None:
    """Create a key; its token is printed once and only its SHA-256 is stored."""
    from opengov.keys import create_key
    from opengov.store.migrate import upgrade

    store = _store(ctx)
    upgrade(store.engine)
    try:
        key, token = create_key(store, role, scope, label)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"key {key.id} ({key.role}{'/' + key.scope if key.scope else ''}) created; "
               "copy the token now, it is not shown again:", err=True)
    click.echo(token)


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def keys_list(ctx: click.Context, as_json: bool) -> None:
    """List keys (never their tokens)."""
    from opengov.keys import list_keys

    rows = list_keys(_store(ctx))
    if as_json:
        click.echo(json.dumps([{**k.__dict__, "created_at": k.created_at.isoformat(),
                                "revoked_at": k.revoked_at and k.revoked_at.isoformat()}
                               for k in rows], ensure_ascii=False))
        return
    for k in rows:
        state = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "active"
        click.echo(f"{k.id:>4}  {k.prefix}…  {k.role:<12} {k.scope or '-':<16} {state:<18} "
                   f"{k.label or ''}")


@keys.command("revoke")
@click.argument("key_id", type=int)
@click.pass_context
def keys_revoke(ctx: click.Context, key_id: int) -> None:
    """Revoke key KEY_ID (its token stops working at once)."""
    from opengov.keys import revoke_key

    if not revoke_key(_store(ctx), key_id):
        raise click.ClickException(f"no active key {key_id}")
    click.echo(f"key {key_id} revoked")


@main.command()
@click.argument("dataset")
@click.option("--format", "fmt", required=True,
              help="File format, as in /datasets/{id}/download.{format}: csv, geojson, ndjson, "
                   "gpkg, parquet, fgb, shp.zip, xlsx or datapackage.zip.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the file.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
def export(ctx: click.Context, dataset: str, fmt: str, output: Path, quiet: bool) -> None:
    """Write DATASET's current version to a file, byte-for-byte its download."""
    from opengov.catalog.export import export_dataset

    sha256 = export_dataset(_app(ctx), dataset, fmt, output, progress=not quiet)
    click.echo(f"wrote {output} ({output.stat().st_size} bytes, sha256 {sha256})")


def _register_capability_commands() -> None:
    """Add the commands each built-in capability declares (``commands`` / ``synth_commands``).

    The command line lists every built-in capability's commands; the application a command
    builds serves only the enabled capabilities (``OPENGOV_CAPABILITIES``)."""
    from opengov.modules import built_in

    for capability in built_in():
        for command in capability.commands():
            main.add_command(when_enabled(capability.name, command))
        for command in capability.synth_commands():
            synth.add_command(when_enabled(capability.name, command))


_register_capability_commands()
main.add_command(add_command)
main.add_command(backup_command)
main.add_command(restore_command)

if __name__ == "__main__":
    main()
