"""XLSX downloads: openpyxl reads back the rows, bytes are reproducible, limits are clear."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime

import openpyxl
import pytest

from opengov.catalog import formats, xlsx
from opengov.catalog.distributions import Distributions


def _sheet(body: bytes, tmp_path) -> list[tuple]:
    path = tmp_path / "file.xlsx"
    path.write_bytes(body)
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return rows


def _as_csv_text(value: object) -> str:
    """A spreadsheet cell written the way the CSV download writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):  # spreadsheets hold UTC times without a zone
        return value.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")
    return str(value)


@pytest.mark.parametrize("dataset_id", ["procedures", "cameras"])
def test_openpyxl_reads_back_headers_rows_and_values(get, tmp_path, dataset_id):
    response, body = get(f"/datasets/{dataset_id}/download.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == xlsx.MEDIA_TYPE
    rows = _sheet(body, tmp_path)
    _, csv_body = get(f"/datasets/{dataset_id}/download.csv")
    expected = list(csv.reader(io.StringIO(csv_body.decode())))
    count = json.loads(get(f"/datasets/{dataset_id}")[1])["record_count"]
    assert len(rows) == count + 1 == len(expected)
    assert list(rows[0]) == expected[0]  # the CSV's columns, in its order
    header = expected[0]
    for got, want in zip(rows[1:], expected[1:], strict=True):
        for name, cell, text in zip(header, got, want, strict=True):
            if isinstance(cell, float) or name in ("lon", "lat"):
                assert cell == pytest.approx(float(text), abs=1e-6), name
            elif isinstance(cell, datetime):  # Excel keeps milliseconds at most
                assert _as_csv_text(cell)[:19] == text[:19], name
            else:
                assert _as_csv_text(cell) == text, (name, cell, text)


def test_cells_keep_their_types(get, tmp_path):
    rows = _sheet(get("/datasets/procedures/download.xlsx")[1], tmp_path)
    record = dict(zip(rows[0], rows[1], strict=True))
    assert isinstance(record["postal"], bool) and isinstance(record["portal_id"], int)
    assert isinstance(record["updated_at"], datetime)
    assert isinstance(json.loads(record["steps"]), list)  # lists are JSON text


def test_checksum_size_and_name_like_other_distributions(get):
    response, body = get("/datasets/procedures/download.xlsx")
    record = json.loads(get("/datasets/procedures")[1])
    dist = {d["format"]: d for d in record["distributions"]}["xlsx"]
    assert dist["sha256"] == hashlib.sha256(body).hexdigest()
    assert dist["byte_size"] == len(body) == int(response.headers["Content-Length"])
    assert (response.headers["Content-Disposition"] ==
            f"attachment; filename=quang-nam-procedures-v{record['version']}.xlsx")


def test_two_builds_are_identical_with_the_version_time_inside(loaded_app, tmp_path):
    ctx = loaded_app.extensions["opengov"]
    collection, state = ctx.registry.get("cameras"), ctx.store.repo("cameras").state()
    first = Distributions(tmp_path / "a", ctx.store).build(collection, "xlsx", state.version,
                                                           state.modified)
    second = Distributions(tmp_path / "b", ctx.store).build(collection, "xlsx", state.version,
                                                            state.modified)
    assert first.path.read_bytes() == second.path.read_bytes()
    archive = zipfile.ZipFile(first.path)
    stamp = state.modified.astimezone(UTC)
    zip_time = (*stamp.timetuple()[:5], stamp.second // 2 * 2)  # zip keeps even seconds
    assert {i.date_time for i in archive.infolist()} == {zip_time}
    core = archive.read("docProps/core.xml").decode()
    assert core.count(stamp.strftime("%Y-%m-%dT%H:%M:%SZ")) == 2  # created and modified


def test_polygons_and_oversized_tables_are_not_offered(get, loaded_app):
    response, body = get("/datasets/admin-units/download.xlsx")
    assert response.status_code == 404
    assert "tables and points only" in json.loads(body)["detail"]
    cameras = loaded_app.extensions["opengov"].registry.get("cameras")
    assert formats.unavailable(cameras, "xlsx", xlsx.MAX_RECORDS) is None
    reason = formats.unavailable(cameras, "xlsx", xlsx.MAX_RECORDS + 1)
    assert "1,048,575" in reason and "Excel" in reason  # 1,048,576 rows with the header
    assert "xlsx" not in {f.name for f in formats.offered(cameras, xlsx.MAX_RECORDS + 1)}


def test_text_that_looks_like_a_formula_stays_text(loaded_app, tmp_path):
    collection = loaded_app.extensions["opengov"].registry.get("procedures")
    columns = xlsx.csv_encoder.source_columns(collection)
    row = {c: None for c in columns}
    row.update(id="x", code="=1+1", name_vi="=HYPERLINK(\"http://evil\")",
               agency="bell\x07here")

    def batches(names):
        yield [tuple(row[c] for c in names)]

    path = tmp_path / "one.xlsx"
    assert xlsx.write(collection, batches, path, datetime(2026, 1, 1, tzinfo=UTC)) == 1
    sheet = openpyxl.load_workbook(path).worksheets[0]
    header = [c.value for c in sheet[1]]
    cells = {name: sheet.cell(row=2, column=i + 1) for i, name in enumerate(header)}
    assert cells["code"].data_type == "s" and cells["code"].value == "=1+1"
    assert cells["name_vi"].data_type == "s"
    assert cells["agency"].value == "bell\ufffdhere"  # XML 1.0 cannot carry U+0007


def test_a_cell_too_long_for_excel_stops_the_build(loaded_app, tmp_path):
    collection = loaded_app.extensions["opengov"].registry.get("procedures")
    columns = xlsx.csv_encoder.source_columns(collection)

    def batches(names):
        yield [tuple("x" * (xlsx.MAX_CELL + 1) if c == "requirements" else None
                     for c in names)]

    with pytest.raises(xlsx.XlsxLimit, match="32,767"):
        xlsx.write(collection, batches, tmp_path / "long.xlsx", datetime(2026, 1, 1, tzinfo=UTC))
    assert columns and not (tmp_path / "long.xlsx").exists()


def test_the_characters_replaced_are_those_openpyxl_refuses():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    every = "".join(map(chr, range(0x80)))
    assert xlsx.ILLEGAL_CHARACTERS_RE.findall(every) == ILLEGAL_CHARACTERS_RE.findall(every)
