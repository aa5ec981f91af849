"""The report workflow over HTTP: submission, roles, status flow, history, ETags, stats."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.reports.conftest import bearer, change, submit

PROBLEM = "application/problem+json"


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_submission_gets_id_token_default_agency_and_target(api):
    receipt = submit(api)
    assert receipt["status"] == "received" and receipt["tracking_token"].startswith("trk_")
    feature = api.get(receipt["links"]["report"]).get_json()
    props = feature["properties"]
    assert feature["id"] == receipt["id"]
    assert props["agency"] == "so-xay-dung"  # the pothole category's default agency
    target = when(props["expected_at"]) - when(props["requested_at"])
    assert target == timedelta(hours=72)  # the pothole category's service-level target
    tracked = api.get(receipt["links"]["track"])
    assert tracked.status_code == 200
    assert tracked.get_json()["report"]["id"] == receipt["id"]
    assert tracked.headers["Cache-Control"] == "private, no-store"
    assert api.get("/reports/track/trk_not-a-token").status_code == 404


def test_full_flow_with_history(api, tokens):
    report_id = submit(api)["id"]
    official = tokens["official"]
    for status in ("assigned", "in_progress"):
        assert change(api, official, report_id, status=status).status_code == 200
    done = change(api, official, report_id, status="resolved", note="Đã vá ổ gà.")
    assert done.status_code == 200
    props = done.get_json()["properties"]
    assert props["status"] == "resolved" and props["closed_at"]
    assert props["status_note"] == "Đã vá ổ gà."
    history = api.get(f"/reports/{report_id}/history").get_json()["history"]
    assert [h["status"] for h in history] == ["received", "assigned", "in_progress", "resolved"]
    assert all(h["datetime"].endswith("Z") and h["description"] for h in history)
    again = change(api, official, report_id, status="in_progress")
    assert again.status_code == 409 and again.mimetype == PROBLEM


def test_status_flow_is_enforced(api, tokens):
    report_id = submit(api)["id"]
    skip = change(api, tokens["official"], report_id, status="resolved")
    assert skip.status_code == 409
    assert "allowed: assigned, rejected" in skip.get_json()["detail"]


def test_rejecting_needs_a_reason(api, tokens):
    report_id = submit(api)["id"]
    bare = change(api, tokens["official"], report_id, status="rejected")
    assert bare.status_code == 422 and bare.get_json()["errors"][0]["field"] == "note"
    ok = change(api, tokens["official"], report_id, status="rejected", note="Trùng phản ánh.")
    assert ok.get_json()["properties"]["status"] == "rejected"


def test_roles_and_agency_scope(api, tokens):
    report_id = submit(api)["id"]
    etag = api.get(f"/reports/{report_id}").headers["ETag"]
    anonymous = api.patch(f"/reports/{report_id}", json={"status": "assigned"},
                          headers={"If-Match": etag})
    assert anonymous.status_code == 401
    assert change(api, tokens["app"], report_id, status="assigned").status_code == 403
    other = change(api, tokens["other_official"], report_id, status="assigned")
    assert other.status_code == 403 and "so-xay-dung" not in other.get_json()["detail"]
    reassign = change(api, tokens["official"], report_id, agency="ubnd-xa")
    assert reassign.status_code == 403


def test_dispatcher_reassigns_and_the_new_agency_takes_over(api, tokens):
    report_id = submit(api)["id"]
    moved = change(api, tokens["dispatcher"], report_id, agency="ubnd-xa",
                   note="Thuộc thẩm quyền xã.")
    assert moved.status_code == 200
    props = moved.get_json()["properties"]
    assert (props["agency"], props["status"]) == ("ubnd-xa", "assigned")
    assert change(api, tokens["official"], report_id, status="in_progress").status_code == 403
    assert change(api, tokens["other_official"], report_id,
                  status="in_progress").status_code == 200
    unknown = change(api, tokens["dispatcher"], report_id, agency="no-such-agency")
    assert unknown.status_code == 422
    history = api.get(f"/reports/{report_id}/history").get_json()["history"]
    assert history[1]["type"] == "assignment" and history[1]["agency"] == "ubnd-xa"


def test_if_match_is_required_and_stale_etags_are_refused(api, tokens):
    report_id = submit(api)["id"]
    headers = bearer(tokens["official"])
    missing = api.patch(f"/reports/{report_id}", json={"status": "assigned"}, headers=headers)
    assert missing.status_code == 428 and missing.mimetype == PROBLEM
    first = api.get(f"/reports/{report_id}").headers["ETag"]
    # Two officials read the same version; the second one's change must not overwrite.
    ok = api.patch(f"/reports/{report_id}", json={"status": "assigned"},
                   headers={**headers, "If-Match": first})
    assert ok.status_code == 200 and ok.headers["ETag"] != first
    stale = api.patch(f"/reports/{report_id}", json={"note": "Đã kiểm tra."},
                      headers={**headers, "If-Match": first})
    assert stale.status_code == 412
    assert api.get(f"/reports/{report_id}").headers["ETag"] == ok.headers["ETag"]
    cached = api.get(f"/reports/{report_id}", headers={"If-None-Match": ok.headers["ETag"]})
    assert cached.status_code == 304


def test_notes_without_status_change_are_kept(api, tokens):
    report_id = submit(api)["id"]
    noted = change(api, tokens["official"], report_id, note="Đã cử người kiểm tra.")
    assert noted.status_code == 200
    entry = api.get(f"/reports/{report_id}/history").get_json()["history"][-1]
    assert (entry["type"], entry["status"]) == ("note", "received")
    assert change(api, tokens["official"], report_id).status_code == 422  # nothing to change
    assert change(api, tokens["official"], report_id, note="  ").status_code == 422


def test_a_change_to_the_current_state_is_a_conflict(api, tokens):
    report_id = submit(api)["id"]
    before = api.get(f"/reports/{report_id}/history").get_json()["history"]
    same = change(api, tokens["official"], report_id, status="received")
    assert same.status_code == 409
    assert same.get_json()["detail"].startswith("The report is already received")
    assert api.get(f"/reports/{report_id}/history").get_json()["history"] == before


def test_idempotency_key_stores_a_retry_once(api):
    body = {"category": "flooding", "address": "Ngã tư Hùng Vương – Phan Bội Châu"}
    first = api.post("/reports", json=body, headers={"Idempotency-Key": "k-1"})
    retry = api.post("/reports", json=body, headers={"Idempotency-Key": "k-1"})
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.get_json() == first.get_json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    misuse = api.post("/reports", json={**body, "address": "elsewhere"},
                      headers={"Idempotency-Key": "k-1"})
    assert misuse.status_code == 422
    assert api.get("/reports/stats").get_json()["total"] == 1


def test_list_filters_and_stats(api, tokens):
    a = submit(api)["id"]
    submit(api, category="flooding", lon=108.2, lat=16.0)
    submit(api, category="street-light", lon=None, lat=None, address="Đường 30/4")
    for status in ("assigned", "in_progress", "resolved"):
        change(api, tokens["official"], a, status=status)
    page = api.get("/reports?status=resolved").get_json()
    assert [f["id"] for f in page["features"]] == [a]
    boxed = api.get("/reports?bbox=108.4,15.5,108.5,15.6").get_json()
    assert [f["id"] for f in boxed["features"]] == [a]
    assert api.get("/reports?category=street-light").get_json()["numberMatched"] == 1
    assert api.get("/reports?agency=cong-ty-chieu-sang").get_json()["numberMatched"] == 1
    future = api.get("/reports?start_date=2999-01-01T00:00:00Z").get_json()
    assert future["numberMatched"] == 0
    assert api.get("/reports?start_date=2026-01-01T00:00:00").status_code == 400  # naive
    stats = api.get("/reports/stats").get_json()
    assert stats["total"] == 3 and stats["resolved"] == 1
    assert stats["by_status"]["resolved"] == 1 and stats["by_status"]["received"] == 2
    assert stats["by_category"] == {"flooding": 1, "pothole": 1, "street-light": 1}
    assert stats["share_resolved_within_target"] == 1.0
    assert 0 <= stats["median_hours_to_resolve"] < 1
    assert api.get("/reports/stats?agency=ubnd-xa").get_json()["total"] == 0
