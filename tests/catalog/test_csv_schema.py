"""Every CSV download says how to read it (CSVW metadata, Link header), and reading it that
way with pandas keeps every code as the text that was written."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pytest

PANDAS_TYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean"}


def _csv_downloads(client) -> list[str]:
    """The URL path of every CSV distribution of every dataset (downloads and extracts)."""
    paths = []
    for dataset in client.get("/datasets?limit=1000").get_json()["datasets"]:
        for dist in dataset["distributions"]:
            if dist["format"] == "csv":
                paths.append(re.sub(r"^https?://[^/]+", "", dist["url"]))
    return paths


def _described_by(response) -> str:
    links = response.headers["Link"]
    match = re.search(r'<([^>]+)>; rel="describedby"; type="application/csvm\+json"', links)
    assert match, links
    return re.sub(r"^https?://[^/]+", "", match[1])


def _read(body: bytes, columns: list[dict]) -> pd.DataFrame:
    """The CSV read as docs/catalog.md shows: dtypes from the CSVW datatypes."""
    dtype = {c["name"]: PANDAS_TYPES.get(c["datatype"], "string") for c in columns
             if c["datatype"] not in ("date", "datetime")}
    dates = [c["name"] for c in columns if c["datatype"] in ("date", "datetime")]
    return pd.read_csv(io.BytesIO(body), dtype=dtype, parse_dates=dates,
                       keep_default_na=False, na_values=[""])


def test_every_csv_reads_back_through_its_metadata_with_codes_intact(client):
    paths = _csv_downloads(client)
    assert any("/procedures/" in p for p in paths) and any("/extracts/" in p for p in paths)
    seen: dict[str, set[str]] = {}
    for path in paths:
        with client.get(path) as response:
            body = response.get_data()
        assert response.status_code == 200, path
        meta_path = _described_by(response)
        assert meta_path == path + "-metadata.json"
        meta = client.get(meta_path)
        assert meta.status_code == 200 and meta.mimetype == "application/csvm+json"
        columns = meta.get_json()["tableSchema"]["columns"]
        raw = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        assert raw[0] == [c["name"] for c in columns], path  # every column, in order
        frame = _read(body, columns)
        assert len(frame) == len(raw) - 1
        for i, column in enumerate(columns):
            if column["datatype"] != "string":
                continue
            written = [row[i] for row in raw[1:]]
            read = ["" if pd.isna(v) else v for v in frame[column["name"]]]
            assert read == written, (path, column["name"])
            seen.setdefault(column["name"], set()).update(written)
    # the codes pandas mangles when it guesses were among them, and came back as written:
    # procedure codes ending in 0 (1.900370) and all-digit commune codes
    assert any(re.fullmatch(r"\d+\.\d*0", code) for code in seen["id"])
    assert seen["commune"] and all(code.isdigit() for code in seen["commune"] if code)


def test_reading_without_the_metadata_is_what_goes_wrong(client):
    with client.get("/datasets/procedures/download.csv") as response:
        body = response.get_data()
    guessed = pd.read_csv(io.BytesIO(body))
    assert guessed["id"].dtype == "float64"  # why the metadata is needed at all
    columns = client.get("/datasets/procedures/download.csv-metadata.json").get_json()
    typed = _read(body, columns["tableSchema"]["columns"])
    assert typed["id"].dtype == "string" and typed["id"].str.contains(r"\.\d*0$").any()


def test_subsets_link_the_same_metadata(client):
    response = client.get("/datasets/procedures/download.csv?level=commune")
    assert response.status_code == 200
    assert _described_by(response) == "/datasets/procedures/download.csv-metadata.json"
    assert 'rel="describedby"; type="application/json"' in response.headers["Link"]


def test_code_columns_are_declared_strings(client):
    columns = {c["name"]: c for c in client.get(
        "/datasets/procedures/download.csv-metadata.json").get_json()["tableSchema"]["columns"]}
    assert columns["id"]["datatype"] == "string" and columns["id"]["required"] is True
    meta = client.get("/datasets/procedures/download.csv-metadata.json").get_json()
    assert meta["url"] == "download.csv" and meta["tableSchema"]["primaryKey"] == ["id"]


@pytest.mark.parametrize("path, status", [
    ("/datasets/nope/download.csv-metadata.json", 404),
    ("/datasets/monitoring-readings/extracts/2025-13.csv-metadata.json", 400),
    ("/datasets/cameras/extracts/2025-10.csv-metadata.json", 404),
])
def test_metadata_of_what_does_not_exist_is_a_problem(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
