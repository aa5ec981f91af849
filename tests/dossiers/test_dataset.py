"""The dossier statistics by month as an open dataset: catalogued (DCAT, CKAN) with checksums,
read back through its schema, equal to /dossiers/stats, and never a cell under five.

One database per backend holds the small sample's two years of synthetic dossiers (loaded as
``opengov load`` does: the procedures, then the dossiers capability's sample loader, then the
catalogue's build of the download files and the monthly extracts)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re

import pandas as pd
import pytest

from opengov.dossiers.dataset import DATASET_ID, publish
from opengov.dossiers.sample import END, load_sample_dossiers
from opengov.dossiers.stats import THRESHOLD
from opengov.loader import load_all
from opengov.store.migrate import upgrade
from tests.conftest import DATASETS, make_app, new_database_url

FIGURES = ("received", "resolved", "resolved_on_time", "resolved_late", "withdrawn",
           "in_progress", "share_on_time", "share_online", "share_postal", "days_median",
           "days_p90", "statutory_days_median")


@pytest.fixture(scope="module")
def published(backend, postgres, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"dossier-dataset-{backend}")
    app = make_app(new_database_url(backend, postgres, tmp), tmp)
    store = app.extensions["opengov"].store
    upgrade(store.engine)
    load_all(store, DATASETS, only=["procedures"])
    with app.app_context():
        results = load_sample_dossiers(store, "small")
    app.extensions["opengov"].capabilities.after_load(app, [r.collection for r in results])
    yield app
    store.engine.dispose()


@pytest.fixture
def web(published):
    return published.test_client()


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _get(web, path: str) -> bytes:
    with web.get(path) as response:
        assert response.status_code == 200, path
        return response.get_data()


def _rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def _final_months(web) -> list[str]:
    """The months of receipt from the first up to the first with a published cell still
    counting dossiers in progress (per the API)."""
    cells = web.get("/dossiers/stats?by=month,agency,procedure").get_json()["cells"]
    final = []
    for month in sorted({c["month"] for c in cells}):
        if any(c["month"] == month and not c["suppressed"] and c["in_progress"] for c in cells):
            break
        final.append(month)
    return final


def test_only_months_whose_figures_are_final_get_an_extract(web):
    final = _final_months(web)
    assert final[0] == "2024-12" and 18 <= len(final) < 24  # the last months are still open
    late = f"{int(final[-1][:4]) + int(final[-1][5:]) // 12}-{int(final[-1][5:]) % 12 + 1:02d}"
    response = web.get(f"/datasets/{DATASET_ID}/extracts/{late}.csv")
    assert response.status_code == 404
    assert f"span {final[0]} to {final[-1]}" in response.get_json()["detail"]
    listed = web.get(f"/datasets/{DATASET_ID}/versions").get_json()["extracts"]
    assert [e["period"] for e in listed] == final[::-1]


def test_ckan_lists_every_file_with_its_size_and_hash_before_any_download(web):
    package = web.get(f"/api/3/action/package_show?id={DATASET_ID}").get_json()["result"]
    extras = {e["key"]: e["value"] for e in package["extras"]}
    assert extras["synthetic"] == "true" and extras["update_frequency"] == "monthly"
    assert package["license_id"] == "CC-BY-4.0" and package["title"].startswith("Dossier")
    assert extras["title_vi"].startswith("Thống kê giải quyết hồ sơ")
    months = [r["id"] for r in package["resources"] if re.search(r"\.\d{4}-\d\d\.csv$", r["id"])]
    assert sorted(months) == [f"{DATASET_ID}.{m}.csv" for m in _final_months(web)]
    for resource in package["resources"]:
        assert resource["size"] and resource["hash"].startswith("sha256:"), resource["id"]
    for resource_id in (f"{DATASET_ID}.csv", f"{DATASET_ID}.2025-06.csv"):
        shown = web.get(f"/api/3/action/resource_show?id={resource_id}").get_json()["result"]
        body = _get(web, _path(shown["url"]))
        assert len(body) == shown["size"]
        assert hashlib.sha256(body).hexdigest() == shown["hash"].removeprefix("sha256:")
    assert shown["datastore_active"] is False  # an extract; the current CSV is in the store
    found = web.get("/api/3/action/datastore_search", query_string={
        "resource_id": f"{DATASET_ID}.csv", "filters": json.dumps({"procedure": "2.000806"}),
        "limit": 1000}).get_json()["result"]
    assert found["total"] and {r["procedure"] for r in found["records"]} == {"2.000806"}


def test_dcat_describes_the_dataset_and_its_monthly_extracts(web):
    catalog = web.get("/catalog.jsonld").get_json()
    node = next(n for n in catalog["dcat:dataset"] if n["dct:identifier"].endswith(DATASET_ID))
    assert node["dct:accrualPeriodicity"]["@id"].endswith("/MONTHLY")
    assert node["og:synthetic"] is True
    assert {t["@language"] for t in node["dct:title"]} == {"vi", "en"}
    extracts = [d for d in node["dcat:distribution"] if "dct:temporal" in d]
    assert len(extracts) == len(_final_months(web))
    assert all(d["spdx:checksum"]["spdx:checksumValue"]["@value"] for d in extracts)


def test_csv_reads_back_through_its_schema_with_codes_intact(web):
    body = _get(web, f"/datasets/{DATASET_ID}/download.csv")
    columns = web.get(f"/datasets/{DATASET_ID}/download.csv-metadata.json").get_json()[
        "tableSchema"]["columns"]
    types = {c["name"]: c["datatype"] for c in columns}
    assert types["procedure"] == types["month"] == types["agency"] == "string"
    assert types["received"] == "integer" and types["share_on_time"] == "number"
    pandas = {"integer": "Int64", "number": "float64", "boolean": "boolean"}
    frame = pd.read_csv(io.BytesIO(body), keep_default_na=False, na_values=[""],
                        dtype={n: pandas.get(t, "string") for n, t in types.items()
                               if t != "datetime"}, parse_dates=["period_start"])
    raw = _rows(body)
    assert list(frame["procedure"]) == [r["procedure"] for r in raw]  # "1.000894" stays text
    assert any(code.endswith("0") for code in frame["procedure"])
    assert set(frame["month"]) == {r["month"] for r in raw}
    assert frame["received"].dropna().min() >= THRESHOLD
    schema = web.get(f"/datasets/{DATASET_ID}/datapackage.json").get_json()
    resource = next(r for r in schema["resources"] if r["path"].endswith(".csv"))
    fields = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
    assert fields["procedure"] == "string" and fields["received"] == "integer"


def test_published_cells_are_the_api_cells(web):
    rows = _rows(_get(web, f"/datasets/{DATASET_ID}/download.csv"))
    cells = web.get("/dossiers/stats?by=month,agency,procedure").get_json()["cells"]
    api = {(c["month"], c["agency"], c["procedure"]): c for c in cells}
    assert len(rows) == len(api)
    for row in rows:
        cell = api[(row["month"], row["agency"], row["procedure"])]
        assert (row["suppressed"] == "true") == cell["suppressed"]
        for name in FIGURES:
            expected = cell.get(name)
            assert row[name] == ("" if expected is None else str(expected)), (row["id"], name)
    # the sums of the published figures are the API's, month by month
    for month in sorted({r["month"] for r in rows})[:3]:
        shown = [r for r in rows if r["month"] == month and r["suppressed"] == "false"]
        assert sum(int(r["received"]) for r in shown) == sum(
            c["received"] for c in cells if c["month"] == month and not c["suppressed"])


def test_no_cell_under_five_and_no_dossier_is_published(web):
    package = web.get(f"/api/3/action/package_show?id={DATASET_ID}").get_json()["result"]
    paths = [_path(r["url"]) for r in package["resources"] if r["format"] == "CSV"]
    suppressed = published_cells = 0
    for path in paths:
        body = _get(web, path)
        header = body.split(b"\r\n", 1)[0].decode()
        assert not {"code", "pin", "pin_sha256", "postal_code", "commune"} & set(
            header.split(",")), header
        for row in _rows(body):
            if row["suppressed"] == "true":
                suppressed += 1
                assert all(row[name] == "" for name in FIGURES), row
            else:
                published_cells += 1
                assert int(row["received"]) >= THRESHOLD, row
    assert suppressed and published_cells  # both kinds occur in the sample


def test_republishing_unchanged_figures_keeps_the_version(published):
    store = published.extensions["opengov"].store
    before = store.repo(DATASET_ID).state().version
    result = publish(store, END)
    assert result.version == before and not result.touched


def test_publishing_from_a_second_host_while_one_publishes_waits_its_turn(published, tmp_path):
    from click.testing import CliRunner

    from opengov.cli import main
    from opengov.gateway import lease

    store = published.extensions["opengov"].store
    url = store.engine.url.render_as_string(hide_password=False)
    env = {"OPENGOV_DATABASE_URL": url, "OPENGOV_INSTANCE_PATH": str(tmp_path),
           "OPENGOV_ACCESS_LOG": "off"}
    assert lease.acquire(store, "task:dossiers-publish", "host-a:1:publishing", ttl=60)
    try:
        busy = CliRunner().invoke(main, ["dossiers", "publish", "--no-build"], env=env)
        assert busy.exit_code == 0 and "busy: another host" in busy.output, busy.output
    finally:
        lease.release(store, "task:dossiers-publish", "host-a:1:publishing")
    done = CliRunner().invoke(main, ["dossiers", "publish", "--no-build"], env=env)
    assert done.exit_code == 0, done.output
    assert f"{DATASET_ID}: 0 new, 0 changed, 0 removed" in done.output


def test_a_deployment_publishes_under_its_own_publisher(published, tmp_path):
    store = published.extensions["opengov"].store
    own = make_app(str(store.engine.url.render_as_string(hide_password=False)), tmp_path,
                   datasets_path=tmp_path, publisher="Sở Nội vụ", contact_email="a@b.vn")
    body = own.test_client().get(f"/datasets/{DATASET_ID}").get_json()
    assert body["publisher"] == {"name": "Sở Nội vụ"}
    assert body["update_frequency"] == "monthly" and body["synthetic"] is False
    assert body["title"]["en"] == "Dossier statistics by month"
    own.extensions["opengov"].store.engine.dispose()


def test_the_bundled_sample_holds_two_years_of_dossiers(client):
    months = client.get("/dossiers/stats?by=month").get_json()["cells"]
    assert [c["month"] for c in months][:1] == ["2024-12"]
    assert [c["month"] for c in months][-1] == "2026-11" and len(months) == 24
    assert all(not c["suppressed"] and c["received"] >= THRESHOLD for c in months)
    page = client.get("/dashboard?lang=en").get_data(as_text=True)
    assert "No figures yet" not in page and "<rect" in page
    meta = client.get(f"/datasets/{DATASET_ID}").get_json()
    assert meta["synthetic"] is True and "sample" in meta["title"]["en"]
    assert meta["record_count"] > 0
