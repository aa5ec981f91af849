"""`opengov load` creates and loads the tables of declared collections, on SQLite and
PostgreSQL: typed columns, idempotent reloads, and bad records that change nothing."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text

from opengov.cli import main
from opengov.declare.add import add_dataset
from tests.conftest import new_database_url
from tests.declare import files


@pytest.fixture
def project(backend, postgres, tmp_path, monkeypatch):
    """A datasets folder with four declared collections and a database URL."""
    url = new_database_url(backend, postgres, tmp_path)
    datasets = tmp_path / "datasets"
    monkeypatch.setenv("OPENGOV_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("OPENGOV_DATASETS_PATH", str(datasets))
    inputs = tmp_path / "in"
    inputs.mkdir()
    for maker, collection_id in [(files.schools_csv, "schools"), (files.bus_stops, "bus-stops"),
                                 (files.flood_zones_gpkg, "flood-zones"),
                                 (files.markets_wkt_csv, "markets"),
                                 (files.budget_xlsx, "budget")]:
        add_dataset(str(maker(inputs)), collection_id, datasets)

    def load(*args, ok: bool = True):
        result = CliRunner().invoke(main, ["--database-url", url, "load", str(datasets), *args])
        assert (result.exit_code == 0) is ok, result.output + repr(result.exception)
        return result

    load.url, load.datasets = url, datasets
    yield load
    create_engine(url).dispose()


def counts(output: str) -> dict[str, tuple[int, int, int]]:
    """{collection: (new, changed, unchanged)} from `opengov load` output."""
    found = re.findall(r"^(\S+)\s+new\s+(\d+)\s+changed\s+(\d+).*?unchanged\s+(\d+)", output,
                       re.M)
    return {name: (int(n), int(c), int(u)) for name, n, c, u in found}


def query(url: str, sql: str):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).all()
    finally:
        engine.dispose()


def test_load_creates_typed_tables_and_reloads_idempotently(project):
    first = project()
    assert counts(first.stdout) == {"budget": (6, 0, 0), "bus-stops": (12, 0, 0),
                                    "flood-zones": (6, 0, 0), "markets": (8, 0, 0),
                                    "schools": (9, 0, 0)}
    schools = query(project.url, "SELECT id, ten_truong, so_hoc_sinh, ngay_thanh_lap, _minx "
                                 "FROM c_schools ORDER BY id")
    assert schools[0][:3] == ("049000", "Trường 0", 300)
    assert str(schools[0][3]) == "1970-09-05" and round(schools[0][4], 4) == 108.1
    stops = query(project.url, "SELECT id, stop_code, shelter, updated FROM c_bus_stops "
                               "ORDER BY id")
    assert stops[0][:3] == ("BS-000", "00000", True)
    assert re.match(r"2025-06-01[T ]01:30:00", str(stops[0][3]))  # 08:30+07:00 in UTC
    assert query(project.url, "SELECT id FROM c_markets ORDER BY _rowid")[:3] == [
        ("1",), ("2",), ("3",)]
    budget = query(project.url, "SELECT ma_chuong, nam, da_giai_ngan FROM c_budget "
                                "ORDER BY id")
    assert budget[0] == ("012", 2024, True)
    zones = query(project.url, "SELECT _minx, _miny FROM c_flood_zones ORDER BY id")
    assert 107 < zones[0][0] < 109 and 15 < zones[0][1] < 17  # VN-2000 metres → lon/lat
    versions = dict(query(project.url, "SELECT collection_id, version FROM collection_state"))
    again = project()
    assert {c: v[2] for c, v in counts(again.stdout).items()} == {
        "budget": 6, "bus-stops": 12, "flood-zones": 6, "markets": 8, "schools": 9}
    assert dict(query(project.url, "SELECT collection_id, version FROM collection_state")) == (
        versions)


def _edit_schools(project, old: str, new: str) -> None:
    path = project.datasets / "schools" / "truong-hoc.csv"
    path.write_bytes(path.read_bytes().replace(old.encode(), new.encode(), 1))


def test_a_bad_value_fails_the_load_naming_file_record_and_field(project):
    project()
    _edit_schools(project, ";311;", ";nhiều;")
    result = project("--only", "schools", ok=False)
    assert result.exit_code == 2
    assert re.search(r"truong-hoc\.csv: record #2: so_hoc_sinh: expected an integer, got "
                     r"'nhiều'$", result.output.strip())
    assert query(project.url, "SELECT so_hoc_sinh FROM c_schools WHERE id = '049001'") == [
        (311,)]


def test_a_duplicate_id_fails_the_load(project):
    _edit_schools(project, "049001;", "049000;")
    result = project("--only", "schools", ok=False)
    assert re.search(r"truong-hoc\.csv: record #2: ma_truong: duplicate id '049000' "
                     r"\(also record #1\)$", result.output.strip())


def test_a_changed_declaration_rebuilds_the_table_and_swaps_it_in(project):
    project("--only", "budget")
    meta = project.datasets / "budget" / "metadata.yaml"
    declared = meta.read_text(encoding="utf-8")
    meta.write_text(declared.replace("    vi: nam\n    en: nam\n", "    vi: Năm\n    en: Year\n"),
                    encoding="utf-8")
    assert counts(project("--only", "budget").stdout) == {"budget": (0, 0, 6)}  # labels only
    renamed = declared.replace("- name: nam\n", "- name: year\n  column: Năm\n").replace(
        "  type: boolean\n", "  type: boolean\n  sortable: true\n")
    meta.write_text(renamed, encoding="utf-8")
    result = project("--only", "budget")
    assert counts(result.stdout) == {"budget": (6, 0, 0)}
    assert query(project.url, "SELECT year, da_giai_ngan FROM c_budget ORDER BY id")[0] == (
        2024, True)
    assert query(project.url, "SELECT version, record_count FROM collection_state "
                              "WHERE collection_id = 'budget'") == [(2, 6)]
    engine = create_engine(project.url)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("c_budget")}
        indexes = {ix["name"] for ix in inspect(engine).get_indexes("c_budget")}
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert "year" in columns and "nam" not in columns
    assert {"ix_c_budget_year", "ix_c_budget_da_giai_ngan"} <= indexes
    assert "c_budget__next" not in tables
    meta.write_text(declared, encoding="utf-8")  # and back: a second rebuild reuses the names
    assert counts(project("--only", "budget").stdout) == {"budget": (6, 0, 0)}
    assert query(project.url, "SELECT nam FROM c_budget ORDER BY id")[0] == (2024,)
    assert counts(project("--only", "budget").stdout) == {"budget": (0, 0, 6)}


def test_an_invalid_geometry_or_a_missing_value_fails_the_load(project):
    markets = project.datasets / "markets" / "markets.csv"
    original = markets.read_text(encoding="utf-8")
    markets.write_text(original.replace('"POINT (108.33 15.88)"',
                                        '"POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))"'),
                       encoding="utf-8")
    result = project("--only", "markets", ok=False)
    assert re.search(r"markets\.csv: record #4: geometry: invalid \(Self-intersection\[0\.5 "
                     r"0\.5\]\)$", result.output.strip()), result.output
    markets.write_text(original.replace("Chợ 1,night", ",night"), encoding="utf-8")
    result = project("--only", "markets", ok=False)
    assert re.search(r"markets\.csv: record #2: name: required$", result.output.strip())
    assert query(project.url, "SELECT count(*) FROM collection_state "
                              "WHERE collection_id = 'markets'") == [(0,)]
    engine = create_engine(project.url)
    try:
        assert not inspect(engine).has_table("c_markets")  # nothing was written
    finally:
        engine.dispose()


def _spatial_and_search_rows(url: str) -> tuple[int, int]:
    """SQLite: rows of the bus stops' R*Tree and FTS5 matches of 'tram'; PostgreSQL: the
    stops found through the GiST and GIN expressions (same answers)."""
    if url.startswith("sqlite"):
        return (query(url, 'SELECT count(*) FROM "c_bus_stops_rtree"')[0][0],
                query(url, "SELECT count(*) FROM c_bus_stops_fts WHERE c_bus_stops_fts "
                           "MATCH 'tram*'")[0][0])
    return (query(url, "SELECT count(*) FROM c_bus_stops WHERE geom && "
                       "ST_MakeEnvelope(100, 10, 110, 20, 4326)")[0][0],
            query(url, "SELECT count(*) FROM c_bus_stops WHERE to_tsvector('simple', "
                       "coalesce(_search, '')) @@ to_tsquery('simple', 'tram:*')")[0][0])


def test_declared_tables_get_the_built_in_indexes_also_after_a_rebuild(project):
    from opengov.collections import Registry
    from opengov.declare.indexes import has_indexes
    from opengov.declare.model import load_declaration

    project("--only", "bus-stops")
    meta = project.datasets / "bus-stops" / "metadata.yaml"

    def indexed() -> bool:
        registry = Registry()
        registry.register(load_declaration(meta).collection)
        engine = create_engine(project.url)
        try:
            with engine.connect() as conn:
                return has_indexes(conn, registry.get("bus-stops"), "c_bus_stops")
        finally:
            engine.dispose()

    assert indexed()
    assert _spatial_and_search_rows(project.url) == (12, 12)
    text_ = meta.read_text(encoding="utf-8")
    meta.write_text(text_.replace("  sortable: true\n  example: 100\n",
                                  "  sortable: true\n  filterable: true\n  example: 100\n"),
                    encoding="utf-8")
    assert counts(project("--only", "bus-stops").stdout) == {"bus-stops": (12, 0, 0)}
    assert indexed()
    assert _spatial_and_search_rows(project.url) == (12, 12)
