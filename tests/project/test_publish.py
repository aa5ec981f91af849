"""A city's project publishes under its own name: `opengov new --region "Đà Nẵng"` with a
publisher, contact and licence in opengov.toml, bus stops (GeoJSON, CRS84) and flood zones
(GeoPackage in VN-2000 / TM-3 107-45) added and loaded, served by a real `opengov serve`.

The catalogue (DCAT JSON-LD and Turtle, CKAN, data packages, /datasets) names the project's
publisher, contact, licence and region, never the sample's; OGC API gives the VN-2000 dataset
its storageCrs; the capabilities setting (opengov.toml or OPENGOV_CAPABILITIES) decides whether
declared datasets are served."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import requests
import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF

from opengov.app import create_app
from tests.cli.test_setup_errors import opengov
from tests.declare import files
from tests.serving import serving

PUBLISHER = "Sở Thông tin và Truyền thông Đà Nẵng"
EMAIL = "opendata@danang.example.vn"
LICENCE = "CC-BY-SA-4.0"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EPSG5899 = "http://www.opengis.net/def/crs/EPSG/0/5899"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
# Only these variables reach the commands and the server: the project decides the rest.
CLEAN = {"OPENGOV_DATABASE_URL": None, "OPENGOV_INSTANCE_PATH": None,
         "OPENGOV_DATASETS_PATH": None, "OPENGOV_CAPABILITIES": None,
         "OPENGOV_DISABLED_CAPABILITIES": None, "OPENGOV_CONFIG": None,
         "OPENGOV_REGION_NAME": None, "OPENGOV_PUBLISHER": None, "OPENGOV_LICENCE": None,
         "OPENGOV_CONTACT_EMAIL": None}


def _ok(done):
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _set(toml: Path, **values: str) -> None:
    """Replace ``key = …`` lines of a project's opengov.toml."""
    lines = toml.read_text(encoding="utf-8").splitlines()
    for key, value in values.items():
        lines = [f"{key} = {value}" if line.startswith(f"{key} =") else line for line in lines]
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("publish")
    folder = tmp / "da-nang"
    _ok(opengov("new", str(folder), "--region", "Đà Nẵng", cwd=tmp))
    _set(folder / "opengov.toml", publisher=f'"{PUBLISHER}"', contact_email=f'"{EMAIL}"',
         licence=f'"{LICENCE}"')
    inputs = tmp / "in"
    inputs.mkdir()
    _ok(opengov("add", str(files.bus_stops(inputs)), "--id", "bus-stops", cwd=folder))
    _ok(opengov("add", str(files.flood_zones_gpkg(inputs)), "--id", "flood-zones",
                "--layer", "flood_zones", cwd=folder))
    _ok(opengov("load", cwd=folder))
    return folder


@pytest.fixture(scope="module")
def server(project):
    env = {**CLEAN, "OPENGOV_CONFIG": str(project / "opengov.toml")}
    with serving(env, project.parent / "serve.log") as base:
        yield base


def get(base: str, path: str) -> requests.Response:
    response = requests.get(base + path, timeout=30)
    assert response.status_code == 200, (path, response.text[:300])
    return response


def test_add_writes_the_project_publisher_contact_and_licence(project):
    meta = yaml.safe_load((project / "datasets/bus-stops/metadata.yaml").read_text("utf-8"))
    assert meta["publisher"] == {"name": PUBLISHER}
    assert meta["contact_point"] == {"name": PUBLISHER, "email": EMAIL}
    assert meta["license"] == {"id": LICENCE,
                               "url": "https://creativecommons.org/licenses/by-sa/4.0/"}


def test_datasets_and_data_packages_name_the_project_publisher(server):
    entries = {d["id"]: d for d in get(server, "/datasets").json()["datasets"]}
    assert sorted(entries) == ["bus-stops", "flood-zones"]
    for entry in entries.values():
        assert entry["publisher"] == {"name": PUBLISHER} and entry["synthetic"] is False
        assert entry["contact_point"]["email"] == EMAIL
        assert entry["license"]["id"] == LICENCE
    package = get(server, "/datasets/bus-stops/datapackage.json").json()
    assert [lic["name"] for lic in package["licenses"]] == [LICENCE]
    assert package["contributors"][0]["title"] == PUBLISHER
    assert package["synthetic"] is False


def test_ckan_packages_name_the_project_organization_maintainer_and_licence(server):
    package = get(server, "/api/3/action/package_show?id=flood-zones").json()["result"]
    assert package["organization"] == {"name": "so-thong-tin-va-truyen-thong-da-nang",
                                       "title": PUBLISHER}
    assert package["maintainer_email"] == EMAIL and package["license_id"] == LICENCE
    assert get(server, "/api/3/action/organization_list").json()["result"] == \
        ["so-thong-tin-va-truyen-thong-da-nang"]
    assert {"key": "synthetic", "value": "false"} in package["extras"]


def test_dcat_names_the_region_publisher_contact_and_licence(server):
    body = get(server, "/catalog.jsonld").text
    assert "opengov sample data" not in body and "synthetic." not in body
    doc = requests.get(server + "/catalog.jsonld", timeout=30).json()
    assert doc["dct:identifier"] == "opengov-da-nang"
    assert doc["dct:publisher"]["foaf:name"] == PUBLISHER
    nodes = {n["dct:identifier"]: n for n in doc["dcat:dataset"]}
    assert sorted(nodes) == ["da-nang-bus-stops", "da-nang-flood-zones"]
    node = nodes["da-nang-bus-stops"]
    assert node["dcat:contactPoint"]["vcard:hasEmail"] == {"@id": f"mailto:{EMAIL}"}
    assert {d["dct:license"]["dct:identifier"] for d in node["dcat:distribution"]} == {LICENCE}

    graph = Graph().parse(data=get(server, "/catalog.ttl").text, format="turtle")
    catalog = next(graph.subjects(DCTERMS.identifier, Literal("opengov-da-nang")))
    assert Literal("opengov open-data catalogue – Đà Nẵng", lang="en") in \
        set(graph.objects(catalog, DCTERMS.title))
    dataset = next(graph.subjects(DCTERMS.identifier, Literal("da-nang-flood-zones")))
    assert graph.value(graph.value(dataset, DCTERMS.publisher), FOAF.name) == \
        Literal(PUBLISHER)
    contact = graph.value(dataset, DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef(f"mailto:{EMAIL}")
    licences = {graph.value(d, DCTERMS.license) for d in graph.objects(dataset, DCAT.distribution)}
    assert licences == {URIRef("https://creativecommons.org/licenses/by-sa/4.0/")}


def test_the_vn2000_collection_is_stored_and_served_in_its_native_crs(server):
    zones = get(server, "/ogc/collections/flood-zones").json()
    assert zones["storageCrs"] == EPSG5899 and EPSG5899 in zones["crs"]
    stops = get(server, "/ogc/collections/bus-stops").json()
    assert stops["storageCrs"] == CRS84 and CRS84 in stops["crs"]
    listed = {c["id"]: c for c in get(server, "/ogc/collections").json()["collections"]}
    assert listed["flood-zones"]["storageCrs"] == EPSG5899
    response = get(server, f"/ogc/collections/flood-zones/items/FZ0?crs={EPSG5899}")
    assert response.headers["Content-Crs"] == f"<{EPSG5899}>"
    ring = response.json()["geometry"]["coordinates"][0]
    # files.flood_zones_gpkg: FZ0 is the 400 m square with its corner at (560000, 1760000);
    # the round trip through the stored CRS84 coordinates (6 decimals) costs at most ~0.1 m.
    assert min(x for x, _ in ring) == pytest.approx(560_000, abs=0.15)
    assert min(y for _, y in ring) == pytest.approx(1_760_000, abs=0.15)


def _app(folder: Path, monkeypatch, capabilities: str | None):
    for key in CLEAN:
        monkeypatch.delenv(key, raising=False)
    if capabilities is not None:
        monkeypatch.setenv("OPENGOV_CAPABILITIES", capabilities)
    return create_app({"config_file": str(folder / "opengov.toml")}).test_client()


def _served(client) -> dict[str, bool]:
    """Where bus-stops is served: native list, OGC API, catalogue, landing page."""
    ogc = [c["id"] for c in client.get("/ogc/collections").get_json()["collections"]]
    datasets = [d["id"] for d in client.get("/datasets").get_json()["datasets"]]
    return {"native": client.get("/bus-stops?limit=1").status_code == 200,
            "ogcapi": "bus-stops" in ogc, "catalogue": "bus-stops" in datasets}


def test_the_capabilities_setting_decides_whether_declared_datasets_are_served(
        project, tmp_path, monkeypatch):
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    without = '["web", "ogcapi", "catalog", "map", "tiles"]'
    _set(copy / "opengov.toml", capabilities=without)
    assert _served(_app(copy, monkeypatch, None)) == \
        {"native": False, "ogcapi": False, "catalogue": False}
    everything = {"native": True, "ogcapi": True, "catalogue": True}
    assert _served(_app(copy, monkeypatch, "web,ogcapi,catalog,declared")) == everything
    assert _served(_app(copy, monkeypatch, "web,ogcapi,catalog")) == \
        {"native": False, "ogcapi": False, "catalogue": False}
    _set(copy / "opengov.toml", capabilities='["web", "ogcapi", "catalog", "declared"]')
    assert _served(_app(copy, monkeypatch, None)) == everything
