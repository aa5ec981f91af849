"""Requests the fuzzer (tests/hostile/test_fuzz.py) once answered with a 500, now a clear 4xx."""

from __future__ import annotations

import pytest

from opengov.keys import create_key
from tests.reports.conftest import bearer, build_app

PROBLEM = "application/problem+json"


@pytest.fixture
def reports_app(backend, postgres, tmp_path):
    app = build_app(backend, postgres, tmp_path)
    yield app
    app.extensions["opengov"].store.engine.dispose()


@pytest.mark.parametrize("photo_id", ["2147483648", "281474976710656", "99999999999999999999999"])
def test_a_photo_id_beyond_the_column_is_404_not_500(reports_app, photo_id):
    """PostgreSQL's photo id is a 32-bit integer: a larger id used to fail in the database."""
    api = reports_app.test_client()
    report = api.post("/reports", json={"category": "pothole", "description": "Ổ gà",
                                        "lon": 108.4745, "lat": 15.5733}).get_json()["id"]
    admin = create_key(reports_app.extensions["opengov"].store, "admin")[1]
    etag = api.get(f"/reports/{report}").headers["ETag"]
    url = f"/reports/{report}/photos/{photo_id}"
    for response in (api.get(url), api.get(url, headers=bearer(admin)),
                     api.patch(url, json={"approved": True},
                               headers=bearer(admin, **{"If-Match": etag}))):
        assert response.status_code == 404, response.get_data(as_text=True)
        assert response.mimetype == PROBLEM


def test_a_multipart_field_whose_name_cannot_be_read_is_422_not_500(reports_app):
    """A part named with a CR in it reaches the form without a name (werkzeug gives None)."""
    boundary = "b0undary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="a\rb"\r\n\r\n{{}}\r\n'
            f"--{boundary}--\r\n").encode()
    response = reports_app.test_client().post(
        "/reports", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
