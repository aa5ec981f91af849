"""Procedures: ranked Vietnamese search, filters, paging, detail and statistics."""

from __future__ import annotations

import csv
import io
import json

import pytest

from opengov.text import fold
from tests.conftest import DATASETS

RECORDS = [json.loads(line) for line in
           (DATASETS / "procedures" / "procedures.ndjson").read_text(encoding="utf-8").splitlines()
           if line.strip()]


def all_items(client, url):
    items = []
    while url:
        body = client.get(url.replace("http://localhost", "")).get_json()
        items.extend(body["items"])
        url = next((lk["href"] for lk in body["links"] if lk["rel"] == "next"), None)
    return items


@pytest.mark.parametrize("query", ["dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "Đăng ký khai sinh"])
def test_search_folds_case_and_diacritics_and_ranks_exact_name_first(client, query):
    body = client.get("/procedures", query_string={"q": query, "limit": 5}).get_json()
    assert body["items"], "no result"
    assert body["items"][0]["name"]["vi"] == "Đăng ký khai sinh"


def test_search_d_with_stroke_folds_to_d(client):
    hits = all_items(client, "/procedures?q=dat+dai&limit=1000")
    assert any("Đất đai" in h["field"]["vi"] for h in hits)
    for hit in hits:
        text = fold(" ".join([hit["code"], hit["name"]["vi"], hit["name"]["en"] or "",
                              hit["field"]["vi"], hit["field"]["en"] or "", hit["agency"]]))
        assert all(any(w.startswith(t) for w in text.split()) for t in ("dat", "dai"))


def test_search_every_word_must_match(client):
    hits = all_items(client, "/procedures?q=khai+sinh&limit=1000")
    expected = {r["code"] for r in RECORDS
                if "khai sinh" in (r["name_vi"] + " " + r["name_en"]).lower()}
    assert expected <= {h["code"] for h in hits}


@pytest.mark.parametrize("param, field, value", [
    ("level", "level", "commune"),
    ("online", "online_level", "full"),
    ("postal", "postal", True),
    ("delegated", "delegated", True),
])
def test_filters_match_the_dataset(client, param, field, value):
    arg = str(value).lower() if isinstance(value, bool) else value
    body = client.get(f"/procedures?{param}={arg}&limit=1").get_json()
    assert body["numberMatched"] == sum(r[field] == value for r in RECORDS)


def test_field_and_agency_filters(client):
    sample = RECORDS[0]
    body = client.get(f"/procedures?field={sample['field_code']}&agency={sample['agency_code']}"
                      "&limit=1").get_json()
    assert body["numberMatched"] == sum(
        r["field_code"] == sample["field_code"] and r["agency_code"] == sample["agency_code"]
        for r in RECORDS)


def test_paging_covers_every_procedure_in_code_order(client):
    items = all_items(client, "/procedures?limit=250")
    assert [i["code"] for i in items] == sorted(r["code"] for r in RECORDS)


def test_sort_by_name_descending(client):
    items = all_items(client, "/procedures?sort=-name&limit=1000")
    names = [i["name"]["vi"] for i in items]
    assert len(names) == len(RECORDS)
    assert names[0] >= names[-1]


def test_detail_is_the_full_record(client):
    record = RECORDS[10]
    body = client.get(f"/procedures/{record['code']}").get_json()
    assert body["code"] == record["code"]
    assert body["name"] == {"vi": record["name_vi"], "en": record["name_en"]}
    assert body["methods"] == record["methods"]
    assert [s["stage"] for s in body["steps"]] == ["reception", "appraisal", "approval", "return"]


def test_unknown_procedure_is_404_problem(client):
    response = client.get("/procedures/9.999999")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_stats_reproduce_the_published_counts(client):
    stats = client.get("/procedures/stats").get_json()
    assert stats["total"] == len(RECORDS)
    facets = {name: {f["value"]: f["count"] for f in rows}
              for name, rows in stats["facets"].items()}
    assert facets["postal"][True] == 1158
    assert facets["delegated"][True] == 59
    for name in ("field_code", "level", "agency_code", "online_level"):
        assert sum(facets[name].values()) == len(RECORDS)


def test_stats_take_the_same_filters(client):
    stats = client.get("/procedures/stats?level=commune").get_json()
    assert stats["total"] == sum(r["level"] == "commune" for r in RECORDS)
    assert set(v["value"] for v in stats["facets"]["level"]) == {"commune"}


def test_csv_list(client):
    response = client.get("/procedures?f=csv&limit=20")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 20
    assert json.loads(rows[0]["methods"])  # nested lists as JSON text
