"""Every operation of the OpenAPI document, built-in or declared, states what a generated
client needs: a unique readable ``operationId``, its ``security``, the 4xx answers it can give
(in its API family's error format) and an example of its answer."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from opengov.app import create_app
from opengov.cli import main
from opengov.openapi_doc import operation_id, render_openapi
from tests.conftest import REPO
from tests.declare import files

COMMITTED = REPO / "openapi" / "openapi.json"
PROBLEM_REF = re.compile(r"^#/components/responses/[A-Z_]+$")
FAMILY_PREFIXES = ("/open311", "/api/")


def operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method != "parameters":
                yield path, method, op, item.get("parameters", [])


@pytest.fixture(scope="module")
def declared_spec(tmp_path_factory) -> dict:
    """The document of a project with a declared spatial and a declared table collection."""
    tmp = tmp_path_factory.mktemp("declared")
    env = {"OPENGOV_DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
           "OPENGOV_DATASETS_PATH": str(tmp / "datasets"),
           "OPENGOV_INSTANCE_PATH": str(tmp / "instance")}
    (tmp / "datasets").mkdir()
    inputs = tmp / "in"
    inputs.mkdir()
    for args in ([str(files.bus_stops(inputs)), "--id", "bus-stops"],
                 [str(files.schools_csv(inputs)), "--id", "schools"]):
        result = CliRunner().invoke(main, ["add", *args], env=env)
        assert result.exit_code == 0, result.output
    app = create_app({"database_url": env["OPENGOV_DATABASE_URL"], "instance_path": tmp,
                      "datasets_path": tmp / "datasets"})
    return json.loads(render_openapi(app))


@pytest.fixture(scope="module", params=["built-in", "declared"])
def spec(request, declared_spec) -> dict:
    if request.param == "declared":
        assert {"/bus-stops", "/bus-stops/{item_id}", "/schools",
                "/ogc/collections/bus-stops/items"} <= set(declared_spec["paths"])
        return declared_spec
    return json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_operation_ids_are_unique_and_readable(spec):
    ids = [op.get("operationId") for *_, op, _ in operations(spec)]
    assert all(ids), "an operation has no operationId"
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for name in ids:
        assert re.fullmatch(r"[a-z][A-Za-z0-9]*", name), name


def test_every_operation_states_its_security(spec):
    schemes = set(spec["components"]["securitySchemes"])
    for path, method, op, _ in operations(spec):
        assert "security" in op, f"{method} {path}"
        for requirement in op["security"]:
            assert set(requirement) <= schemes, f"{method} {path}: {requirement}"
        if op["security"] and all(op["security"]):  # a required key: what a missing or
            # weak one gets
            assert {"401", "403"} <= set(op["responses"]), f"{method} {path}"


def _error_content(spec: dict, response: dict) -> dict:
    if "$ref" in response:
        assert PROBLEM_REF.match(response["$ref"]), response
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]


def test_every_operation_documents_its_4xx_in_its_family_format(spec):
    for path, method, op, path_params in operations(spec):
        where = f"{method.upper()} {path}"
        errors = {code: r for code, r in op["responses"].items() if code.startswith("4")}
        assert errors, f"{where}: no 4xx"
        params = op.get("parameters", []) + path_params
        if any(p["in"] == "path" for p in params):
            assert "404" in errors, f"{where}: takes an id, no 404"
        if any(p["in"] == "query" for p in params):
            assert "400" in errors, f"{where}: takes query arguments, no 400"
        if "requestBody" in op:
            assert {"413", "415", "422"} <= set(errors) or "400" in errors, where
        family = path.startswith(FAMILY_PREFIXES)
        for code, response in [*errors.items(), ("default", op["responses"]["default"])]:
            content = _error_content(spec, response)
            if family:
                assert "application/problem+json" not in content, f"{where} {code}"
            else:
                assert list(content) == ["application/problem+json"], f"{where} {code}"


def test_every_operation_has_an_example(spec):
    for path, method, op, _ in operations(spec):
        contents = [c for code, r in op["responses"].items() if code.startswith("2")
                    for c in r.get("content", {}).values()]
        assert any("example" in c or "examples" in c or "example" in c.get("schema", {})
                   for c in contents), f"{method.upper()} {path}: no example"


def test_the_document_names_its_server(spec):
    assert spec["servers"] == [{"url": "/", "description": "This server"}]


@pytest.mark.parametrize(("method", "path", "expected"), [
    ("get", "/land/parcels", "listLandParcels"),
    ("get", "/land/parcels/{item_id}", "getLandParcel"),
    ("post", "/reports", "createReport"),
    ("patch", "/reports/{report_id}/photos/{photo_id}", "updateReportPhoto"),
    ("get", "/procedures/stats", "getProcedureStats"),
    ("get", "/ogc/collections/cameras", "getOgcCollectionCameras"),
    ("get", "/ogc/collections/cameras/items", "listOgcCollectionCameraItems"),
    ("get", "/open311/v2/requests.{format}", "listOpen311V2Requests"),
    ("get", "/tiles/{collection_id}/{z}/{x}/{y}.mvt", "getTileMvt"),
    ("get", "/", "getLanding"),
])
def test_operation_ids_follow_the_path(method, path, expected):
    assert operation_id(method, path) == expected


def test_rpc_actions_are_named_after_blueprint_and_endpoint():
    assert operation_id("get", "/api/3/action/package_show", "ckan3.package_show") \
        == "ckan3PackageShow"
    assert operation_id("post", "/api/action/package_show", "ckan.package_show") \
        == "ckanPackageShowPost"
