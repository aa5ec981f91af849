"""The committed OpenAPI contract: valid, complete, and identical to what the code serves."""

import json
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from opengov.app import create_app
from opengov.openapi_doc import render_openapi

REPO = Path(__file__).resolve().parent.parent
COMMITTED = REPO / "openapi" / "openapi.json"


@pytest.fixture(scope="module")
def spec_text(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("spec")
    return render_openapi(create_app({"database_url": f"sqlite:///{tmp / 'x.sqlite3'}",
                                      "instance_path": tmp}))


def test_committed_document_matches_the_code(spec_text):
    assert COMMITTED.read_text(encoding="utf-8") == spec_text, (
        "openapi/openapi.json is stale: run `opengov openapi` and commit the result")


def test_document_is_valid_openapi_303(spec_text):
    spec = json.loads(spec_text)
    assert spec["openapi"] == "3.0.3"
    validate(spec)


def operations(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method != "parameters":
                yield path, method, op


def test_every_operation_has_summary_schema_and_example(spec_text):
    spec = json.loads(spec_text)
    for path, method, op in operations(spec):
        where = f"{method.upper()} {path}"
        assert op.get("summary"), f"{where} has no summary"
        ok = op["responses"]["200"]
        assert ok.get("content"), f"{where}: 200 has no content"
        for media_type, content in ok["content"].items():
            assert "schema" in content, f"{where} {media_type}: no schema"
        binary = all(c["schema"].get("format") == "binary" for c in ok["content"].values())
        assert binary or any("example" in c for c in ok["content"].values()), \
            f"{where}: no example"
        assert "default" in op["responses"], f"{where}: errors undocumented"


def test_errors_are_documented_as_problem_json(spec_text):
    spec = json.loads(spec_text)
    default = spec["components"]["responses"]["DEFAULT_ERROR"]
    assert list(default["content"]) == ["application/problem+json"]
    problem = spec["components"]["schemas"]["Problem"]["properties"]
    assert {"type", "title", "status", "detail", "errors"} <= set(problem)


def test_every_query_parameter_is_described(spec_text):
    spec = json.loads(spec_text)
    for path, method, op in operations(spec):
        for param in op.get("parameters", []):
            if param.get("in") == "query":
                assert param.get("description"), f"{method} {path}: ?{param['name']} undocumented"
