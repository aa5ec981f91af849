"""Officials' routes: scope on photos, authentication before the body, no wildcard If-Match
(issue 14, points 11–13)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.reports.conftest import api, bearer, reports_app, tokens  # noqa: F401  (fixtures)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _report_with_photo(api, tokens) -> tuple[str, str]:  # noqa: F811
    """A pothole report (agency so-xay-dung) with one unapproved photo: (id, photo URL)."""
    response = api.post("/reports", data={
        "category": "pothole", "address": "12 Phan Chu Trinh",
        "photos": [(io.BytesIO(_png()), "a.png")]}, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_data(as_text=True)
    report_id = response.get_json()["id"]
    assert api.get(f"/reports/{report_id}").get_json()["properties"]["agency"] == "so-xay-dung"
    [photo] = api.get(f"/reports/{report_id}/photos",
                      headers=bearer(tokens["dispatcher"])).get_json()
    return report_id, photo["href"]


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def test_an_official_of_another_agency_cannot_review_photos(api, tokens):  # noqa: F811
    report_id, photo = _report_with_photo(api, tokens)
    other = bearer(tokens["other_official"])  # scoped to ubnd-xa
    listing = _problem(api.get(f"/reports/{report_id}/photos", headers=other), 403)
    assert "so-xay-dung" not in listing["detail"] and "ubnd-xa" in listing["detail"]
    assert _problem(api.get(photo, headers=other), 403)["detail"] == listing["detail"]
    # The same refusal as for a change by that key.
    etag = api.get(f"/reports/{report_id}").headers["ETag"]
    change = api.patch(photo, json={"approved": True}, headers={**other, "If-Match": etag})
    assert _problem(change, 403)["detail"] == listing["detail"]
    # Staff who may act on the report still review it.
    for role in ("official", "dispatcher", "admin"):
        assert api.get(f"/reports/{report_id}/photos",
                       headers=bearer(tokens[role])).status_code == 200
        review = api.get(photo, headers=bearer(tokens[role]))
        assert review.status_code == 200 and review.mimetype == "image/png"
    # Anonymous: still 401 on the list and 404 on the unapproved photo.
    assert api.get(f"/reports/{report_id}/photos").status_code == 401
    assert api.get(photo).status_code == 404
    # Once approved the photo is public, for that official too.
    approved = api.patch(photo, json={"approved": True},
                         headers=bearer(tokens["official"], **{"If-Match": etag}))
    assert approved.status_code == 200, approved.get_data(as_text=True)
    assert api.get(photo, headers=other).status_code == 200
    assert api.get(photo).status_code == 200


def test_a_missing_report_or_photo_stays_404_for_staff(api, tokens):  # noqa: F811
    report_id, photo = _report_with_photo(api, tokens)
    other = bearer(tokens["other_official"])
    assert api.get("/reports/20260101-0000000000/photos", headers=other).status_code == 404
    assert api.get(f"{photo}99", headers=other).status_code == 404


BAD_BODIES = [
    {"data": "{not json", "content_type": "application/json"},
    {"json": {"status": 5, "unknown": True}},
    {"json": [1, 2, 3]},
]


@pytest.mark.parametrize("body", BAD_BODIES)
@pytest.mark.parametrize("target", ["report", "photo"])
def test_a_change_without_a_key_is_401_whatever_the_body(api, tokens, body, target):  # noqa: F811
    report_id, photo = _report_with_photo(api, tokens)
    url = f"/reports/{report_id}" if target == "report" else photo
    etag = api.get(f"/reports/{report_id}").headers["ETag"]
    anonymous = api.patch(url, headers={"If-Match": etag}, **body)
    assert _problem(anonymous, 401)["status"] == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    unknown = api.patch(url, headers=bearer("og_invented", **{"If-Match": etag}), **body)
    assert _problem(unknown, 401)["status"] == 401
    wrong_role = api.patch(url, headers=bearer(tokens["app"], **{"If-Match": etag}), **body)
    assert _problem(wrong_role, 403)["status"] == 403
    # With a proper key the body is checked: 422 (or 400 for JSON that does not parse).
    staff = api.patch(url, headers=bearer(tokens["official"], **{"If-Match": etag}), **body)
    assert staff.status_code in (400, 422)


@pytest.mark.parametrize("header", ["*", " * "])
def test_if_match_star_does_not_skip_the_lost_update_check(api, tokens, header):  # noqa: F811
    report_id, photo = _report_with_photo(api, tokens)
    before = api.get(f"/reports/{report_id}")
    official = bearer(tokens["official"], **{"If-Match": header})
    status = api.patch(f"/reports/{report_id}", json={"status": "assigned"}, headers=official)
    assert "If-Match: *" in _problem(status, 428)["detail"]
    approval = api.patch(photo, json={"approved": True}, headers=official)
    assert "If-Match: *" in _problem(approval, 428)["detail"]
    after = api.get(f"/reports/{report_id}")
    assert after.headers["ETag"] == before.headers["ETag"]  # nothing changed
    assert after.get_json()["properties"]["status"] == "received"
    # The report's own ETag still works.
    ok = api.patch(f"/reports/{report_id}", json={"status": "assigned"},
                   headers=bearer(tokens["official"], **{"If-Match": before.headers["ETag"]}))
    assert ok.status_code == 200, ok.get_data(as_text=True)
