"""Pulling dossier events from an upstream export (``feed = "dossier-events"``) under
``opengov harvest``: the same checks as ``POST /dossiers/events``, page by page, against a real
HTTP server on 127.0.0.1 serving fixture files, on both backends."""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from opengov.cli import main
from opengov.gateway.config import load_sources
from opengov.gateway.errors import SourceError
from opengov.gateway.harvest import Harvester
from opengov.gateway.service import forget_stale_cache
from opengov.store.engine import write_transaction
from tests.conftest import make_app
from tests.dossiers.conftest import DESK, POSTAL, post
from tests.upstream import upstream  # noqa: F401  (fixture)

FIXTURES = Path(__file__).parent / "fixtures"
SOURCE = "one-stop-feed"


class Feed:
    """An app on the dossiers database with a sources file declaring one feed source, and the
    upstream stand-in serving fixture files with this test's own dossier codes."""

    def __init__(self, app, sources_file: Path, server):
        self.app, self.sources_file, self.upstream = app, sources_file, server
        ext = app.extensions["opengov"]
        self.settings, self.registry, self.store = ext.settings, ext.registry, ext.store
        self.client = app.test_client()
        self.run = f"F{uuid.uuid4().hex[:10]}"

    def serve(self, path: str, fixture: str, *, next_path: str | None = None,
              content_type: str = "application/json") -> None:
        text = (FIXTURES / fixture).read_text("utf-8")
        for key, value in {"run": self.run, "postal": POSTAL["code"],
                           "desk": DESK["code"]}.items():
            text = text.replace("{" + key + "}", value)
        headers = {"Link": f'<{next_path}>; rel="next"'} if next_path else None
        self.upstream.route(path, text, headers=headers, content_type=content_type)

    def declare(self, path: str, *, connector: str = "json", agency: str = "*",
                url: str | None = None, **extra) -> None:
        text = (FIXTURES / "feed-sources.toml").read_text("utf-8")
        values = {"connector": connector, "url": url or self.upstream.url + path,
                  "agency": agency}
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        text += "".join(f"{key} = {value!r}\n".replace("'", '"') for key, value in extra.items())
        self.sources_file.write_text(text, encoding="utf-8")

    def harvest(self):
        source = load_sources(self.settings, self.registry)[SOURCE]
        harvester = Harvester(self.settings, self.registry, self.store)
        try:
            return harvester.run(source)
        finally:
            harvester.close()
            forget_stale_cache(self.app.extensions["opengov"])

    def code(self, letter: str) -> str:
        return f"{self.run}-{letter}"

    def track(self, letter: str):
        return self.client.get("/dossiers/track",
                               query_string={"code": self.code(letter), "pin": "4821"})

    def stored_events(self) -> int:
        t = self.store.table("dossier_events")
        with self.store.engine.connect() as conn:
            return len(conn.execute(t.select().where(
                t.c.dossier_code.like(f"{self.run}-%"))).all())


@pytest.fixture
def feed(dossiers_app, tmp_path, upstream):  # noqa: F811 (fixture argument)
    """A fresh app (own instance folder: HTTP cache, pin secret) on the dossiers database."""
    settings = dossiers_app.extensions["opengov"].settings
    sources_file = tmp_path / "sources.toml"
    app = make_app(settings.database_url, tmp_path, sources_file=str(sources_file),
                   http_backoff_ms=10, http_timeout=5, dossiers_track_rate_limit="10000/minute")
    store = app.extensions["opengov"].store
    with write_transaction(store.engine) as conn:
        for name in ("gateway_sources", "gateway_leases"):
            conn.execute(store.table(name).delete())
    yield Feed(app, sources_file, upstream)
    store.engine.dispose()


def test_json_pages_are_ingested_in_order_and_residents_can_follow_them(feed):
    feed.serve("/events", "feed-page1.json", next_path="/events/2")
    feed.serve("/events/2", "feed-page2.json")
    feed.declare("/events")
    report = feed.harvest()
    assert report.status == "ok", report.error
    assert (report.feed["pages"], report.fetched, report.new) == (2, 5, 5)
    assert report.feed["since"] is None and feed.upstream.seen("/events")[0].query == {}
    assert report.feed["cursor"] == "2026-03-05T04:00:00Z"  # newest event, in UTC
    body = feed.track("A").get_json()  # page 2 listed result_ready before approved
    assert body["state"] == "result_ready"
    assert [s["outcome"] for s in body["timeline"]][2] == "approved"
    assert feed.track("B").get_json()["state"] == "received"
    detail = feed.client.get(f"/sources/{SOURCE}").get_json()
    assert detail["status"] == "ok" and detail["collection"] == "dossiers"
    assert detail["records"] == 5 and detail["last_run"]["feed"]["pages"] == 2


def test_the_next_pull_asks_since_the_cursor_and_a_resend_stores_nothing_twice(feed):
    feed.serve("/events", "feed-page1.json")
    feed.declare("/events", overlap="1d")
    assert feed.harvest().new == 3
    again = feed.harvest()
    asked = feed.upstream.seen("/events")[-1].query
    assert asked == {"since": "2026-03-02T01:30:00Z"}  # 2026-03-03 08:30+07 less one day
    assert again.status == "ok" and (again.new, again.feed["duplicates"]) == (0, 3)
    assert feed.stored_events() == 3


def test_csv_feed(feed):
    feed.serve("/events.csv", "feed.csv", content_type="text/csv")
    feed.declare("/events.csv", connector="csv")
    report = feed.harvest()
    assert report.status == "ok", report.error
    assert report.new == 2 and feed.track("C").get_json()["state"] == "in_appraisal"


def test_a_page_with_a_bad_event_stores_nothing_and_says_why(feed):
    feed.serve("/events", "feed-bad.json")
    feed.declare("/events")
    report = feed.harvest()
    assert report.status == "failed" and "nothing of it stored" in report.error
    assert report.rejected == 1
    refusal = report.rejects[0]
    assert (refusal["record"], refusal["id"]) == (1, f"{feed.run}-e1") and refusal["reason"]
    assert feed.track("D").status_code == 404  # the good event of the page is not stored
    assert feed.stored_events() == 0
    detail = feed.client.get(f"/sources/{SOURCE}").get_json()
    assert detail["status"] == "failed" and "refused" in detail["last_error"]["message"]
    assert detail["last_run"]["rejects"][0]["id"] == f"{feed.run}-e1"


def test_out_of_order_across_pulls_is_refused_with_the_reason(feed):
    feed.serve("/events", "feed-page1.json", next_path="/events/2")
    feed.serve("/events/2", "feed-page2.json")
    feed.declare("/events")
    first = feed.harvest()
    assert first.status == "ok"
    feed.serve("/events", "feed-late.json")  # an event dated before what is stored
    late = feed.harvest()
    assert late.status == "failed" and "out of order" in late.rejects[0]["reason"]
    assert late.feed["cursor"] == first.feed["cursor"]  # the cursor kept its place
    assert feed.stored_events() == 5


def test_a_failing_feed_shows_in_metrics_health_and_the_dossier_answers(feed):
    feed.serve("/events", "feed-page1.json")
    feed.declare("/events")
    assert feed.harvest().status == "ok"
    metrics = feed.client.get("/metrics").get_data(as_text=True)
    assert f'opengov_source_up{{source="{SOURCE}"}} 1.0' in metrics
    assert f'opengov_source_records{{source="{SOURCE}"}} 3.0' in metrics
    assert "X-Data-Stale" not in feed.client.get("/dossiers/stats").headers
    feed.serve("/events", "feed-bad.json")
    assert feed.harvest().status == "failed"
    metrics = feed.client.get("/metrics").get_data(as_text=True)
    assert f'opengov_source_up{{source="{SOURCE}"}} 0.0' in metrics
    assert feed.client.get("/dossiers/stats").headers["X-Data-Stale"] == "true"
    stale = feed.client.get("/health").get_json()["stale_sources"]
    assert [s["id"] for s in stale] == [SOURCE]


def test_a_feed_scoped_to_an_agency_writes_only_its_dossiers(feed):
    feed.serve("/events", "feed-other-agency.json")
    feed.declare("/events", agency=POSTAL["agency_code"])
    report = feed.harvest()
    assert report.status == "failed" and "another agency" in report.error
    assert "belongs to" in report.rejects[0]["reason"]
    assert feed.track("F").status_code == 404
    feed.serve("/events", "feed-page1.json")
    assert feed.harvest().status == "ok" and feed.track("A").status_code == 200


def test_an_unreachable_upstream_is_a_failed_run_not_a_crash(feed):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    feed.declare("/events", url=f"http://127.0.0.1:{port}/events")
    report = feed.harvest()
    assert report.status == "failed" and "ConnectionError" in report.error
    assert feed.client.get(f"/sources/{SOURCE}").get_json()["status"] == "failed"
    feed.upstream.fail("/events", 503)
    feed.declare("/events")
    report = feed.harvest()
    assert report.status == "failed" and "503" in report.error


def test_opengov_harvest_prints_the_pull_and_exits_1_on_a_refused_page(feed):
    feed.serve("/events", "feed-bad.json")
    feed.declare("/events")
    env = {"OPENGOV_SOURCES_FILE": str(feed.sources_file),
           "OPENGOV_INSTANCE_PATH": str(feed.settings.instance_path),
           "OPENGOV_HTTP_BACKOFF_MS": "10"}
    result = CliRunner().invoke(main, ["--database-url", feed.settings.database_url,
                                       "harvest"], env=env)
    assert result.exit_code == 1
    assert f"refused event 1 ({feed.run}-e1)" in result.stdout
    assert " ".join(result.stdout.split()).startswith(
        f"{SOURCE} failed pages 1 events 2 stored 0 duplicates 0 refused 1")


def test_the_same_batch_pushed_then_pulled_is_stored_once(feed, keys):
    feed.serve("/events", "feed-page1.json")
    feed.declare("/events")
    events = requests.get(feed.upstream.url + "/events", timeout=5).json()["events"]
    assert post(feed.client, keys["one-stop"], events).get_json()["stored"] == 3
    report = feed.harvest()
    assert (report.status, report.new, report.feed["duplicates"]) == ("ok", 0, 3)


@pytest.mark.parametrize(("extra", "message"), [
    ("", "agency is required"),
    ('agency = "*"\nconnector = "geojson"\n', "connector json or csv"),
    ('agency = "*"\nfields = { id = "x" }\n', "unknown keys ['fields']"),
    ('agency = "*"\noverlap = "soon"\n', "overlap"),
])
def test_feed_declarations_are_checked(feed, extra, message):
    text = ('[[sources]]\nid = "f"\nfeed = "dossier-events"\nconnector = "json"\n'
            'url = "https://one-stop.example/events"\n')
    lines = {line.split(" = ")[0]: line for line in (text + extra).splitlines()}
    feed.sources_file.write_text("\n".join(lines.values()) + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_sources(feed.settings, feed.registry)
