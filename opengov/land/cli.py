"""``opengov synth parcels``: generate and load the parcels benchmark set."""

from __future__ import annotations

import time

import click

from opengov.cli_context import store_for


@click.command("parcels")
@click.option("--count", default=1_000_000, show_default=True, type=click.IntRange(1))
@click.option("--seed", default=7, show_default=True, type=int)
@click.pass_context
def synth_parcels(ctx: click.Context, count: int, seed: int) -> None:
    """COUNT synthetic parcels over the former province, replacing the parcels collection.

    Dense in towns, sparse in the hills; zones and prices are left as loaded.
    """
    from tqdm import tqdm

    from opengov.land.bulk import grid_ordered, replace_parcels
    from opengov.land.synth import batches, generate_parcels
    from opengov.store.migrate import upgrade

    store = store_for(ctx, database="create")
    upgrade(store.engine)
    started = time.perf_counter()
    generated = grid_ordered(generate_parcels(count, seed))
    click.echo(f"generated {len(generated.id)} parcels in {time.perf_counter() - started:.1f} s")
    with tqdm(total=len(generated.id), unit=" parcel", desc="parcels", leave=False) as bar:
        written, version = replace_parcels(store, batches(generated),
                                           source=f"synth:parcels:seed={seed}",
                                           progress=bar.update)
    click.echo(f"parcels: {written} written, version {version} "
               f"({time.perf_counter() - started:.1f} s)")
