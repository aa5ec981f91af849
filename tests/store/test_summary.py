"""A collection version's summary (extent, largest feature, time range) is kept by the load
that writes the version (issue 18), on SQLite and PostgreSQL + PostGIS: the first request of a
version reads it from the state row instead of aggregating the table; the extent served and
the pages of a box near a new feature are right after a load and after one that grows it."""

from __future__ import annotations

import json

import shapely
from click.testing import CliRunner
from sqlalchemy import select, text

from opengov import create_app
from opengov import query as q
from opengov.cli import main
from opengov.lru import LRU
from tests.declare import files
from tests.store.test_spatial_pages import load_units, unit_shapes


def stored(store, cid: str) -> dict:
    t = store.table("collection_state")
    with store.engine.connect() as conn:
        return conn.execute(select(t.c.version, t.c.summary)
                            .where(t.c.collection_id == cid)).one()._asdict()


def bounds(shapes) -> list[float]:
    return [min(g.bounds[0] for g in shapes), min(g.bounds[1] for g in shapes),
            max(g.bounds[2] for g in shapes), max(g.bounds[3] for g in shapes)]


def forget(app, repo) -> None:
    """What a new worker process starts with: no summary or extent kept in memory."""
    repo._summaries = LRU(4)
    app.extensions.pop("collection_extents", None)


def served_extent(app, cid: str) -> list[float]:
    doc = app.test_client().get(f"/ogc/collections/{cid}").get_json()
    return doc["extent"]["spatial"]["bbox"][0]


def close(a, b) -> bool:
    """Equal to the 6 decimals stored coordinates keep."""
    return all(abs(x - y) <= 1e-6 for x, y in zip(a, b, strict=True))


def test_a_load_keeps_the_versions_summary_in_its_state_row(empty_app):
    shapes = unit_shapes(60)
    repo = load_units(empty_app, shapes)
    row = stored(repo.store, "admin-units")
    summary = row["summary"]
    assert summary["version"] == row["version"] == repo.state().version
    assert close(summary["box"], bounds(shapes))
    assert close(summary["half"], [max(g.bounds[2] - g.bounds[0] for g in shapes) / 2,
                                   max(g.bounds[3] - g.bounds[1] for g in shapes) / 2])


def test_the_first_request_of_a_version_reads_the_stored_extent(empty_app):
    """Rows changed behind the store's back (no new version) do not move the extent a new
    worker serves: it comes from the state row, not from aggregating the table."""
    shapes = unit_shapes(60)
    repo = load_units(empty_app, shapes)
    with repo.store.engine.begin() as conn:
        conn.execute(text(f'UPDATE "{repo.table.name}" SET _minx = _minx - 50'))
    forget(empty_app, repo)
    assert close(served_extent(empty_app, "admin-units"), bounds(shapes))


def test_extent_and_pages_follow_a_load_that_grows_the_collection(empty_app):
    shapes = unit_shapes(60)
    repo = load_units(empty_app, shapes)
    assert close(served_extent(empty_app, "admin-units"), bounds(shapes))
    far = shapely.box(109.7, 16.8, 109.71, 16.81)  # east and north of every unit
    load_units(empty_app, [*shapes, far])
    forget(empty_app, repo)  # and a worker that served the old version keeps nothing stale
    assert close(served_extent(empty_app, "admin-units"), bounds([*shapes, far]))
    page = repo.page(q.Query(bbox=q.BBox(109.6, 16.7, 109.8, 16.9), limit=10),
                     repo.state().version)
    assert [json.loads(item)["id"] for item in page.items] == [f"u{len(shapes):04d}"]


def test_a_version_without_a_stored_summary_is_aggregated(empty_app):
    """A database loaded before summaries were kept (or a live write's version) still serves
    the right extent."""
    shapes = unit_shapes(40)
    repo = load_units(empty_app, shapes)
    t = repo.store.table("collection_state")
    with repo.store.engine.begin() as conn:
        conn.execute(t.update().values(summary=None))
    forget(empty_app, repo)
    assert close(served_extent(empty_app, "admin-units"), bounds(shapes))


def test_a_declared_load_keeps_its_summary(backend, postgres, tmp_path):
    url = (f"sqlite:///{tmp_path / 'opengov.sqlite3'}" if backend == "sqlite"
           else postgres.create())
    env = {"OPENGOV_DATABASE_URL": url, "OPENGOV_DATASETS_PATH": str(tmp_path / "datasets"),
           "OPENGOV_INSTANCE_PATH": str(tmp_path / "instance")}
    (tmp_path / "datasets").mkdir()
    (tmp_path / "in").mkdir()
    path = files.bus_stops(tmp_path / "in")
    for args in (["add", str(path), "--id", "bus-stops", "--title", "Bus stops"], ["load"]):
        result = CliRunner().invoke(main, args, env=env)
        assert result.exit_code == 0, result.output
    app = create_app({"database_url": url, "instance_path": tmp_path / "instance",
                      "datasets_path": tmp_path / "datasets"})
    store = app.extensions["opengov"].store
    try:
        row = stored(store, "bus-stops")
        assert row["summary"]["version"] == row["version"]
        assert close(row["summary"]["box"], [108.2, 16.05, 108.211, 16.061])
        assert close(served_extent(app, "bus-stops"), [108.2, 16.05, 108.211, 16.061])
    finally:
        store.engine.dispose()
