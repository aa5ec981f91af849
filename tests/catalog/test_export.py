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
