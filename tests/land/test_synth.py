"""``opengov synth parcels``: exact counts, unique ids, no overlaps, dense towns, sparse hills."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from click.testing import CliRunner
from shapely.strtree import STRtree

from opengov.cli import main
from opengov.land.places import to_native
from opengov.land.synth import generate_parcels


def test_count_ids_and_no_overlaps():
    batch = generate_parcels(20_000, seed=3)
    assert len(batch.id) == 20_000
    assert len(set(batch.id.tolist())) == 20_000
    a, b = STRtree(batch.native).query(batch.native, predicate="intersects")
    keep = a < b
    overlap = shapely.area(shapely.intersection(batch.native[a[keep]], batch.native[b[keep]]))
    assert overlap.max(initial=0) < 1e-6
    assert np.abs(shapely.area(batch.native) - batch.area_m2).max() <= 0.05 + 1e-6


def test_dense_in_towns_sparse_in_the_hills():
    batch = generate_parcels(20_000, seed=3)
    centres = shapely.get_coordinates(shapely.centroid(batch.native))
    tam_ky = to_native(shapely.Point(108.474, 15.573))
    hills = to_native(shapely.Point(107.55, 15.60))  # far west, mountains
    near_town = np.hypot(*(centres - [tam_ky.x, tam_ky.y]).T) < 3000
    near_hills = np.hypot(*(centres - [hills.x, hills.y]).T) < 3000
    assert near_town.sum() > 20 * max(near_hills.sum(), 1)


def test_cli_loads_parcels_and_bumps_the_version(empty_app, tmp_path):
    url = str(empty_app.extensions["opengov"].store.engine.url.render_as_string(
        hide_password=False))
    runner = CliRunner()
    result = runner.invoke(main, ["--database-url", url, "synth", "parcels", "--count", "3000",
                                  "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "3000 written" in result.output
    client = empty_app.test_client()
    body = client.get("/land/parcels?limit=1").get_json()
    assert body["numberMatched"] == 3000
    stats = client.get("/land/stats").get_json()
    assert stats["parcels"] == 3000
    assert stats["area_m2"] == pytest.approx(sum(
        f["properties"]["area_m2"] for f in client.get(
            "/land/parcels?limit=10000&properties=area_m2").get_json()["features"]), abs=1)
    native = client.get("/land/parcels?limit=1&crs=EPSG:5899").get_json()
    assert native["features"][0]["id"] == body["features"][0]["id"]
    x, y = native["features"][0]["geometry"]["coordinates"][0][0]
    assert 300_000 < x < 800_000 and 1_600_000 < y < 1_800_000


@pytest.mark.parametrize("count", [1, 5, 37])
def test_small_counts_give_exactly_that_many_parcels(count):
    batch = generate_parcels(count, seed=7)
    assert len(batch.id) == count
    assert len(set(batch.id.tolist())) == count
