"""``opengov harvest [SOURCE…]``: run sources now, the due ones (``--due``), or keep running
due sources (``--watch``), with a progress bar and a per-source summary."""

from __future__ import annotations

import sys

import click

from opengov.cli_context import app_for, store_for


def _summary(report) -> str:
    if report.status == "busy":
        return f"{report.source:<24} busy: another harvester holds its lease"
    if report.feed is not None:
        feed = report.feed
        line = (f"{report.source:<24} {report.status:<6} pages {feed['pages']:>4}  events "
                f"{report.fetched:>6}  stored {report.new:>5}  duplicates "
                f"{feed['duplicates']:>5}  refused {report.rejected:>4}  from cache "
                f"{report.from_cache}/{report.requests}  since {feed['since'] or 'the start'}"
                f"  cursor {feed['cursor'] or '-'}")
    else:
        line = (f"{report.source:<24} {report.status:<6} fetched {report.fetched:>6}  new "
                f"{report.new:>5}  changed {report.changed:>5}  removed {report.removed:>5}  "
                f"rejected {report.rejected:>4}  from cache {report.from_cache}/"
                f"{report.requests}")
    if report.version is not None:
        line += f"  version {report.version}"
    if report.error:
        line += f"\n    error: {report.error}"
    what = "refused event" if report.feed is not None else "rejected record"
    for reject in report.rejects[:5]:
        line += f"\n    {what} {reject['record']} ({reject['id']}): {reject['reason']}"
    if len(report.rejects) > 5:
        line += f"\n    … and {len(report.rejects) - 5} more rejected"
    return line


def _run_pass(harvester, sources, progress: bool) -> list:
    from tqdm import tqdm

    bar = tqdm(total=len(sources), unit="source", disable=not progress, file=sys.stderr)
    harvester.on_response = lambda source, fetched: bar.set_postfix_str(
        f"{fetched.status}{' (cache)' if fetched.from_cache else ''}")
    reports = []
    try:
        for source in sources:
            bar.set_description(source.id)
            report = harvester.run(source)
            reports.append(report)
            bar.update()
            tqdm.write(_summary(report), file=sys.stdout)
    finally:
        bar.close()
    return reports


@click.command()
@click.argument("source_ids", nargs=-1, metavar="[SOURCE]...")
@click.option("--due", is_flag=True, help="Only sources whose interval has passed (one pass "
              "per cron tick).")
@click.option("--watch", is_flag=True, help="Keep running: harvest each source when due.")
@click.option("--refresh", is_flag=True, help="Revalidate with each upstream even when its "
              "cached answer has not expired (a conditional request; 304 costs no body).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
def harvest(ctx: click.Context, source_ids: tuple[str, ...], due: bool, watch: bool,
            refresh: bool, quiet: bool) -> None:
    """Harvest upstream sources (all, or the SOURCE ids given) declared in the sources file.

    Prints, per source: records fetched, new, changed, removed, rejected (with reasons) and
    responses served from the HTTP cache. Exits 1 if a source failed.
    """
    from opengov.gateway import schedule
    from opengov.gateway.config import load_sources
    from opengov.gateway.errors import SourceError
    from opengov.gateway.harvest import Harvester
    from opengov.store.migrate import upgrade

    app = app_for(ctx)
    ext = app.extensions["opengov"]
    store = store_for(ctx)
    upgrade(store.engine)
    try:
        sources = load_sources(ext.settings, ext.registry)
    except SourceError as exc:
        raise click.ClickException(str(exc)) from exc
    unknown = [s for s in source_ids if s not in sources]
    if unknown:
        raise click.ClickException(f"unknown source {', '.join(unknown)} (declared: "
                                   f"{', '.join(sources) or 'none'})")
    chosen = [sources[s] for s in source_ids] if source_ids else list(sources.values())
    if not chosen:
        raise click.ClickException("no sources declared (see docs/gateway.md)")
    harvester = Harvester(ext.settings, ext.registry, store, refresh=refresh)
    progress = not quiet and sys.stderr.isatty()
    try:
        if watch:
            click.echo(f"watching {len(chosen)} source(s); Ctrl-C stops", err=True)
            try:
                schedule.watch(store, chosen, lambda ready: _run_pass(harvester, ready,
                                                                     progress))
            except KeyboardInterrupt:
                return
        ready = schedule.due(store, chosen) if due else chosen
        reports = _run_pass(harvester, ready, progress)
    finally:
        harvester.close()
    if any(r.status == "failed" for r in reports):
        sys.exit(1)
