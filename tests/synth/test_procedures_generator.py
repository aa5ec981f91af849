"""The synthetic procedure (TTHC) generator: determinism, published counts, record invariants."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from opengov.synth import procedure_catalogue, procedure_records, procedure_vocab, procedures

REPO = Path(__file__).resolve().parents[2]
DATASET = REPO / "datasets" / "procedures"

KEYS = {
    "code", "name_vi", "name_en", "field_code", "field_vi", "field_en", "level", "legacy",
    "agency", "agency_code", "online_level", "postal", "delegated", "procedure_type",
    "decision_no", "target_groups", "methods", "cases", "steps", "requirements",
    "legal_basis", "results", "portal_id", "updated_at",
}
STAGES = [("reception", "Tiếp nhận hồ sơ"), ("appraisal", "Thẩm định"),
          ("approval", "Phê duyệt"), ("return", "Trả kết quả")]
PERSONAL_KEYS = {"full_name", "first_name", "last_name", "phone", "email", "address",
                 "birth_date", "date_of_birth", "id_number", "cccd", "cmnd", "applicant",
                 "citizen_id", "device_id", "account_id"}
UNITS = {"working_day", "day", "month", "hour"}
FEE_TYPES = {"fee", "charge", "none"}
TARGETS = {"citizen", "organisation", "enterprise", "foreigner", "public_agency"}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return procedures.generate_procedures()


def _keys(value):
    """Every dict key in a nested JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def test_generation_is_deterministic(records):
    again = procedures.generate_procedures()
    assert json.dumps(again, ensure_ascii=False) == json.dumps(records, ensure_ascii=False)
    other = procedures.generate_procedures(seed=procedures.DEFAULT_SEED + 1)
    assert [r["name_vi"] for r in other] != [r["name_vi"] for r in records]


def test_written_file_is_byte_identical_compact_ndjson_sorted_by_code(tmp_path):
    first = procedures.write_procedures(tmp_path / "a").read_bytes()
    second = procedures.write_procedures(tmp_path / "b").read_bytes()
    assert first == second
    lines = first.decode("utf-8").splitlines()
    assert len(lines) == procedures.DEFAULT_COUNT
    rows = [json.loads(line) for line in lines]
    assert [r["code"] for r in rows] == sorted(r["code"] for r in rows)
    for line, row in zip(lines, rows, strict=True):
        assert line == json.dumps(row, ensure_ascii=False, separators=(",", ":"))
    assert "Đăng ký khai sinh" in first.decode("utf-8")  # not \\u-escaped


def test_committed_dataset_is_what_the_generator_writes(tmp_path):
    committed = DATASET / "procedures.ndjson"
    assert committed.exists(), "run `python -m opengov.synth.procedures`"
    fresh = procedures.write_procedures(tmp_path).read_bytes()
    assert committed.read_bytes() == fresh, "run `python -m opengov.synth.procedures`"


def test_counts_reproduce_the_published_figures(records):
    assert len(records) >= 1500
    assert sum(r["postal"] for r in records) == procedures.PUBLISHED_POSTAL == 1158
    assert sum(r["delegated"] for r in records) == procedures.PUBLISHED_DELEGATED == 59


@pytest.mark.parametrize("count", [1, 40, 800, 1500, 1700])
def test_counts_scale_with_the_record_count(count):
    rows = procedures.generate_procedures(count)
    assert len(rows) == count
    assert sum(r["postal"] for r in rows) == (1158 * count * 2 + 1600) // 3200
    assert sum(r["delegated"] for r in rows) == (59 * count * 2 + 1600) // 3200


def test_counts_beyond_the_vocabulary_are_refused():
    with pytest.raises(ValueError):
        procedures.generate_procedures(5000)
    with pytest.raises(ValueError):
        procedures.generate_procedures(0)


def test_codes_are_national_format_and_unique(records):
    codes = [r["code"] for r in records]
    assert all(re.fullmatch(r"[123]\.\d{6}", c) for c in codes)
    assert len(set(codes)) == len(codes)
    well_known = {r["name_vi"]: r["code"] for r in records if not r["code"][2:].startswith("9")}
    assert well_known["Đăng ký khai sinh"] == "1.001193"
    assert well_known["Đăng ký kết hôn"] == "1.000894"


def test_names_and_portal_ids_are_unique(records):
    names = [r["name_vi"] for r in records]
    assert len(set(names)) == len(names)
    ids = [r["portal_id"] for r in records]
    assert all(isinstance(i, int) and i > 0 for i in ids) and len(set(ids)) == len(ids)
    for name in ("Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký khai tử",
                 "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Đăng ký thành lập hộ kinh doanh"):
        assert name in names


def test_record_shape_and_no_personal_data(records):
    for rec in records:
        assert set(rec) == KEYS
        assert not PERSONAL_KEYS & set(_keys(rec))
        text = json.dumps(rec, ensure_ascii=False)
        assert "@" not in text and not re.search(r"\b0\d{9}\b", text)  # no e-mail or phone


def test_levels_agencies_and_legacy_flag(records):
    shares = Counter(r["level"] for r in records)
    assert set(shares) == {"province", "commune", "district_legacy"}
    assert 0.55 <= shares["province"] / len(records) <= 0.65
    assert 0.25 <= shares["commune"] / len(records) <= 0.35
    assert 0.08 <= shares["district_legacy"] / len(records) <= 0.12
    for rec in records:
        assert rec["legacy"] == (rec["level"] == "district_legacy")
        assert procedure_vocab.AGENCIES[rec["agency_code"]] == rec["agency"]
        if rec["level"] == "commune":
            assert rec["agency_code"] == "ubnd-cap-xa"
        if rec["legacy"]:
            assert rec["agency_code"] == "ubnd-cap-huyen"
            assert rec["updated_at"] < "2025-07-01"
        if rec["delegated"]:
            assert rec["level"] == "province" and rec["procedure_type"] == "standard"
        assert re.fullmatch(r"\d+/QĐ-UBND", rec["decision_no"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", rec["updated_at"])
        assert rec["updated_at"] < "2025-10-01"
        assert rec["target_groups"] and set(rec["target_groups"]) <= TARGETS


def test_fields_are_many_and_named(records):
    fields = {(r["field_code"], r["field_vi"], r["field_en"]) for r in records}
    assert len({f[0] for f in fields}) == len(fields) >= 30
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", f[0]) for f in fields)


def test_methods_match_postal_and_online_level(records):
    assert {r["online_level"] for r in records} == {"full", "partial", "none"}
    for rec in records:
        kinds = [m["method"] for m in rec["methods"]]
        assert kinds[0] == "direct" and len(set(kinds)) == len(kinds)
        assert ("postal" in kinds) == rec["postal"]
        assert ("online" in kinds) == (rec["online_level"] != "none")
        for method in rec["methods"]:
            assert method["processing_time"] > 0 and method["processing_time_unit"] in UNITS
            assert method["fees"] and method["description_vi"]
            for fee in method["fees"]:
                assert fee["type"] in FEE_TYPES and fee["description_vi"]
                if fee["type"] == "none":
                    assert fee["amount_vnd"] is None
                else:
                    assert isinstance(fee["amount_vnd"], int) and fee["amount_vnd"] >= 0
        if rec["procedure_type"] == "internal":
            assert not rec["postal"] and rec["target_groups"] == ["public_agency"]


def test_well_known_procedures_are_realistic(records):
    by_name = {r["name_vi"]: r for r in records}
    birth = by_name["Đăng ký khai sinh"]
    assert birth["level"] == "commune" and birth["online_level"] == "full"
    for method in birth["methods"]:
        assert (method["processing_time"], method["processing_time_unit"]) == (1, "working_day")
        assert [f["type"] for f in method["fees"]] == ["none"]
    land = [r for r in records if r["field_code"] == "dat-dai"]
    assert all(10 <= m["processing_time"] <= 30 for r in land for m in r["methods"])


def test_four_steps_in_order(records):
    for rec in records:
        assert [(s["stage"], s["name_vi"]) for s in rec["steps"]] == STAGES
        assert all(s["description_vi"] for s in rec["steps"])


def test_cases_documents_results_and_legal_basis(records):
    assert any(len(r["cases"]) > 1 for r in records)
    for rec in records:
        assert rec["cases"]
        for case in rec["cases"]:
            assert case["name_vi"] and case["documents"]
            for doc in case["documents"]:
                assert set(doc) == {"name_vi", "original_qty", "copy_qty", "electronic_form",
                                    "is_result"}
                assert doc["original_qty"] + doc["copy_qty"] >= 1 and doc["is_result"] is False
        assert rec["results"] and all(r["name_vi"] for r in rec["results"])
        assert rec["legal_basis"]
        for law in rec["legal_basis"]:
            assert re.fullmatch(r"\d+/\d{4}/[A-ZĐ0-9-]+", law["code"]) and law["name_vi"]
        assert rec["requirements"] is None or rec["requirements"].strip()


def test_vocabulary_is_consistent():
    cat = procedures._catalogue()
    law_names = procedure_records._LAW_NAMES
    for field in cat.fields.values():
        assert field["agency"] in procedure_vocab.AGENCIES
        assert field["laws"] and all(code in law_names for code in field["laws"])
        assert 0 < field["tmin"] <= field["tmax"]
    assert all(set(c["levels"]) <= set("PCD") and c["levels"] for c in cat.candidates)
    assert "{" not in "".join(c["name_vi"] + c["name_en"] + c["result"] for c in cat.candidates)
    for module in (procedures, procedure_vocab, procedure_catalogue, procedure_records):
        assert len(Path(module.__file__).read_text(encoding="utf-8").splitlines()) < 400


def test_metadata_describes_a_synthetic_sample():
    meta = yaml.safe_load((DATASET / "metadata.yaml").read_text(encoding="utf-8"))
    assert meta["id"] == "procedures" and meta["synthetic"] is True
    assert "mẫu" in meta["title"]["vi"] and "sample" in meta["title"]["en"].lower()
    assert "1.158" in meta["description"]["vi"] and "1,158" in meta["description"]["en"]
    assert "59" in meta["description"]["vi"] and "59" in meta["description"]["en"]
    assert meta["publisher"]["name"] == "opengov sample data"
    assert meta["contact_point"]["email"].endswith(".invalid")
    generator = meta["generator"]
    assert generator["module"] == "opengov.synth.procedures"
    assert (generator["seed"], generator["count"]) == (procedures.DEFAULT_SEED,
                                                       procedures.DEFAULT_COUNT)
