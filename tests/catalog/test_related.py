"""Nested records as related CSV tables in one zipped data package, checked by frictionless."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile

import pytest
from frictionless import validate

from opengov.catalog.distributions import Distributions


def _unpack(body: bytes, folder) -> dict:
    zipfile.ZipFile(io.BytesIO(body)).extractall(folder)
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def _rows(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def procedures(get):
    response, body = get("/datasets/procedures/download.datapackage.zip")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/zip"
    _, ndjson = get("/datasets/procedures/download.ndjson")
    records = [json.loads(line) for line in ndjson.splitlines()]  # plain records (no geometry)
    return body, records


def test_frictionless_accepts_the_package(procedures, tmp_path):
    body, _ = procedures
    descriptor = _unpack(body, tmp_path)
    report = validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    names = [r["name"] for r in descriptor["resources"]]
    assert names[0] == "procedures"
    assert {"procedures-steps", "procedures-cases", "procedures-cases-documents"} <= set(names)
    assert descriptor["licenses"] and descriptor["synthetic"] is True


def test_children_declare_primary_and_foreign_keys(procedures, tmp_path):
    descriptor = _unpack(procedures[0], tmp_path)
    schemas = {r["name"]: r["schema"] for r in descriptor["resources"]}
    assert schemas["procedures"]["primaryKey"] == ["id"]
    steps = schemas["procedures-steps"]
    assert steps["primaryKey"] == ["record_id", "position"]
    assert steps["foreignKeys"] == [{"fields": ["record_id"], "reference": {
        "resource": "procedures", "fields": ["id"]}}]
    documents = schemas["procedures-cases-documents"]
    assert documents["primaryKey"] == ["record_id", "cases_position", "position"]
    assert documents["foreignKeys"] == [{"fields": ["record_id", "cases_position"], "reference": {
        "resource": "procedures-cases", "fields": ["record_id", "position"]}}]


def test_every_step_and_document_is_a_row(procedures, tmp_path):
    body, records = procedures
    _unpack(body, tmp_path)
    parents = _rows(tmp_path / "procedures.csv")
    assert [p["id"] for p in parents] == [r["id"] for r in records]
    assert "steps" not in parents[0] and "cases" not in parents[0]  # lists are tables now
    steps = _rows(tmp_path / "procedures-steps.csv")
    assert len(steps) == sum(len(r["steps"]) for r in records) > 0
    first = records[0]
    mine = [s for s in steps if s["record_id"] == first["id"]]
    assert [s["stage"] for s in mine] == [s["stage"] for s in first["steps"]]
    assert [int(s["position"]) for s in mine] == list(range(1, len(first["steps"]) + 1))
    documents = _rows(tmp_path / "procedures-cases-documents.csv")
    assert len(documents) == sum(len(c["documents"]) for r in records for c in r["cases"])
    doc = next(d for d in documents if d["record_id"] == first["id"])
    expected = first["cases"][int(doc["cases_position"]) - 1]["documents"][0]
    assert doc["name_vi"] == expected["name_vi"]
    assert doc["electronic_form"] == str(expected["electronic_form"]).lower()


def test_a_broken_relation_is_rejected(procedures, tmp_path):
    descriptor = _unpack(procedures[0], tmp_path)
    steps = tmp_path / "procedures-steps.csv"
    text = steps.read_text(encoding="utf-8").splitlines(keepends=True)
    text[1] = "no-such-procedure" + text[1][text[1].index(","):]
    steps.write_text("".join(text), encoding="utf-8")
    for resource in descriptor["resources"]:  # drop the checksums: only the relation is wrong
        if resource["name"] == "procedures-steps":
            del resource["hash"], resource["bytes"]
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    report = validate(tmp_path / "datapackage.json")
    assert not report.valid
    assert "foreign-key" in {e[2] for e in report.flatten(["rowNumber", "fieldName", "type"])}


def test_builds_are_reproducible_and_checksummed(loaded_app, get, tmp_path):
    ctx = loaded_app.extensions["opengov"]
    collection, state = ctx.registry.get("procedures"), ctx.store.repo("procedures").state()
    builds = [Distributions(tmp_path / name, ctx.store).build(
        collection, "datapackage.zip", state.version, state.modified) for name in "ab"]
    assert builds[0].path.read_bytes() == builds[1].path.read_bytes()
    response, body = get("/datasets/procedures/download.datapackage.zip")
    dist = {d["format"]: d for d in json.loads(get("/datasets/procedures")[1])["distributions"]}
    assert dist["datapackage.zip"]["sha256"] == hashlib.sha256(body).hexdigest()
    assert "procedures-v" in response.headers["Content-Disposition"]


def test_offered_only_where_records_hold_lists(get):
    cameras = json.loads(get("/datasets/cameras")[1])
    assert "datapackage.zip" not in {d["format"] for d in cameras["distributions"]}
    response, _ = get("/datasets/cameras/download.datapackage.zip")
    assert response.status_code == 404
