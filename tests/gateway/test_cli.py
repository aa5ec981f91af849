"""``opengov harvest``: summary per source, exit status, ``--due`` and the watch loop."""

from __future__ import annotations

from click.testing import CliRunner

from opengov.cli import main
from opengov.gateway import schedule
from opengov.gateway.harvest import Harvester
from tests.gateway.conftest import fixture_text


def _invoke(gateway, *args):
    env = {"OPENGOV_SOURCES_FILE": str(gateway.sources_file),
           "OPENGOV_INSTANCE_PATH": str(gateway.settings.instance_path),
           "OPENGOV_HTTP_BACKOFF_MS": "10"}
    return CliRunner().invoke(main, ["--database-url", gateway.settings.database_url,
                                     "harvest", *args], env=env)


def test_harvest_prints_a_summary_per_source(cameras):
    result = _invoke(cameras, "dn-cameras")
    assert result.exit_code == 0, result.output
    line = result.stdout.splitlines()[0].split()  # stderr names the database
    assert line[:2] == ["dn-cameras", "ok"]
    assert " ".join(line[2:]).startswith("fetched 4 new 4 changed 0 removed 0 rejected 0 "
                                         "from cache 0/1 version 1")
    again = _invoke(cameras)
    assert "new 0 changed 0 removed 0 rejected 0 from cache 1/1 version 1" in \
        " ".join(again.stdout.split())


def test_refresh_revalidates_within_the_expiry(cameras):
    cameras.write_sources(fixture_text("sources.toml"), expire="1h")
    _invoke(cameras)
    assert _invoke(cameras).exit_code == 0 and cameras.upstream.count("/cameras.geojson") == 1
    assert _invoke(cameras, "--refresh").exit_code == 0
    assert cameras.upstream.count("/cameras.geojson") == 2
    assert cameras.upstream.seen("/cameras.geojson")[1].header("If-None-Match")


def test_failures_exit_1_and_unknown_sources_are_refused(cameras):
    cameras.upstream.fail("/cameras.geojson", 502)
    result = _invoke(cameras)
    assert result.exit_code == 1 and "error: upstream answered 502" in result.output
    unknown = _invoke(cameras, "nope")
    assert unknown.exit_code == 1 and "unknown source nope (declared: dn-cameras)" in \
        unknown.output


def test_due_runs_only_sources_whose_interval_passed(cameras):
    assert _invoke(cameras, "--due").stdout.startswith("dn-cameras")
    assert _invoke(cameras, "--due").stdout == ""  # interval is 15 minutes
    assert cameras.upstream.count("/cameras.geojson") == 1


def test_watch_runs_due_sources_each_pass(cameras):
    cameras.write_sources(fixture_text("sources.toml").replace('interval = "15m"',
                                                               "interval = 0"))
    sources = list(cameras.sources().values())
    harvester = Harvester(cameras.settings, cameras.registry, cameras.store)
    sleeps: list[float] = []
    runs: list[str] = []

    def run_pass(ready):
        runs.extend(harvester.run(s).status for s in ready)

    schedule.watch(cameras.store, sources, run_pass, passes=3, sleep=sleeps.append)
    harvester.close()
    assert runs == ["ok", "ok", "ok"] and len(sleeps) == 2
    assert cameras.upstream.count("/cameras.geojson") == 3
