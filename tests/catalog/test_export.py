"""`opengov export` writes the same bytes the download endpoint serves."""

from __future__ import annotations

import hashlib

from click.testing import CliRunner

from opengov.cli import main


def test_export_matches_the_download(loaded_app, get, tmp_path):
    _, served = get("/datasets/service-centres/download.gpkg")
    runner = CliRunner()
    out = tmp_path / "centres.gpkg"
    result = runner.invoke(main, ["export", "service-centres", "--format", "gpkg", "-o",
                                  str(out), "--quiet"], obj={"app": loaded_app, "config": {}})
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == served
    assert hashlib.sha256(served).hexdigest() in result.output


def test_export_rejects_unknown_dataset_and_format(loaded_app, tmp_path):
    runner = CliRunner()
    obj = {"app": loaded_app, "config": {}}
    bad = runner.invoke(main, ["export", "nope", "--format", "csv", "-o", str(tmp_path / "x")],
                        obj=obj)
    assert bad.exit_code == 1 and "no dataset 'nope'" in bad.output
    fmt = runner.invoke(main, ["export", "procedures", "--format", "gpkg", "-o",
                               str(tmp_path / "x")], obj=obj)
    assert fmt.exit_code == 1 and "not offered" in fmt.output
    assert not (tmp_path / "x").exists()


def test_export_writes_the_new_formats(loaded_app, get, tmp_path):
    runner = CliRunner()
    obj = {"app": loaded_app, "config": {}}
    for fmt in ("xlsx", "datapackage.zip"):
        _, served = get(f"/datasets/procedures/download.{fmt}")
        out = tmp_path / f"procedures.{fmt}"
        result = runner.invoke(main, ["export", "procedures", "--format", fmt, "-o", str(out),
                                      "--quiet"], obj=obj)
        assert result.exit_code == 0, result.output
        assert out.read_bytes() == served


def test_extracts_command_builds_the_due_months(loaded_app, get):
    runner = CliRunner()
    obj = {"app": loaded_app, "config": {}}
    result = runner.invoke(main, ["extracts", "monitoring-readings"], obj=obj)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[:2] for line in lines] == [["monitoring-readings", "2025-12"],
                                                   ["monitoring-readings", "2026-01"]]
    _, body = get("/datasets/monitoring-readings/extracts/2026-01.csv")
    assert hashlib.sha256(body).hexdigest() == lines[1].split()[-1]
    bad = runner.invoke(main, ["extracts", "cameras"], obj=obj)
    assert bad.exit_code == 1 and "not live" in bad.output
