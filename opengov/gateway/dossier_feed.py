"""Pull dossier events from a one-stop system's export (a source with
``feed = "dossier-events"``): every page read is one batch through the ingest that serves
``POST /dossiers/events``, so a pulled batch is checked, stored and refused like a pushed one.

What the upstream must offer (docs/dossiers.md, "Pull instead of push"):

- pages in the POST's format: a JSON array of events or ``{"events": […]}`` (connector ``json``),
  or CSV with a header row (connector ``csv``), at most 10,000 events each;
- the next page, if any, in a ``Link: <…>; rel="next"`` header (RFC 8288), on the same host;
- incremental pulls: the query parameter ``since_param`` (default ``since``) with an ISO 8601
  UTC time, answered with (at least) the events whose ``at`` is at or after it. The first pull
  sends none (the whole export); later ones send the newest ``at`` stored so far minus
  ``overlap`` (default one day), for events recorded late. What the overlap sends again is
  recognised by its event id and stored once.

Pages are ingested in order. A refused page stops the pull: the pages before it stay stored
(each was a complete batch) and the cursor moves only over stored pages, so the next pull asks
for the refused page again until the upstream corrects it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from opengov.dossiers import batch
from opengov.dossiers.ingest import ingest
from opengov.dossiers.pins import Pins, load_secret
from opengov.dossiers.workdays import WorkCalendar
from opengov.errors import ApiError
from opengov.gateway.config import ANY_AGENCY, Source
from opengov.gateway.connectors.base import PageGuard
from opengov.gateway.errors import HarvestError
from opengov.gateway.fetch import Fetcher

MEDIA_TYPES = {"json": "application/json", "csv": "text/csv"}
EVENTS_TABLE = "dossier_events"
MAX_REFUSALS = 100  # refused events kept in the report (the run's record keeps 20)


@dataclass
class FeedRun:
    """What one pull did: pages, events read, stored and already stored, and the cursor."""

    cursor: str | None = None  # newest event time of the stored pages (ISO 8601 UTC)
    pages: int = 0
    events: int = 0
    stored: int = 0
    duplicates: int = 0
    since: str | None = None  # what the first request asked for
    refused: list[dict] = field(default_factory=list)  # the refused page's events, reasons
    refused_count: int = 0

    def as_json(self) -> dict:
        return {"cursor": self.cursor, "since": self.since, "pages": self.pages,
                "events": self.events, "stored": self.stored, "duplicates": self.duplicates}


def iso(moment: datetime) -> str:
    """An aware time as ISO 8601 UTC with ``Z``."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def since(source: Source, cursor: str | None) -> str | None:
    """The ``since`` value of the next pull: the cursor less the overlap (None: pull all)."""
    if cursor is None or not source.option("since_param"):
        return None
    start = datetime.fromisoformat(cursor.replace("Z", "+00:00"))
    return iso(start - timedelta(seconds=source.option("overlap", 0.0)))


def pull(fetcher: Fetcher, source: Source, store, settings, run: FeedRun) -> None:
    """Read and ingest every page from ``run.cursor`` on, updating ``run`` as pages are
    stored; a refused page, an unreadable one or an upstream failure raises HarvestError."""
    if EVENTS_TABLE not in store.metadata.tables:
        raise HarvestError("the dossiers capability is not enabled in this application")
    calendar = WorkCalendar()
    pins = Pins(load_secret(settings.dossier_pin_secret, settings.instance_path))
    agency = source.option("agency")
    scope = None if agency == ANY_AGENCY else agency
    params = dict(source.option("params") or {})
    run.since = since(source, run.cursor)
    if run.since is not None:
        params[source.option("since_param")] = run.since
    guard, url = PageGuard(source), source.url
    while url is not None:
        guard.check(url)
        response = fetcher.get(url, params)
        shown = fetcher.responses[-1].url
        run.pages += 1
        _ingest_page(store, calendar, pins, scope, response.content, source, shown, run)
        following = response.links.get("next", {}).get("url")
        url, params = (fetcher.resolve(following, response.url), None) if following \
            else (None, None)


def _ingest_page(store, calendar, pins, scope, body: bytes, source: Source, shown: str,
                 run: FeedRun) -> None:
    try:
        items = batch.read(MEDIA_TYPES[source.connector], body, allow_empty=True)
        run.events += len(items)
        if not items:
            return
        events, problems = batch.parse(items)
        result = ingest(store, calendar, events, problems, total=len(items), pins=pins,
                        scope=scope)
    except ApiError as exc:
        problem = exc.problem
        run.refused = [{"page": shown, "record": p.get("index"), "id": p.get("event_id"),
                        "reason": p.get("reason")} for p in (problem.errors or [])
                       ][:MAX_REFUSALS]
        run.refused_count = len(problem.errors or [])
        raise HarvestError(f"page {run.pages} ({shown}) refused, nothing of it stored: "
                           f"{problem.detail}") from None
    run.stored += result.stored
    run.duplicates += result.duplicates
    newest = max(e.at for _, e in events)
    if run.cursor is None or newest > datetime.fromisoformat(run.cursor.replace("Z", "+00:00")):
        run.cursor = iso(newest)
