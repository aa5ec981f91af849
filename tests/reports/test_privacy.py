"""Reporters' personal data never reaches a public response, and is erased after closing."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

from click.testing import CliRunner
from PIL import Image
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from opengov.reports.privacy import erase_expired
from opengov.store.types import utcnow
from tests.conftest import DATASETS
from tests.reports.conftest import bearer, change

SECRETS = {"name": "Zyxwvu Privatename", "email": "zyx.private@example.invalid",
           "phone": "+84 905 777 313", "device_id": "device-ZQ9-secret"}


def _submit_with_contacts(api):
    body = {"category": "pothole", "description": "Ổ gà", "lon": 108.47, "lat": 15.57,
            "contact": {k: SECRETS[k] for k in ("name", "email", "phone")},
            "device_id": SECRETS["device_id"]}
    native = api.post("/reports", json=body).get_json()
    return native


def _open311_submit(api, app_token):
    response = api.post("/open311/v2/requests.json", data={
        "api_key": app_token, "service_code": "flooding", "lat": "15.6", "long": "108.4",
        "first_name": "Zyxwvu", "last_name": "Privatename", "email": SECRETS["email"],
        "phone": SECRETS["phone"], "device_id": SECRETS["device_id"],
        "account_id": "acct-ZQ9-secret", "description": "Ngập sâu"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()[0]["service_request_id"]


def test_no_public_endpoint_reveals_contacts_or_tokens(api, tokens, caplog):
    caplog.set_level(logging.DEBUG)
    receipt = _submit_with_contacts(api)
    token, report_id = receipt["tracking_token"], receipt["id"]
    other_id = _open311_submit(api, tokens["app"])
    change(api, tokens["official"], report_id, status="assigned")
    secrets = [*SECRETS.values(), "acct-ZQ9-secret", "Zyxwvu", token]
    public = [
        "/reports", "/reports?f=csv", f"/reports/{report_id}", f"/reports/{report_id}/history",
        f"/reports/{other_id}", "/reports/stats", "/open311/v2/services.json",
        "/open311/v2/services/pothole.json", "/open311/v2/requests.json",
        f"/open311/v2/requests/{report_id}.json", f"/open311/v2/requests/{other_id}.json",
        f"/open311/v2/requests.json?service_request_id={report_id},{other_id}",
        "/open311/v2/requests.xml", f"/open311/v2/requests/{other_id}.xml",
        f"/open311/v2/requests/{report_id}.xml", "/open311/v2/services.xml",
        "/reports/no-such-report", "/open311/v2/requests/nope.json", "/openapi.json",
        "/", "/health",
    ]
    for path in public:
        response = api.get(path)
        assert response.status_code < 500, path
        text = response.get_data(as_text=True)
        for secret in secrets:
            assert secret not in text, f"{secret!r} leaked by {path}"
    # The tracking page shows the report, never the contacts.
    tracked = api.get(f"/reports/track/{token}").get_data(as_text=True)
    assert all(s not in tracked for s in SECRETS.values())
    # Errors caused by bad contact data do not echo it either.
    bad = api.post("/reports", json={"category": "pothole", "address": "x",
                                     "contact": {"email": "not-an-email " + SECRETS["name"]}})
    assert bad.status_code == 422 and SECRETS["name"] not in bad.get_data(as_text=True)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert all(s not in logged for s in secrets)


def test_contacts_are_erased_after_the_retention_period(reports_app, api, tokens):
    store = reports_app.extensions["opengov"].store
    report_id = _submit_with_contacts(api)["id"]
    open_id = _submit_with_contacts(api)["id"]
    change(api, tokens["official"], report_id, status="rejected", note="Trùng.")
    private = store.table("report_private")

    def contacts(rid):
        with store.engine.connect() as conn:
            return conn.execute(select(private.c.name, private.c.email, private.c.phone,
                                       private.c.device_id).where(
                private.c.report_id == rid)).one()

    assert erase_expired(store, retention_days=30, idempotency_hours=24) == 0
    assert contacts(report_id) == tuple(SECRETS[k] for k in ("name", "email", "phone",
                                                             "device_id"))
    later = utcnow() + timedelta(days=31)
    assert erase_expired(store, retention_days=30, idempotency_hours=24, now=later) == 1
    assert contacts(report_id) == (None, None, None, None)
    assert contacts(open_id)[0] == SECRETS["name"]  # still open: kept


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam Maker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (15.0, 34.0, 12.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_photos_are_private_until_approved_and_served_without_exif(api, tokens):
    original = _jpeg_with_gps()
    assert b"SecretCam" in original
    response = api.post("/reports", data={
        "category": "illegal-dumping", "address": "Bãi đất trống", "name": SECRETS["name"],
        "photos": [(io.BytesIO(original), "a.jpg"), (io.BytesIO(original), "b.jpg")]},
        content_type="multipart/form-data")
    assert response.status_code == 201, response.get_data(as_text=True)
    report_id = response.get_json()["id"]
    # Reviewed by a dispatcher: the official key is scoped to another agency (403 there).
    review = api.get(f"/reports/{report_id}/photos", headers=bearer(tokens["dispatcher"]))
    assert [p["approved"] for p in review.get_json()] == [False, False]
    first, second = (p["href"] for p in review.get_json())
    assert api.get(first).status_code == 404  # not public yet
    staff_copy = api.get(first, headers=bearer(tokens["dispatcher"]))
    assert staff_copy.status_code == 200 and staff_copy.headers["Cache-Control"] == \
        "private, no-store"
    assert api.get(f"/reports/{report_id}/photos").status_code == 401
    assert api.get(f"/reports/{report_id}").get_json()["properties"]["photos"] == []
    etag = api.get(f"/reports/{report_id}").headers["ETag"]
    approved = api.patch(first, json={"approved": True},
                         headers=bearer(tokens["dispatcher"], **{"If-Match": etag}))
    assert approved.status_code == 200, approved.get_data(as_text=True)
    assert approved.get_json()["properties"]["photos"] == [first]
    photo = api.get(first)
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert b"SecretCam" not in photo.data and b"Exif" not in photo.data
    served = Image.open(io.BytesIO(photo.data))
    assert served.size == (64, 48) and not served.getexif()
    assert api.get(second).status_code == 404  # not approved


def test_photo_checks(api):
    def post(files):
        return api.post("/reports", data={"category": "pothole", "address": "x",
                                          "photos": files}, content_type="multipart/form-data")

    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    wrong_type = post([(io.BytesIO(gif.getvalue()), "a.gif")])
    assert wrong_type.status_code == 415 and wrong_type.mimetype == "application/problem+json"
    not_image = post([(io.BytesIO(b"<html>hello</html>"), "a.jpg")])
    assert not_image.status_code == 415
    # Encoded in memory: the test client would spool a body this large to an unclosed file.
    boundary, body = encode_multipart(MultiDict([
        ("category", "pothole"), ("address", "x"),
        ("photos", FileStorage(io.BytesIO(b"\xff\xd8" + b"0" * (5 * 1024 * 1024)), "b.jpg"))]))
    big = api.post("/reports", data=body,
                   content_type=f"multipart/form-data; boundary={boundary}")
    assert big.status_code == 413
    many = post([(io.BytesIO(_jpeg_with_gps()), f"{i}.jpg") for i in range(6)])
    assert many.status_code == 422 and many.get_json()["errors"][0]["field"] == "photos"
    assert api.get("/reports/stats").get_json()["total"] == 0  # nothing partial was stored


def test_erase_contacts_command(reports_app, api, tokens, tmp_path):
    """``opengov reports erase-contacts`` on the app's real database, dry run first."""
    from opengov.cli import main
    store = reports_app.extensions["opengov"].store
    closed_id = _submit_with_contacts(api)["id"]
    open_id = _submit_with_contacts(api)["id"]
    change(api, tokens["official"], closed_id, status="rejected", note="Trùng.")
    private = store.table("report_private")
    with store.engine.begin() as conn:  # closed 31 days ago: past the 30-day retention
        conn.execute(update(private).where(private.c.report_id == closed_id)
                     .values(closed_at=utcnow() - timedelta(days=31)))

    def run(*args):
        url = reports_app.extensions["opengov"].settings.database_url
        env = {"OPENGOV_INSTANCE_PATH": str(tmp_path), "OPENGOV_DATASETS_PATH": str(DATASETS)}
        result = CliRunner().invoke(main, ["--database-url", url, "reports", "erase-contacts",
                                           *args], env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout  # stderr names the database

    def name_of(report_id):
        with store.engine.connect() as conn:
            return conn.execute(select(private.c.name).where(
                private.c.report_id == report_id)).scalar_one()

    assert run("--dry-run").startswith("1 report(s) have contact details due for erasure")
    assert name_of(closed_id) == SECRETS["name"]  # a dry run erases nothing
    assert run().startswith("erased contact details of 1 report(s)")
    assert name_of(closed_id) is None and name_of(open_id) == SECRETS["name"]
    assert run().startswith("erased contact details of 0 report(s)")
    assert api.get(f"/reports/{closed_id}").status_code == 200  # the public report stays
