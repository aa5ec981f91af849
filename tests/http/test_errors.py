"""Every error, whoever raises it, is an RFC 9457 problem with no stack trace."""

from __future__ import annotations

import marshmallow as ma
import pytest

from opengov.api import Blueprint
from opengov.bearer import require_role
from opengov.conditional import check_if_match
from opengov.errors import ApiError

PROBLEM = "application/problem+json"


def _test_blueprint():
    blp = Blueprint("errors_probe", __name__, url_prefix="/_probe")

    class Body(ma.Schema):
        name = ma.fields.String(required=True, validate=ma.validate.Length(1, 10))

    @blp.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail /etc/passwd")

    @blp.route("/ingest/<operator>", methods=["POST"])
    @require_role("ingest", scope=lambda operator: operator)
    def ingest(operator):
        return {"ok": operator}

    @blp.route("/body", methods=["POST"])
    @blp.arguments(Body)
    def body(data):
        return data

    @blp.route("/versioned", methods=["PUT"])
    def versioned():
        check_if_match('"v2"', required=True)
        return {"ok": True}

    @blp.route("/busy")
    def busy():
        raise ApiError(429, "Slow down.", headers={"Retry-After": "7"})

    return blp


@pytest.fixture
def probe(empty_app):
    empty_app.extensions["flask-smorest"]["apis"][""]["ext_obj"].register_blueprint(
        _test_blueprint())
    empty_app.config["MAX_CONTENT_LENGTH"] = 1024
    return empty_app.test_client()


def assert_problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def test_400_lists_offending_fields(probe):
    body = assert_problem(probe.get("/cameras?bbox=1,2,3&limit=0"), 400)
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"bbox", "limit"}


def test_400_unknown_parameter(probe):
    body = assert_problem(probe.get("/cameras?colour=red"), 400)
    assert body["errors"][0]["field"] == "colour"


def test_400_bad_cursor(probe):
    body = assert_problem(probe.get("/cameras?cursor=not-a-cursor"), 400)
    assert body["errors"][0]["field"] == "cursor"


def test_401_and_403_from_api_keys(probe, empty_app):
    from opengov.keys import create_key

    store = empty_app.extensions["opengov"].store
    assert_problem(probe.post("/_probe/ingest/op1"), 401)
    assert probe.post("/_probe/ingest/op1").headers["WWW-Authenticate"].startswith("Bearer")
    assert_problem(probe.post("/_probe/ingest/op1", headers={"Authorization": "Bearer nope"}),
                   401)
    _, official = create_key(store, "official")
    assert_problem(probe.post("/_probe/ingest/op1",
                              headers={"Authorization": f"Bearer {official}"}), 403)
    _, scoped = create_key(store, "ingest", scope="op1")
    auth = {"Authorization": f"Bearer {scoped}"}
    assert probe.post("/_probe/ingest/op1", headers=auth).get_json() == {"ok": "op1"}
    assert_problem(probe.post("/_probe/ingest/op2", headers=auth), 403)


def test_404_for_unknown_path_and_record(probe):
    assert_problem(probe.get("/no/such/path"), 404)
    body = assert_problem(probe.get("/cameras/cam-99999"), 404)
    assert "cam-99999" in body["detail"]


def test_405_names_allowed_methods(probe):
    response = probe.delete("/cameras")
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_406_when_nothing_acceptable(probe):
    assert_problem(probe.get("/cameras", headers={"Accept": "image/png"}), 406)


def test_412_and_428_for_conditional_writes(probe):
    assert_problem(probe.put("/_probe/versioned"), 428)
    assert_problem(probe.put("/_probe/versioned", headers={"If-Match": '"v1"'}), 412)
    assert probe.put("/_probe/versioned", headers={"If-Match": '"v2"'}).status_code == 200


def test_413_body_too_large(probe):
    assert_problem(probe.post("/_probe/body", data="x" * 5000,
                              content_type="application/json"), 413)


def test_422_and_415_for_bodies(probe):
    body = assert_problem(probe.post("/_probe/body", json={"name": ""}), 422)
    assert body["errors"][0]["field"] == "name"
    assert_problem(probe.post("/_probe/body", data="name=x",
                              content_type="application/x-www-form-urlencoded"), 415)


def test_429_carries_retry_after(probe):
    response = probe.get("/_probe/busy")
    assert_problem(response, 429)
    assert response.headers["Retry-After"] == "7"


def test_500_hides_the_exception(probe, caplog):
    response = probe.get("/_probe/boom")
    body = assert_problem(response, 500)
    assert "secret" not in response.get_data(as_text=True)
    assert "logged" in body["detail"]
    assert any("secret internal detail" in r.getMessage() or r.exc_info for r in caplog.records)
