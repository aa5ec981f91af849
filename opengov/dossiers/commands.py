"""``opengov synth dossiers`` (synthetic dossiers ingested like the one-stop system's events)
and ``opengov dossiers publish`` (the statistics dataset brought up to date)."""

from __future__ import annotations

from datetime import date

import click

BATCH = 10_000
# ``opengov dossiers publish`` holds the lease ``task:dossiers-publish`` while it runs (one host
# at a time writes the new version); a crashed run's lease lapses after this long.
PUBLISH_LEASE_SECONDS = 900.0


@click.command("dossiers")
@click.option("--count", default=10_000, show_default=True, type=click.IntRange(1),
              help="Dossiers to generate.")
@click.option("--start", "start", default="2024-12-01", show_default=True,
              type=click.DateTime(["%Y-%m-%d"]), help="First day of receipt.")
@click.option("--end", "end", default="2026-11-30", show_default=True,
              type=click.DateTime(["%Y-%m-%d"]), help="Last day of receipt and of events.")
@click.option("--seed", default=20, show_default=True, type=int)
@click.pass_context
def synth_dossiers(ctx: click.Context, count: int, start, end, seed: int) -> None:
    """COUNT synthetic dossiers (consistent with the loaded procedures catalogue), ingested in
    batches of 10,000 events through the same checks as POST /dossiers/events."""
    from opengov.cli_context import app_for
    from opengov.dossiers.pins import Pins, PinSecretError, load_secret
    from opengov.errors import ApiError

    opengov = app_for(ctx).extensions["opengov"]
    store, settings = opengov.store, opengov.settings
    try:
        pins = Pins(load_secret(settings.dossier_pin_secret, settings.instance_path))
        done = ingest_synthetic(store, pins, count=count, start=start.date(), end=end.date(),
                                seed=seed, echo=click.echo)
    except PinSecretError as exc:
        raise click.ClickException(str(exc)) from exc
    except ApiError as exc:
        problem = exc.problem
        raise click.ClickException(f"{problem.detail} First: {(problem.errors or [])[:3]}") \
            from exc
    click.echo(f"{done} events of {count} synthetic dossiers ingested")
    _publish(opengov, click.echo)


@click.group("dossiers")
def dossiers() -> None:
    """Dossier tracking and service-delivery statistics."""


@dossiers.command("publish")
@click.option("--no-build", is_flag=True, help="Do not build the download files of the new "
              "version and the due monthly extracts now.")
@click.pass_context
def publish_command(ctx: click.Context, no_build: bool) -> None:
    """Bring the dossier-statistics dataset up to date with the aggregates (run it daily, e.g.
    from cron, before `opengov extracts`); a new version only when a figure changed. One host
    at a time: a run that finds another holding the task prints ``busy``."""
    from opengov.cli_context import app_for
    from opengov.store.leases import TaskLease

    app = app_for(ctx)
    lease = TaskLease(app.extensions["opengov"].store, "dossiers-publish", PUBLISH_LEASE_SECONDS)
    if not lease.take():
        click.echo("busy: another host is publishing the dossier statistics")
        return
    try:
        _publish(app.extensions["opengov"], click.echo, None if no_build else app)
    finally:
        lease.release()


def _publish(opengov, echo, app=None) -> None:
    from opengov.dossiers.clock import local_date
    from opengov.dossiers.dataset import DATASET_ID, publish
    from opengov.store.types import utcnow

    if DATASET_ID not in opengov.registry:
        return
    result = publish(opengov.store, local_date(utcnow()))
    echo(f"{DATASET_ID}: {result.new} new, {result.changed} changed, {result.removed} removed;"
         f" version {result.version}")
    if app is not None:
        built = opengov.capabilities.after_load(app, [DATASET_ID], echo=echo)
        echo(f"distribution files built: {built}")


def ingest_synthetic(store, pins, *, count: int, start: date, end: date, seed: int = 20,
                     echo=lambda line: None) -> int:
    """Generate and ingest; the number of events stored."""
    events = synthetic_events(store, count=count, start=start, end=end, seed=seed)
    return ingest_events(store, pins, events, echo=echo)


def synthetic_events(store, *, count: int, start: date, end: date, seed: int = 20) -> list:
    """``count`` synthetic dossiers' events (dicts as the one-stop system sends them), in time
    order."""
    from opengov.dossiers import catalogue
    from opengov.dossiers.workdays import WorkCalendar
    from opengov.synth.dossiers import generate

    procedures = catalogue.catalogue_records(store)
    if not procedures:
        raise click.ClickException("load the procedures catalogue first (opengov load)")
    return sorted(generate(procedures, catalogue.centres(store), WorkCalendar(), count=count,
                           start=start, end=end, seed=seed), key=lambda e: e["at"])


def ingest_events(store, pins, events: list, *, echo=lambda line: None) -> int:
    """Ingest ``events`` in batches of :data:`BATCH` through the checks of POST
    /dossiers/events; the number stored."""
    from opengov.dossiers.batch import parse
    from opengov.dossiers.ingest import ingest
    from opengov.dossiers.workdays import WorkCalendar

    calendar = WorkCalendar()
    stored = 0
    for first in range(0, len(events), BATCH):
        chunk = events[first:first + BATCH]
        parsed, problems = parse(chunk)
        stored += ingest(store, calendar, parsed, problems, total=len(chunk),
                         pins=pins).stored
        echo(f"  {min(first + BATCH, len(events))}/{len(events)} events")
    return stored
