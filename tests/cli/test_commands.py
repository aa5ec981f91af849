"""The ``opengov`` command as an operator uses it."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from opengov.cli import main
from tests.conftest import DATASETS, new_database_url


@pytest.fixture
def run(backend, postgres, tmp_path, monkeypatch):
    url = new_database_url(backend, postgres, tmp_path)
    monkeypatch.setenv("OPENGOV_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("OPENGOV_DATASETS_PATH", str(DATASETS))
    monkeypatch.setenv("OPENGOV_SAMPLE_PROFILE", "small")

    def invoke(*args):
        result = CliRunner().invoke(main, ["--database-url", url, *args])
        assert result.exit_code == 0, result.output + repr(result.exception)
        assert result.stderr.startswith("database: ") or args[0] in ("openapi", "dictionary")
        return result.stdout

    invoke.url = url
    return invoke


def counts(output: str) -> dict[str, tuple[int, int]]:
    """{collection: (new, unchanged)} from `opengov load` output."""
    found = re.findall(r"^(\S+)\s+new\s+(\d+).*?unchanged\s+(\d+)", output, re.M)
    return {name: (int(new), int(unchanged)) for name, new, unchanged in found}


def test_init_then_load_is_idempotent(run):
    from opengov.store.migrate import head_revisions

    assert f"revision {', '.join(head_revisions())}" in run("init")
    first = counts(run("load"))
    assert {"admin-units", "service-centres", "cameras", "procedures"} <= set(first)
    assert all(new > 0 and unchanged == 0 for new, unchanged in first.values())
    second = counts(run("load"))
    assert all(new == 0 and unchanged == first[name][0]
               for name, (new, unchanged) in second.items())


def test_load_only_one_collection(run):
    out = counts(run("load", "--only", "cameras"))
    assert list(out) == ["cameras"]


def test_keys_lifecycle_and_whoami(run, tmp_path):
    from opengov.app import create_app

    run("init")
    created = run("keys", "create", "--role", "ingest", "--scope", "op-7", "--label", "test")
    token = created.strip().splitlines()[-1]
    assert token.startswith("og_") and len(token) >= 40
    listed = json.loads(run("keys", "list", "--json"))
    assert [(k["role"], k["scope"], k["revoked_at"]) for k in listed] == [("ingest", "op-7", None)]
    assert token not in run("keys", "list")
    app = create_app({"database_url": run.url, "instance_path": tmp_path})
    client = app.test_client()
    me = client.get("/auth/whoami", headers={"Authorization": f"Bearer {token}"})
    assert me.get_json() == {"key_prefix": token[:10], "role": "ingest", "scope": "op-7"}
    run("keys", "revoke", str(listed[0]["id"]))
    assert client.get("/auth/whoami",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 401
    app.extensions["opengov"].store.engine.dispose()


def test_stored_key_is_only_a_hash(run, tmp_path):
    from sqlalchemy import create_engine, text

    run("init")
    token = run("keys", "create", "--role", "admin").strip().splitlines()[-1]
    engine = create_engine(run.url)
    with engine.connect() as conn:
        dump = " ".join(str(v) for row in conn.execute(text("SELECT * FROM api_keys"))
                        for v in row)
    engine.dispose()
    assert token not in dump and token[10:] not in dump


def test_openapi_command_writes_the_document(run, tmp_path):
    target = tmp_path / "spec.json"
    run("openapi", "-o", str(target))
    assert json.loads(target.read_text())["openapi"] == "3.0.3"
