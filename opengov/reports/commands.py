"""``opengov reports …``: housekeeping commands for citizen reports."""

from __future__ import annotations

import click

from opengov.cli_context import app_for


@click.group("reports")
def reports() -> None:
    """Citizen reports: privacy housekeeping."""


@reports.command("erase-contacts")
@click.option("--dry-run", is_flag=True, help="Only count the reports whose contacts are due.")
@click.pass_context
def erase_contacts(ctx: click.Context, dry_run: bool) -> None:
    """Erase reporters' contact details of reports closed longer ago than the retention.

    The retention is OPENGOV_REPORTS_CONTACT_RETENTION_DAYS (days after closing). Servers also
    erase them from write requests; run this from cron so erasure happens without traffic.
    """
    from opengov.reports.privacy import count_expired, erase_expired
    from opengov.store.migrate import upgrade

    ctx_app = app_for(ctx).extensions["opengov"]
    store, settings = ctx_app.store, ctx_app.settings
    upgrade(store.engine)
    days = settings.reports_contact_retention_days
    if dry_run:
        due = count_expired(store, retention_days=days)
        click.echo(f"{due} report(s) have contact details due for erasure "
                   f"(closed more than {days} days ago); nothing erased (dry run)")
        return
    erased = erase_expired(store, retention_days=days,
                           idempotency_hours=settings.reports_idempotency_hours)
    click.echo(f"erased contact details of {erased} report(s) closed more than {days} days ago")
