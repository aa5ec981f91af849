"""``opengov cameras check``: fetch each camera's snapshot once and record its status."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import click
import orjson
from sqlalchemy import select

from opengov.cli_context import app_for


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
    and mark it online or offline; run it from cron or a timer every few minutes."""
    from opengov.cameras.snapshot import proxy_for

    app = app_for(ctx)
    proxy = proxy_for(app)
    targets = _cameras(app.extensions["opengov"].store, only)
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        results = list(pool.map(proxy.check, targets))
    online = sum(1 for r in results if r is True)
    offline = sum(1 for r in results if r is False)
    skipped = sum(1 for r in results if r is None)
    for camera, result in zip(targets, results, strict=True):
        if result is False:
            click.echo(f"offline  {camera['id']}")
    click.echo(f"checked {online + offline} cameras: {online} online, {offline} offline; "
               f"{skipped} skipped (host not on OPENGOV_CAMERA_SNAPSHOT_HOSTS)")
