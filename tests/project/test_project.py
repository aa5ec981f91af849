"""A project folder as an operator uses it: `opengov new`, then commands run inside it, below
it, or pointed at it (`--project`, `OPENGOV_CONFIG`), each on the project's own SQLite file."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import requests

from opengov.app import create_app
from opengov.settings import load_settings
from tests.cli.test_setup_errors import one_line_error, opengov
from tests.serving import serving


def _new(tmp_path: Path, *args: str) -> Path:
    folder = tmp_path / "city"
    done = opengov("new", str(folder), *args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return folder


def _database_line(done) -> str:
    return done.stderr.splitlines()[0]


def test_new_writes_a_project_whose_files_parse(tmp_path):
    folder = _new(tmp_path, "--region", "Đà Nẵng")
    assert sorted(p.name for p in folder.iterdir()) == ["datasets", "opengov.toml",
                                                      "sources.toml"]
    assert list((folder / "datasets").iterdir()) == []
    with (folder / "sources.toml").open("rb") as fh:
        assert tomllib.load(fh) == {}  # every example is a comment
    settings = load_settings({"config_file": str(folder / "opengov.toml")}, environ={})
    assert settings.region_name == "Đà Nẵng" and settings.region_slug == "da-nang"
    assert settings.datasets_path == (folder / "datasets").resolve()
    assert settings.resolved_database_url == \
        f"sqlite:///{(folder / 'instance' / 'opengov.sqlite3').resolve()}"
    assert settings.sources_file == str((folder / "sources.toml").resolve())
    assert "land" not in settings.capabilities and "ogcapi" in settings.capabilities


def test_new_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "city").mkdir()
    (tmp_path / "city" / "notes.txt").write_text("mine")
    done = opengov("new", str(tmp_path / "city"), cwd=tmp_path)
    assert one_line_error(done) == f"Error: {tmp_path / 'city'} is not empty; give " \
                                   "`opengov new` a new or empty folder"
    assert [p.name for p in (tmp_path / "city").iterdir()] == ["notes.txt"]


def test_commands_below_the_project_use_its_database_and_an_empty_load_is_fine(tmp_path):
    folder = _new(tmp_path)
    below_empty = folder / "work" / "drafts"
    below_empty.mkdir(parents=True)
    done = opengov("load", cwd=below_empty)
    database = (folder / "instance" / "opengov.sqlite3").resolve()
    assert done.returncode == 0, done.stderr
    assert _database_line(done) == f"database: sqlite:///{database}"
    assert "is empty: nothing to load" in done.stdout
    assert database.is_file()
    assert not (below_empty / "instance").exists()


def test_project_option_and_opengov_config_point_at_the_project(tmp_path):
    folder = _new(tmp_path)
    database = (folder / "instance" / "opengov.sqlite3").resolve()
    assert opengov("load", cwd=folder).returncode == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    by_option = opengov("--project", str(folder), "keys", "list", cwd=elsewhere)
    by_env = opengov("keys", "list", cwd=elsewhere,
                     env={"OPENGOV_CONFIG": str(folder / "opengov.toml")})
    for done in (by_option, by_env):
        assert done.returncode == 0, done.stderr
        assert _database_line(done) == f"database: sqlite:///{database}"
    # an explicit environment variable wins over the project file
    moved = tmp_path / "other-instance"
    done = opengov("keys", "list", cwd=folder, env={"OPENGOV_INSTANCE_PATH": str(moved)})
    assert _database_line(done) == f"database: sqlite:///{moved / 'opengov.sqlite3'}"
    missing = opengov("--project", str(elsewhere), "keys", "list", cwd=tmp_path)
    assert "is not an opengov project" in one_line_error(missing)
    (folder / "opengov.toml").write_text("[opengov\n")
    broken = opengov("keys", "list", cwd=folder)
    assert one_line_error(broken).startswith(
        f"Error: project file {(folder / 'opengov.toml').resolve()} is not valid TOML")


def test_a_new_project_serves_an_empty_catalogue(tmp_path):
    folder = _new(tmp_path, "--region", "Đà Nẵng")
    config = str(folder / "opengov.toml")
    env = {"OPENGOV_CONFIG": config, "OPENGOV_DATABASE_URL": None,
           "OPENGOV_INSTANCE_PATH": None, "OPENGOV_DATASETS_PATH": None,
           "OPENGOV_CAPABILITIES": None, "OPENGOV_DISABLED_CAPABILITIES": None}
    with serving(env, tmp_path / "serve.log") as base:
        landing = requests.get(base + "/", timeout=10).json()
        datasets = requests.get(base + "/datasets", timeout=10).json()
        catalogue = requests.get(base + "/catalog.jsonld", timeout=10).json()
        collections = requests.get(base + "/ogc/collections", timeout=10).json()
    assert landing["title"] == "opengov – Đà Nẵng"
    assert [link["href"] for link in landing["links"]
            if "/collections/" in link["href"] or "cameras" in link["href"]] == []
    assert datasets["datasets"] == [] and datasets["numberMatched"] == 0
    assert collections["collections"] == []
    titles = {t["@value"] for t in catalogue["dct:title"]}
    assert "opengov open-data catalogue – Đà Nẵng" in titles
    assert "loading the sample" not in (tmp_path / "serve.log").read_text()


def test_with_sample_serves_the_sample_under_the_project_region(tmp_path):
    folder = _new(tmp_path, "--with-sample", "--region", "Đà Nẵng")
    done = opengov("load", "--only", "service-centres", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert "service-centres" in done.stdout
    app = create_app({"config_file": str(folder / "opengov.toml"), "sample_profile": "small"})
    client = app.test_client()
    ids = [d["id"] for d in client.get("/datasets").get_json()["datasets"]]
    assert "service-centres" in ids and "cameras" in ids
    with client.get("/datasets/service-centres/download.csv") as download:  # closes the file
        assert download.status_code == 200
        assert download.headers["Content-Disposition"] == \
            "attachment; filename=da-nang-service-centres-v1.csv"
    catalogue = client.get("/catalog.jsonld").get_json()
    assert "Danh mục dữ liệu mở opengov – Đà Nẵng" in {t["@value"]
                                                       for t in catalogue["dct:title"]}


def test_the_bundled_sample_keeps_its_region_by_default():
    settings = load_settings({}, environ={})
    assert (settings.region_name, settings.region_slug) == ("Quảng Nam", "quang-nam")
    assert settings.map_view == (15.6, 108.2, 9)


def test_the_map_opens_where_the_project_says(tmp_path):
    folder = _new(tmp_path)
    toml = folder / "opengov.toml"
    toml.write_text(toml.read_text(encoding="utf-8")
                    .replace('map_center = "15.6,108.2"', 'map_center = "16.05,108.21"')
                    .replace("map_zoom = 9", "map_zoom = 12"), encoding="utf-8")
    app = create_app({"config_file": str(toml)})
    page = app.test_client().get("/map").get_data(as_text=True)
    config = page.split('<script type="application/json" id="config">')[1].split("</script>")[0]
    assert (json.loads(config)["center"], json.loads(config)["zoom"]) == ([16.05, 108.21], 12)
    assert "setView(cfg.center, cfg.zoom)" in page
