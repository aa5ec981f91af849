"""The data package validates with the real ``frictionless`` tool, checksums included."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from frictionless import validate

from opengov.catalog.formats import FORMATS

DATASETS = ["cameras", "procedures", "service-centres", "admin-units"]


@pytest.mark.parametrize("dataset_id", DATASETS)
def test_frictionless_validates_package_and_checksums(get, tmp_path, dataset_id):
    response, body = get(f"/datasets/{dataset_id}/datapackage.json")
    assert response.status_code == 200
    descriptor = json.loads(body)
    (tmp_path / "datapackage.json").write_bytes(body)
    _, csv_bytes = get(f"/datasets/{dataset_id}/{descriptor['resources'][0]['path']}")
    (tmp_path / "download.csv").write_bytes(csv_bytes)
    report = validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    resource = descriptor["resources"][0]
    assert resource["bytes"] == len(csv_bytes)
    assert resource["schema"]["primaryKey"] == ["id"]
    assert descriptor["licenses"] and descriptor["synthetic"] is True


def test_cli_rejects_a_tampered_file(get, tmp_path):
    _, body = get("/datasets/cameras/datapackage.json")
    (tmp_path / "datapackage.json").write_bytes(body)
    _, csv_bytes = get("/datasets/cameras/download.csv")
    (tmp_path / "download.csv").write_bytes(csv_bytes.replace(b"traffic", b"trafficx", 1))
    tool = [sys.executable, "-m", "frictionless", "validate", str(tmp_path / "datapackage.json")]
    assert subprocess.run(tool, capture_output=True).returncode == 1
    (tmp_path / "download.csv").write_bytes(csv_bytes)
    done = subprocess.run(tool, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:]


def test_table_schema_lists_every_csv_column(get):
    _, body = get("/datasets/cameras/datapackage.json")
    fields = [f["name"] for f in json.loads(body)["resources"][0]["schema"]["fields"]]
    _, csv_bytes = get("/datasets/cameras/download.csv")
    assert csv_bytes.decode().splitlines()[0].split(",") == fields
    assert "csv" in FORMATS
