"""`opengov load` of declared collections, on SQLite and PostgreSQL: coordinates outside the
CRS's area, invalid geometries and `--make-valid`, duplicate ids across batches, changed
records keeping the others' row state, a native CRS beyond the built-in ones (VN-2000 / UTM
48N) served back as loaded, and live collections whose declaration changes (`--force`)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner
from pyproj import Transformer
from sqlalchemy import create_engine, inspect, text

from opengov.cli import main
from opengov.collections import Registry
from opengov.declare.add import add_dataset
from opengov.declare.load import LoadOptions, load_declared
from opengov.declare.model import load_declaration
from opengov.loader import LoadError
from opengov.store.engine import make_engine
from opengov.store.migrate import upgrade
from opengov.store.records import row_values
from opengov.store.repository import Store
from tests.conftest import make_app, new_database_url
from tests.declare import files

LONLAT = [(107.50 + i / 100, 16.00 + i / 100) for i in range(5)]  # west of 108°E
TO_UTM48 = Transformer.from_crs("OGC:CRS84", "EPSG:3405", always_xy=True)


def wells_gpkg(folder, lonlat=LONLAT):
    """Wells as points in VN-2000 / UTM zone 48N (EPSG:3405, metres)."""
    path = folder / "gieng.gpkg"
    path.unlink(missing_ok=True)
    xy = [TO_UTM48.transform(lon, lat) for lon, lat in lonlat]
    gpd.GeoDataFrame({"well_id": [f"W{i}" for i in range(len(xy))],
                      "depth_m": [10.0 + i for i in range(len(xy))]},
                     geometry=[shapely.Point(x, y) for x, y in xy],
                     crs="EPSG:3405").to_file(path, layer="wells", driver="GPKG")
    return path


def parks_geojson(folder, bowtie: bool):
    """Three park polygons; with ``bowtie`` the second one crosses itself."""
    rings = [[[108.20, 16.05], [108.21, 16.05], [108.21, 16.06], [108.20, 16.06],
              [108.20, 16.05]] for _ in range(3)]
    if bowtie:
        rings[1] = [[108.20, 16.05], [108.21, 16.06], [108.21, 16.05], [108.20, 16.06],
                    [108.20, 16.05]]
    features = [{"type": "Feature", "id": f"PK{i}", "properties": {"name": f"Công viên {i}"},
                 "geometry": {"type": "Polygon", "coordinates": [ring]}}
                for i, ring in enumerate(rings)]
    path = folder / "parks.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                    encoding="utf-8")
    return path


@pytest.fixture
def project(backend, postgres, tmp_path, monkeypatch):
    url = new_database_url(backend, postgres, tmp_path)
    datasets = tmp_path / "datasets"
    datasets.mkdir()
    monkeypatch.setenv("OPENGOV_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("OPENGOV_DATASETS_PATH", str(datasets))
    inputs = tmp_path / "in"
    inputs.mkdir()

    def load(*args, ok: bool = True):
        result = CliRunner().invoke(main, ["--database-url", url, "load", str(datasets),
                                           "--no-build", *args])
        assert (result.exit_code == 0) is ok, result.output + repr(result.exception)
        return result

    def query(sql: str):
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                return conn.execute(text(sql)).all()
        finally:
            engine.dispose()

    load.url, load.datasets, load.inputs, load.query, load.tmp = (url, datasets, inputs, query,
                                                                 tmp_path)
    yield load
    create_engine(url).dispose()


def version(project, collection_id: str):
    return project.query(f"SELECT version FROM collection_state "
                         f"WHERE collection_id = '{collection_id}'")


def test_a_coordinate_outside_the_crs_area_fails_and_the_previous_version_serves(project):
    add_dataset(str(wells_gpkg(project.inputs)), "wells", project.datasets)
    project()
    assert version(project, "wells") == [(1,)]
    before = project.query("SELECT id, _minx, _miny FROM c_wells ORDER BY id")
    assert before[0][1] == pytest.approx(107.50, abs=1e-6)
    moved = LONLAT[:2] + [(112.0, 16.02)] + LONLAT[3:]  # far east of UTM 48N's 108°E
    (project.datasets / "wells" / "gieng.gpkg").write_bytes(
        wells_gpkg(project.tmp, moved).read_bytes())
    result = project(ok=False)
    assert result.exit_code == 2
    assert re.search(r"gieng\.gpkg: record #3: geometry: \(112\.0000, 16\.0200\) in lon/lat "
                     r"lies outside the area of use of EPSG:3405 \(Vietnam - onshore west of "
                     r"108°E: longitude 102\.14…108, latitude 8\.33…23\.4\)$",
                     result.output.strip()), result.output
    assert version(project, "wells") == [(1,)]
    assert project.query("SELECT id, _minx, _miny FROM c_wells ORDER BY id") == before
    engine = create_engine(project.url)
    try:
        assert not inspect(engine).has_table("c_wells__next")
    finally:
        engine.dispose()


def test_an_invalid_geometry_fails_unless_make_valid_repairs_it(project):
    add_dataset(str(parks_geojson(project.inputs, bowtie=False)), "parks", project.datasets)
    (project.datasets / "parks" / "parks.geojson").write_text(
        parks_geojson(project.tmp, bowtie=True).read_text(encoding="utf-8"), encoding="utf-8")
    result = project(ok=False)
    assert re.search(r"parks\.geojson: record #2: geometry: invalid \(Self-intersection"
                     r"\[108\.205 16\.055\]\)$", result.output.strip()), result.output
    assert version(project, "parks") == []
    repaired = project("--make-valid")
    assert "parks: repaired 1 invalid geometry (--make-valid)" in repaired.output
    features = dict(project.query("SELECT id, _feature FROM c_parks"))
    geometry = json.loads(features["PK1"])["geometry"]
    assert geometry["type"] == "MultiPolygon" and len(geometry["coordinates"]) == 2
    assert shapely.geometry.shape(geometry).is_valid
    assert json.loads(features["PK0"])["geometry"]["type"] == "Polygon"


def test_a_duplicate_id_in_a_later_batch_names_both_records(project):
    add_dataset(str(files.bus_stops(project.inputs)), "bus-stops", project.datasets)
    data = project.datasets / "bus-stops" / "bus-stops.geojson"
    data.write_text(data.read_text(encoding="utf-8").replace('"BS-008"', '"BS-001"'),
                    encoding="utf-8")
    engine = make_engine(project.url)
    try:
        upgrade(engine)
        with pytest.raises(LoadError, match=r"bus-stops\.geojson: record #9: \w+: duplicate id "
                                            r"'BS-001' \(also record #2\)$"):
            load_declared(engine, project.datasets, options=LoadOptions(batch_size=4))
        assert not inspect(engine).has_table("c_bus_stops__next")
        assert not inspect(engine).has_table("c_bus_stops")
    finally:
        engine.dispose()


def test_a_duplicate_id_is_named_before_a_bad_value_in_the_next_batch(project):
    # Batch 5 (records 9–10) repeats an id, batch 6 (records 11–12) holds a bad value: the
    # earlier record's failure is the one reported, then, once fixed, the later one.
    add_dataset(str(files.bus_stops(project.inputs)), "bus-stops", project.datasets)
    data = project.datasets / "bus-stops" / "bus-stops.geojson"
    data.write_text(data.read_text(encoding="utf-8").replace('"BS-008"', '"BS-001"').replace(
        '"boardings": 170', '"boardings": "many"'), encoding="utf-8")
    engine = make_engine(project.url)
    try:
        upgrade(engine)
        with pytest.raises(LoadError, match=r"record #9: \w+: duplicate id 'BS-001'"):
            load_declared(engine, project.datasets, options=LoadOptions(batch_size=2))
        data.write_text(data.read_text(encoding="utf-8").replace('"BS-001", "geometry": '
                        '{"type": "Point", "coordinates": [108.208', '"BS-008", "geometry": '
                        '{"type": "Point", "coordinates": [108.208'), encoding="utf-8")
        with pytest.raises(LoadError, match=r"record #11: boardings: expected an integer"):
            load_declared(engine, project.datasets, options=LoadOptions(batch_size=2))
        assert not inspect(engine).has_table("c_bus_stops__next")
        assert not inspect(engine).has_table("c_bus_stops")
    finally:
        engine.dispose()


def test_a_changed_record_gets_a_new_row_version_and_the_others_keep_theirs(project):
    add_dataset(str(files.bus_stops(project.inputs)), "bus-stops", project.datasets)
    project()
    before = dict(project.query("SELECT id, _updated_at FROM c_bus_stops"))
    data = project.datasets / "bus-stops" / "bus-stops.geojson"
    data.write_text(data.read_text(encoding="utf-8").replace('"boardings": 107',
                                                             '"boardings": 999'),
                    encoding="utf-8")
    result = project()
    assert re.search(r"bus-stops\s+new\s+0\s+changed\s+1\s+removed\s+0\s+unchanged\s+11\s+"
                     r"version 2", result.output), result.output
    rows = {r[0]: r[1:] for r in project.query(
        "SELECT id, boardings, _row_version, _updated_at FROM c_bus_stops")}
    assert rows["BS-001"][:2] == (999, 2) and rows["BS-001"][2] != before["BS-001"]
    assert all(rows[i][1:] == (1, before[i]) for i in rows if i != "BS-001")


def test_a_native_crs_beyond_the_built_in_ones_is_served_as_loaded(project):
    add_dataset(str(wells_gpkg(project.inputs)), "wells", project.datasets)
    project()
    app = make_app(project.url, project.tmp / "instance",
                   datasets_path=str(project.datasets))
    try:
        client = app.test_client()
        native = client.get("/ogc/collections/wells/items?crs=EPSG:3405&sortby=well_id")
        assert native.status_code == 200, native.get_data(as_text=True)
        assert native.headers["Content-Crs"] == "<http://www.opengis.net/def/crs/EPSG/0/3405>"
        loaded = [TO_UTM48.transform(lon, lat) for lon, lat in LONLAT]
        served = [f["geometry"]["coordinates"] for f in native.get_json()["features"]]
        assert served == [pytest.approx(list(xy), abs=0.01) for xy in loaded]
        default = client.get("/ogc/collections/wells/items?sortby=well_id").get_json()["features"]
        assert [f["geometry"]["coordinates"] for f in default] == [
            pytest.approx(list(p), abs=2e-5) for p in LONLAT]  # the pinned VN-2000 datum shift
        box = client.get("/ogc/collections/wells/items", query_string={
            "bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/3405",
            "bbox": ",".join(map(str, (loaded[0][0] - 1, loaded[0][1] - 1, loaded[1][0] + 1,
                                       loaded[1][1] + 1)))}).get_json()
        assert {f["id"] for f in box["features"]} == {"W0", "W1"}
    finally:
        app.extensions["opengov"].store.engine.dispose()


def _write_live_records(project, count: int) -> None:
    declaration = load_declaration(project.datasets / "bus-stops" / "metadata.yaml")
    registry = Registry()
    registry.register(declaration.collection)
    engine = make_engine(project.url)
    try:
        store = Store(engine, registry)
        rows = [row_values(declaration.collection, {
            "id": f"BS-{i:03d}", "stop_code": f"{i:05d}", "name": f"Trạm {i}",
            "route_type": "bus", "boardings": i, "shelter": True, "commune": "20340",
            "opened": date(2024, 3, 1), "updated": datetime(2025, 6, 1, 8, 30, tzinfo=UTC)},
            shapely.Point(108.2 + i / 1000, 16.05)) for i in range(count)]
        store.repo("bus-stops").replace_all(rows, source="service")
    finally:
        engine.dispose()


def test_a_live_collection_is_rebuilt_from_its_records_and_destructive_changes_need_force(
        project):
    add_dataset(str(files.bus_stops(project.inputs)), "bus-stops", project.datasets)
    meta = project.datasets / "bus-stops" / "metadata.yaml"
    declared = meta.read_text(encoding="utf-8").replace("kind: batch", "kind: live")
    meta.write_text(declared, encoding="utf-8")
    project()
    assert project.query("SELECT count(*) FROM c_bus_stops") == [(0,)]  # never from the file
    _write_live_records(project, 3)
    added = declared.replace("fields:\n", "fields:\n- name: note\n  type: string\n", 1)
    meta.write_text(added, encoding="utf-8")
    project()  # a field added: rebuilt without asking, the records kept
    assert project.query("SELECT id, boardings, note FROM c_bus_stops ORDER BY id") == [
        ("BS-000", 0, None), ("BS-001", 1, None), ("BS-002", 2, None)]
    removed = re.sub(r"- name: boardings\n(  .*\n)+", "", added)
    assert "- name: boardings" not in removed
    meta.write_text(removed, encoding="utf-8")
    refused = project(ok=False)
    assert refused.exit_code == 2
    assert re.search(r"metadata\.yaml: bus-stops is a live collection and its declaration "
                     r"changed destructively \(field boardings removed\); its stored records "
                     r"would lose values: opengov load --force rebuilds it anyway$",
                     refused.output.strip()), refused.output
    engine = create_engine(project.url)
    try:
        assert "boardings" in {c["name"] for c in inspect(engine).get_columns("c_bus_stops")}
    finally:
        engine.dispose()
    project("--force")
    engine = create_engine(project.url)
    try:
        assert "boardings" not in {c["name"] for c in inspect(engine).get_columns(
            "c_bus_stops")}
    finally:
        engine.dispose()
    features = [json.loads(f) for (f,) in project.query(
        "SELECT _feature FROM c_bus_stops ORDER BY id")]
    assert [f["id"] for f in features] == ["BS-000", "BS-001", "BS-002"]
    assert all("boardings" not in f["properties"] and f["properties"]["note"] is None
               for f in features)


def test_an_unchanged_file_is_not_read_again_and_keeps_its_version(project, monkeypatch):
    add_dataset(str(files.bus_stops(project.inputs)), "bus-stops", project.datasets)
    project()
    state = "SELECT loaded_at FROM collection_state WHERE collection_id = 'bus-stops'"
    loaded_at = project.query(state)[0][0]

    def unread(*_args, **_kwargs):
        raise AssertionError("the file was read again")

    engine = make_engine(project.url)
    try:
        with monkeypatch.context() as patched:
            patched.setattr("opengov.declare.load.iter_batches", unread)
            [kept] = load_declared(engine, project.datasets)
            assert (kept.new, kept.changed, kept.removed, kept.unchanged, kept.version) == (
                0, 0, 0, 12, 1)
            assert project.query(state)[0][0] != loaded_at
            data = project.datasets / "bus-stops" / "bus-stops.geojson"
            data.write_text(data.read_text(encoding="utf-8") + "\n", encoding="utf-8")
            with pytest.raises(AssertionError, match="read again"):
                load_declared(engine, project.datasets)  # other bytes: read and compared
    finally:
        engine.dispose()
    assert re.search(r"bus-stops\s+new\s+0\s+changed\s+0\s+removed\s+0\s+unchanged\s+12\s+"
                     r"version 1", project().output)


def test_a_csv_is_read_in_chunks_with_its_record_numbers_and_points(project):
    add_dataset(str(files.schools_csv(project.inputs)), "schools", project.datasets)
    engine = make_engine(project.url)
    try:
        upgrade(engine)
        [result] = load_declared(engine, project.datasets, options=LoadOptions(batch_size=2))
        assert result.new == 9
        rows = project.query("SELECT id, so_hoc_sinh, _minx, _miny FROM c_schools ORDER BY id")
        assert rows[0] == ("049000", 300, 108.1, 15.9)
        assert rows[8] == ("049008", 388, 108.18, 15.98)
        data = project.datasets / "schools" / "truong-hoc.csv"
        data.write_bytes(data.read_bytes().replace(b";108.1700;", b";abc;"))
        with pytest.raises(LoadError, match=r"^truong-hoc\.csv: record #8: Kinh độ = 'abc' is "
                                            r"not a number$"):
            load_declared(engine, project.datasets, options=LoadOptions(batch_size=2))
        assert version(project, "schools") == [(1,)]
    finally:
        engine.dispose()
