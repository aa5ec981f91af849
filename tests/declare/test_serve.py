"""Declared collections are served like built-in ones: `opengov add` a bus-stops GeoJSON and a
budget CSV, `opengov load`, then a real `opengov serve` on 127.0.0.1, on SQLite and on
PostgreSQL. Native list and item (GeoJSON/JSON, CSV), typed filters, bbox, q, paging, ETags,
OGC API with CQL2 and queryables, vector tiles, the catalogue and a download, the OpenAPI
document and the landing page."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from opengov.cli import main
from opengov.collections import Registry
from opengov.declare.capability import declared_collections
from opengov.declare.indexes import drop_indexes, has_indexes
from tests.conftest import BACKENDS, PG_URL, PostgresDatabases
from tests.declare import files
from tests.serving import serving
from tests.tiles.helpers import MVT, decode, tile_at

STOPS = 12  # files.bus_stops: BS-000 … BS-011 at (108.200 + i/1000, 16.050 + i/1000)


def budget_csv(folder):
    """A commune budget table without geometry or id column (records numbered on load)."""
    path = folder / "ngan-sach.csv"
    rows = ["commune_code,chapter,year,amount_vnd,note"]
    rows += [f"2034{i % 3},{i % 4:03d},2025,{1_000_000 * (i + 1)},Dòng {i}" for i in range(10)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def run(*args: str, ok: bool = True, env: dict):
    result = CliRunner().invoke(main, list(args), env=env)
    assert (result.exit_code == 0) is ok, result.output + repr(result.exception)
    return result


@pytest.fixture(scope="module", params=BACKENDS)
def project(request, tmp_path_factory):
    """A project with two declared collections, added and loaded: its settings (env)."""
    tmp = tmp_path_factory.mktemp(request.param)
    databases = PostgresDatabases(PG_URL) if request.param == "postgresql" else None
    url = databases.create() if databases else f"sqlite:///{tmp / 'opengov.sqlite3'}"
    env = {"OPENGOV_DATABASE_URL": url, "OPENGOV_DATASETS_PATH": str(tmp / "datasets"),
           "OPENGOV_INSTANCE_PATH": str(tmp / "instance")}
    inputs = tmp / "in"
    inputs.mkdir()
    (tmp / "datasets").mkdir()
    run("add", str(files.bus_stops(inputs)), "--id", "bus-stops", "--title", "Bus stops",
        env=env)
    run("add", str(budget_csv(inputs)), "--id", "budget", "--title", "Commune budget", env=env)
    run("load", env=env)
    run("add", str(files.schools_csv(inputs)), "--id", "schools", env=env)  # not loaded
    env["log"] = str(tmp / "serve.log")
    try:
        yield env
    finally:
        create_engine(url).dispose()
        if databases:
            databases.drop_all()


@pytest.fixture(scope="module")
def server(project):
    """The base URL of a real `opengov serve` over the project."""
    env = {k: v for k, v in project.items() if k.startswith("OPENGOV_")}
    with serving(env, Path(project["log"])) as base:
        yield base


def get(base: str, path: str, **kwargs) -> requests.Response:
    return requests.get(base + path, timeout=30, **kwargs)


def test_landing_page_links_the_declared_collections(server):
    links = get(server, "/", headers={"Accept": "application/json"}).json()["links"]
    data = {link["href"]: (link["type"], link["title"]) for link in links
            if link["rel"] == "data"}
    assert data[server + "/bus-stops"] == ("application/geo+json", "Bus stops")
    assert data[server + "/budget"] == ("application/json", "Commune budget")


def test_native_list_pages_every_feature_exactly_once(server):
    url, seen = server + "/bus-stops?limit=5", []
    while url:
        body = requests.get(url, timeout=30).json()
        assert body["numberMatched"] == STOPS
        seen += [f["id"] for f in body["features"]]
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
    assert sorted(seen) == [f"BS-{i:03d}" for i in range(STOPS)]
    assert len(seen) == STOPS


def test_native_list_typed_filter_bbox_sort_and_search(server):
    # bbox covers stops 0…5; route_type is an enum (bus: stops 0, 3, 6, 9)
    body = get(server, "/bus-stops?route_type=bus&bbox=108.2,16.05,108.2055,16.0555").json()
    assert [f["id"] for f in body["features"]] == ["BS-000", "BS-003"]
    assert body["numberMatched"] == 2
    assert get(server, "/bus-stops?route_type=tram").status_code == 400  # not in the enum
    problem = get(server, "/bus-stops?boardings=many")
    assert problem.status_code == 400
    assert problem.headers["Content-Type"].startswith("application/problem+json")
    ordered = get(server, "/bus-stops?sort=-boardings&limit=3").json()["features"]
    assert [f["properties"]["boardings"] for f in ordered] == [177, 170, 163]
    found = get(server, "/bus-stops?q=tram 7").json()["features"]  # Vietnamese folding
    assert [f["id"] for f in found] == ["BS-007"]


def test_a_declaration_not_loaded_yet_is_served_empty(server):
    page = get(server, "/schools").json()
    assert (page["numberMatched"], page["features"]) == (0, [])
    assert get(server, "/schools/049001").status_code == 404
    assert get(server, "/ogc/collections/schools/items").json()["numberReturned"] == 0


def test_native_item_csv_and_etag(server):
    item = get(server, "/bus-stops/BS-001")
    assert item.status_code == 200
    assert item.json()["properties"]["stop_code"] == "00001"  # leading zero kept
    assert item.json()["geometry"]["coordinates"] == [108.201, 16.051]
    assert get(server, "/bus-stops/BS-999").status_code == 404
    page = get(server, "/bus-stops?route_type=express")
    again = get(server, "/bus-stops?route_type=express",
                headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304
    csv = get(server, "/bus-stops?f=csv&route_type=express")
    assert csv.headers["Content-Type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0].startswith("id,stop_code,name,route_type")
    assert len(lines) == 1 + 4


def test_records_without_geometry(server):
    page = get(server, "/budget?commune=20341&sort=-amount_vnd").json()  # the commune field
    assert page["numberMatched"] == 3  # rows 1, 4, 7
    assert [r["amount_vnd"] for r in page["items"]] == [8_000_000, 5_000_000, 2_000_000]
    assert page["items"][0]["chapter"] == "003"
    record = get(server, "/budget/2").json()  # records numbered in file order
    assert record["note"] == "Dòng 1"
    csv = get(server, "/budget?f=csv&chapter=000").text.splitlines()
    assert csv[0] == "id,commune_code,chapter,year,amount_vnd,note"
    assert len(csv) == 1 + 3


def test_ogc_api_cql2_and_queryables(server):
    body = get(server, "/ogc/collections/bus-stops/items",
               params={"filter": "boardings > 150 AND route_type = 'bus'"}).json()
    assert sorted(f["id"] for f in body["features"]) == ["BS-009"]
    queryables = get(server, "/ogc/collections/bus-stops/queryables").json()
    assert queryables["properties"]["route_type"]["enum"] == ["bus", "express", "school"]
    collections = get(server, "/ogc/collections", params={"f": "json"}).json()
    assert "bus-stops" in [c["id"] for c in collections["collections"]]


def test_vector_tile_and_tilejson(server):
    tile = tile_at(108.205, 16.055, 14)
    response = get(server, f"/tiles/bus-stops/{tile.z}/{tile.x}/{tile.y}.mvt")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == MVT
    layer = decode(response.content)["bus-stops"]
    assert len(layer["features"]) >= 1
    assert get(server, "/tiles/bus-stops.json").json()["bounds"] == [108.2, 16.05, 108.211,
                                                                     16.061]


def test_catalogue_entry_and_download(server):
    entry = get(server, "/datasets/bus-stops").json()
    assert entry["title"]["en"] == "Bus stops"
    download = get(server, "/datasets/budget/download.csv")
    assert download.status_code == 200
    assert len(download.text.splitlines()) == 1 + 10
    geojson = get(server, "/datasets/bus-stops/download.geojson").json()
    assert len(geojson["features"]) == STOPS


def test_openapi_document_has_the_declared_paths(server):
    paths = get(server, "/openapi.json").json()["paths"]
    for path in ("/bus-stops", "/bus-stops/{item_id}", "/budget", "/budget/{item_id}",
                 "/ogc/collections/bus-stops/items"):
        assert path in paths
    parameters = {p["name"] for p in paths["/bus-stops"]["get"]["parameters"]}
    assert {"route_type", "bbox", "q", "sort", "limit", "cursor"} <= parameters


def test_declared_tables_have_the_built_in_indexes(project):
    """The spatial, grid-order and full-text indexes a built-in gets from its migrations."""
    engine = create_engine(project["OPENGOV_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            stops = Registry()
            for collection in declared_collections(Path(project["OPENGOV_DATASETS_PATH"])):
                stops.register(collection)
            assert has_indexes(conn, stops.get("bus-stops"), "c_bus_stops")
            if conn.dialect.name == "sqlite":  # the R*Tree holds every stop
                assert conn.execute(text('SELECT count(*) FROM "c_bus_stops_rtree"')
                                    ).scalar() == STOPS
            drop_indexes(conn, "c_bus_stops")
            assert not has_indexes(conn, stops.get("bus-stops"), "c_bus_stops")
            conn.rollback()
    finally:
        engine.dispose()


def test_an_invalid_declaration_stops_the_start_with_one_line(tmp_path):
    folder = tmp_path / "datasets" / "bus-stops"
    folder.mkdir(parents=True)
    (folder / "metadata.yaml").write_text("id: bus-stops\ntitle: Bus stops\nsource: {file: a}\n"
                                          "fields:\n- {name: code, type: enumeration}\n",
                                          encoding="utf-8")
    env = {"OPENGOV_DATASETS_PATH": str(tmp_path / "datasets"),
           "OPENGOV_INSTANCE_PATH": str(tmp_path / "instance")}
    result = CliRunner().invoke(main, ["openapi", "-o", str(tmp_path / "o.json")], env=env)
    assert result.exit_code == 2
    assert "metadata.yaml: fields" in result.output and "'enumeration'" in result.output
    assert "Traceback" not in result.output


def test_data_dictionary_lists_them_and_leaves_the_declarations_alone(project, tmp_path):
    doc = tmp_path / "data.md"
    doc.write_text("# Data\n\n<!-- dictionary:begin -->\n<!-- dictionary:end -->\n",
                   encoding="utf-8")
    declaration = Path(project["OPENGOV_DATASETS_PATH"]) / "bus-stops" / "metadata.yaml"
    before = declaration.read_text(encoding="utf-8")
    env = {k: v for k, v in project.items() if k.startswith("OPENGOV_")}
    run("dictionary", "--doc", str(doc), env=env)
    tables = doc.read_text(encoding="utf-8")
    assert "### `bus-stops` — Bus stops (Point features)" in tables
    assert "### `budget` — Commune budget (records)" in tables
    assert "| `route_type` | string (bus, express, school) |" in tables
    assert declaration.read_text(encoding="utf-8") == before


def test_an_id_taken_by_a_path_of_the_application_is_refused(tmp_path):
    env = {"OPENGOV_DATASETS_PATH": str(tmp_path / "datasets"),
           "OPENGOV_INSTANCE_PATH": str(tmp_path / "instance")}
    (tmp_path / "datasets").mkdir()
    run("add", str(budget_csv(tmp_path)), "--id", "tiles", env=env)
    result = CliRunner().invoke(main, ["openapi", "-o", str(tmp_path / "o.json")], env=env)
    assert result.exit_code == 2
    assert result.output.strip().endswith(
        "datasets/tiles/metadata.yaml: id: 'tiles' is taken by the path "
        "/tiles/<collection_id>/<z>/<x>/<y>.mvt of the application; choose another id (and "
        "folder name)")


def test_the_map_has_a_layer_for_the_spatial_one(server):
    page = get(server, "/map").text
    assert '"id":"bus-stops","title":"Bus stops","geometry":"Point",' \
           '"items":"/ogc/collections/bus-stops/items"' in page
    assert '"id":"budget"' not in page
