"""Harvest one source: lease → fetch everything → validate → swap in one transaction.

Nothing is written until every page has been read and every record checked; the swap is
``Repository.replace_all`` (one write transaction, version bumped only on change). A failure
anywhere leaves the previous data served, and the source marked failed (hence stale).

A feed source (``feed = …``) is pulled instead: under the same lease, its pages go one by one
through their ingest (:mod:`.dossier_feed`), and its cursor is kept in the run's record.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from opengov.gateway import dossier_feed, lease, state
from opengov.gateway.config import Source
from opengov.gateway.connectors import CONNECTORS
from opengov.gateway.errors import HarvestError, SourceError
from opengov.gateway.fetch import Fetched, Fetcher
from opengov.gateway.secrets import public_url, redact
from opengov.gateway.validate import check, kept_rows
from opengov.store.types import utcnow
from opengov.upstream.session import cached_session

log = logging.getLogger(__name__)
LEASE_MIN_SECONDS = 300


@dataclass
class Harvester:
    """Runs sources for one application (its settings, registry and store)."""

    settings: object
    registry: object
    store: object
    holder: str = field(default_factory=lease.new_holder)
    on_response: Callable[[Source, Fetched], None] | None = None
    refresh: bool = False  # revalidate with the upstream even within the cache expiry
    _sessions: dict = field(default_factory=dict)

    def session(self, source: Source):
        """One cached session per source, kept for the life of the harvester."""
        if source.id not in self._sessions:
            self._sessions[source.id] = cached_session(
                self.settings, namespace=f"source-{source.id}", expire_after=source.expire_after,
                timeout=source.timeout, retries=source.retries,
                secrets=[source.auth.name] if source.auth else ())
        return self._sessions[source.id]

    def close(self) -> None:
        for session in self._sessions.values():
            session.close()
        self._sessions.clear()

    def lease_seconds(self, source: Source) -> float:
        timeout = source.timeout or self.settings.http_timeout
        return max(LEASE_MIN_SECONDS, 4 * timeout)

    def run(self, source: Source) -> state.RunReport:
        """Harvest ``source`` unless another harvester holds its lease (status ``busy``)."""
        report = state.RunReport(source.id, source.collection)
        ttl = self.lease_seconds(source)
        if not lease.acquire(self.store, source.id, self.holder, ttl):
            report.status = "busy"
            return report
        try:
            if source.feed:
                self._pull(source, report, ttl)
            else:
                self._harvest(source, report, ttl)
        finally:
            lease.release(self.store, source.id, self.holder)
        return report

    def _fetcher(self, source: Source, report: state.RunReport, ttl: float) -> Fetcher:
        """The source's fetcher: counts responses, renews the lease after each, shows
        progress."""
        def seen(fetched: Fetched) -> None:
            report.requests += 1
            report.from_cache += fetched.from_cache
            lease.acquire(self.store, source.id, self.holder, ttl)  # renew while paging
            if self.on_response is not None:
                self.on_response(source, fetched)

        return Fetcher(self.session(source), source, on_response=seen, refresh=self.refresh)

    def _pull(self, source: Source, report: state.RunReport, ttl: float) -> None:
        """Pull a feed from its cursor; record the outcome, refusals and the new cursor."""
        now = utcnow()
        current = state.read_states(self.store).get(source.id)
        run = dossier_feed.FeedRun(cursor=((current.last_run or {}).get("feed") or {})
                                   .get("cursor") if current else None)
        fetcher = self._fetcher(source, report, ttl)
        try:
            dossier_feed.pull(fetcher, source, self.store, self.settings, run)
        except (HarvestError, SourceError, ValueError) as exc:
            report.status, report.error = "failed", redact(exc)
            log.warning("pull of %s failed: %s", source.id, report.error)
            for refusal in run.refused[:20]:
                log.warning("%s: refused event %s (%s): %s", source.id, refusal["record"],
                            refusal["id"], refusal["reason"])
        finally:
            report.fetched, report.new, report.feed = run.events, run.stored, run.as_json()
            report.rejected, report.rejects = run.refused_count, run.refused
        if report.status == "failed":
            state.record_failure(self.store, report, public_url(source.url), now)
            return
        first = fetcher.responses[0]
        state.record_success(self.store, report, {
            "url": first.url, "etag": first.etag, "last_modified": first.last_modified,
            "checksum": fetcher.checksum, "records": run.stored}, now)

    def _harvest(self, source: Source, report: state.RunReport, ttl: float) -> None:
        now = utcnow()
        fetcher = self._fetcher(source, report, ttl)
        try:
            items = list(CONNECTORS[source.connector](fetcher, source))
            report.fetched = len(items)
            self._write(source, report, items, fetcher, now)
        except (HarvestError, SourceError, ValueError) as exc:
            report.status, report.error = "failed", redact(exc)
            log.warning("harvest of %s failed: %s", source.id, report.error)
            state.record_failure(self.store, report, public_url(source.url), now)
            self._mark(source, stale=True)

    def _unchanged(self, source, collection, report, fingerprint: str) -> bool:
        """Same upstream bytes, same declaration, collection untouched since: the result
        would be identical, so skip mapping and checking (the cheap path of a cached run)."""
        current = state.read_states(self.store).get(source.id)
        last_run = (current.last_run or {}) if current else {}
        if current is None or current.status != "ok" or \
                last_run.get("fingerprint") != fingerprint or \
                self.store.repo(collection.id).state().version != current.version:
            return False
        report.rejected, report.rejects = last_run.get("rejected", 0), last_run.get("rejects", [])
        report.version = current.version
        return True

    def _write(self, source, report, items, fetcher: Fetcher, now) -> None:
        collection = self.registry.get(source.collection)
        shaping = (source.connector, source.fields, source.geometry, sorted(source.options.items()),
                   collection.fields)  # what turns the bytes into rows (not timing or auth)
        report.fingerprint = hashlib.sha256(
            f"{fetcher.checksum}|{shaping!r}".encode()).hexdigest()
        first = fetcher.responses[0]
        provenance = {"url": first.url, "etag": first.etag, "last_modified": first.last_modified,
                      "checksum": fetcher.checksum}
        if self._unchanged(source, collection, report, report.fingerprint):
            current = state.read_states(self.store)[source.id]
            state.record_success(self.store, report, {**provenance,
                                                      "records": current.record_count}, now)
            self._mark(source, stale=False)
            return
        checked = check(source, collection, items)
        report.rejected, report.rejects = len(checked.rejects), checked.rejects
        if not checked.rows and not source.option("allow_empty", False):
            reason = "every record was rejected" if items else "upstream returned no records"
            raise HarvestError(f"{reason}; keeping the previous data (set allow_empty = true "
                               "if an empty dataset is legitimate)")
        rows = checked.rows + kept_rows(self.store, collection, checked.rejected_ids)
        result = self.store.repo(collection.id).replace_all(rows, source.id, fetched_at=now)
        report.new, report.changed, report.removed = result.new, result.changed, result.removed
        report.version = result.version
        state.record_success(self.store, report, {**provenance, "records": len(rows)}, now)
        self._mark(source, stale=False)
        for reject in checked.rejects[:20]:
            log.info("%s: rejected record %s (%s): %s", source.id, reject["record"],
                     reject["id"], reject["reason"])

    def _mark(self, source: Source, *, stale: bool) -> None:
        states = state.read_states(self.store)
        current = states.get(source.id)
        if current is None or current.last_success_at is None:
            return
        state.mark_dataset(self.store, source.collection, {
            "title": source.title or f"{source.id} (harvested)",
            "url": current.upstream_url, "harvested_by": source.id,
            "etag": current.etag, "checksum": current.checksum,
            "fetched_at": current.last_success_at.isoformat().replace("+00:00", "Z"),
            "stale": stale})
