"""`opengov add FILE|URL --id ID` as an operator runs it; URLs are served by a real HTTP
server on 127.0.0.1 (tests/upstream.py)."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from opengov.cli import main
from opengov.declare.model import load_declaration
from tests.declare import files
from tests.upstream import upstream  # noqa: F401  (fixture)


@pytest.fixture
def add(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENGOV_DATASETS_PATH", str(tmp_path / "datasets"))
    monkeypatch.setenv("OPENGOV_INSTANCE_PATH", str(tmp_path / "instance"))
    (tmp_path / "in").mkdir()

    def invoke(*args, ok: bool = True):
        result = CliRunner().invoke(main, ["add", *args])
        assert (result.exit_code == 0) is ok, result.output + repr(result.exception)
        return result

    invoke.datasets = tmp_path / "datasets"
    invoke.inputs = tmp_path / "in"
    return invoke


def test_add_a_file_prints_the_declaration_and_every_guess(add):
    result = add(str(files.schools_csv(add.inputs)), "--id", "schools", "--title", "Trường học")
    meta = add.datasets / "schools" / "metadata.yaml"
    assert result.stdout == meta.read_text(encoding="utf-8")
    assert "#   - CSV separated by ';', utf-8-sig (with a byte-order mark)" in result.stdout
    assert "#   - ma_truong: kept as text: codes with leading zeros (e.g. '049000')" in (
        result.stdout)
    assert f"wrote {meta}" in result.stderr
    declaration = load_declaration(meta)
    assert declaration.collection.title["vi"] == "Trường học"
    assert (add.datasets / "schools" / "truong-hoc.csv").read_bytes() == (
        add.inputs / "truong-hoc.csv").read_bytes()


def test_add_a_layer_of_a_geopackage(add):
    add(str(files.flood_zones_gpkg(add.inputs)), "--id", "rivers", "--layer", "rivers")
    declaration = load_declaration(add.datasets / "rivers" / "metadata.yaml")
    assert declaration.source.layer == "rivers"
    assert declaration.collection.geometry_type == "LineString"
    missing = add(str(add.inputs / "ngap-lut.gpkg"), "--id", "lakes", "--layer", "lakes",
                  ok=False)
    assert missing.output.strip() == ("Error: ngap-lut.gpkg: no layer 'lakes' (layers: "
                                      "flood_zones, rivers)")
    assert sorted(p.name for p in add.datasets.iterdir()) == ["rivers"]


def test_add_a_url_through_the_cached_http_session(add, upstream):  # noqa: F811
    body = files.bus_stops(add.inputs).read_bytes()
    upstream.route("/open-data/bus-stops.geojson", body, content_type="application/geo+json")
    add(f"{upstream.url}/open-data/bus-stops.geojson", "--id", "bus-stops")
    folder = add.datasets / "bus-stops"
    assert (folder / "bus-stops.geojson").read_bytes() == body
    meta = yaml.safe_load((folder / "metadata.yaml").read_text(encoding="utf-8"))
    assert meta["source"] == {"file": "bus-stops.geojson"} and meta["geometry_type"] == "Point"
    assert upstream.count("/open-data/bus-stops.geojson") == 1
    assert upstream.seen("/open-data/bus-stops.geojson")[0].header("User-Agent").startswith(
        "opengov/")


def test_a_url_that_fails_writes_nothing(add, upstream):  # noqa: F811
    upstream.route("/gone.geojson", "{}", status=404)
    result = add(f"{upstream.url}/gone.geojson", "--id", "gone", ok=False)
    assert result.output.strip() == f"Error: {upstream.url}/gone.geojson: the server answered 404"
    assert not (add.datasets / "gone").exists()


@pytest.mark.parametrize(("make", "args", "message"), [
    (None, ["missing.geojson", "--id", "x"], "Error: missing.geojson: no such file"),
    (files.markets_wkt_csv, ["--id", "markets", "--layer", "a"],
     "Error: markets.csv: a CSV file has no layers (--layer)"),
    (files.markets_wkt_csv, ["--id", "markets", "--crs", "EPSG:0"],
     "Error: --crs 'EPSG:0': not a coordinate reference system PROJ knows"),
])
def test_bad_input_is_one_line(add, make, args, message):
    if make is not None:
        args = [str(make(add.inputs)), *args]
    result = add(*args, ok=False)
    assert result.output.strip() == message


def test_an_existing_dataset_is_not_overwritten(add):
    source = str(files.markets_wkt_csv(add.inputs))
    add(source, "--id", "markets")
    before = (add.datasets / "markets" / "metadata.yaml").read_text(encoding="utf-8")
    result = add(source, "--id", "markets", ok=False)
    assert result.output.strip() == (f"Error: {add.datasets / 'markets'} already exists; "
                                     "remove it or choose another --id")
    assert (add.datasets / "markets" / "metadata.yaml").read_text(encoding="utf-8") == before


def test_plain_xy_columns_take_the_default_or_the_given_crs(add):
    (add.inputs / "wells.csv").write_text(
        "code,x,y\nW1,560100.5,1760200.25\nW2,560300.0,1760400.0\n", encoding="utf-8")
    add(str(add.inputs / "wells.csv"), "--id", "wells")
    assert load_declaration(add.datasets / "wells" / "metadata.yaml").collection.native_crs == (
        "EPSG:5899")
    add(str(add.inputs / "wells.csv"), "--id", "wells-hcm", "--crs", "EPSG:9210")
    declaration = load_declaration(add.datasets / "wells-hcm" / "metadata.yaml")
    assert (declaration.collection.native_crs, declaration.source.crs) == ("EPSG:9210",
                                                                           "EPSG:9210")


def test_the_bundled_sample_is_never_written_to(add, monkeypatch):
    from opengov.sample import sample_datasets

    monkeypatch.delenv("OPENGOV_DATASETS_PATH")
    result = add(str(files.markets_wkt_csv(add.inputs)), "--id", "markets", ok=False)
    assert result.output.strip() == (
        f"Error: the datasets folder is the sample shipped with opengov ({sample_datasets()}); "
        "set OPENGOV_DATASETS_PATH to your own datasets folder")
    assert not (sample_datasets() / "markets").exists()
