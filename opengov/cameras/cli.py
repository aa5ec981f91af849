"""``opengov cameras check``: fetch each camera's snapshot once and record its status."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import click
import orjson
from sqlalchemy import select

from opengov.cli_context import app_for

# A run holds the lease ``task:cameras-check`` and renews it as cameras answer; a crashed
# run's lease lapses after this long, and the next run anywhere checks again.
LEASE_SECONDS = 300.0


@click.group("cameras")
def cameras() -> None:
    """Live camera images and status."""


def _cameras(store, only: tuple[str, ...]) -> list[dict]:
    table = store.repo("cameras").table
    stmt = select(table.c._feature).where(table.c.snapshot_url.is_not(None)).order_by(table.c.id)
    if only:
        stmt = stmt.where(table.c.id.in_(only))
    with store.engine.connect() as conn:
        features = [orjson.loads(row[0]) for row in conn.execute(stmt)]
    return [{"id": f["id"], **f["properties"]} for f in features]


@cameras.command("check")
@click.option("--camera", "only", multiple=True, help="Check only this camera (repeatable).")
@click.option("--parallel", default=4, show_default=True, type=click.IntRange(1, 32),
              help="Cameras fetched at the same time.")
@click.pass_context
def check(ctx: click.Context, only: tuple[str, ...], parallel: int) -> None:
    """Fetch every camera's snapshot once (within the shared interval, a cached image counts)
    and mark it online or offline; run it from cron or a timer every few minutes. One host
    checks at a time: a run that finds another holding the task prints ``busy``."""
    from opengov.cameras.snapshot import proxy_for
    from opengov.store.leases import TaskLease

    app = app_for(ctx)
    proxy = proxy_for(app)
    store = app.extensions["opengov"].store
    lease = TaskLease(store, "cameras-check", LEASE_SECONDS)
    if not lease.take():
        click.echo("busy: another host is checking the cameras")
        return
    try:
        targets = _cameras(store, only)

        def checked(camera: dict) -> bool | None:
            result = proxy.check(camera)
            lease.renew()
            return result

        with ThreadPoolExecutor(max_workers=parallel) as pool:
            results = list(pool.map(checked, targets))
    finally:
        lease.release()
    online = sum(1 for r in results if r is True)
    offline = sum(1 for r in results if r is False)
    skipped = sum(1 for r in results if r is None)
    for camera, result in zip(targets, results, strict=True):
        if result is False:
            click.echo(f"offline  {camera['id']}")
    click.echo(f"checked {online + offline} cameras: {online} online, {offline} offline; "
               f"{skipped} skipped (host not on OPENGOV_CAMERA_SNAPSHOT_HOSTS)")
