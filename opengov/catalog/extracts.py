"""Monthly extracts of live datasets: built once when the month is over, immutable afterwards.

A month is a calendar month in Vietnam's time (UTC+7, Asia/Ho_Chi_Minh, no daylight saving):
``2025-12`` holds the records whose time is in [2025-12-01T00:00+07:00, 2026-01-01T00:00+07:00).
A month is offered once it ended ``grace`` ago (late data gets that long to arrive), from the
month of the dataset's first record to that of its last. Its file is built on first request (or
by ``opengov extracts``) by one host of all those sharing the database: the builder holds a
claim in the database (:mod:`opengov.catalog.extract_claims`) and publishes the file there with
its size and sha256; every other host (and every other worker) copies those bytes instead of
building them again, waiting while a build runs. Each host keeps its copy under
``<root>/<dataset>/extracts/<YYYY-MM>/`` beside a manifest and serves that; the file and the
manifest are given their names with ``os.link``, which fails when another worker got there
first. So every host serves the same bytes. Later changes to that month's records show in the
API and in the current download, not in the extract.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from opengov.catalog.checksums import sha256_file
from opengov.catalog.distributions import AREA, Built
from opengov.catalog.extract_claims import ExtractClaims, Published, modified_now, new_holder
from opengov.catalog.live import LiveSource, Stats
from opengov.errors import ApiError
from opengov.store.repository import Store

LOCAL = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")
FORMAT, EXTENSION, MEDIA_TYPE = "csv", "csv", "text/csv; charset=utf-8"
_KEY = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
STATS_SECONDS = 300  # how long the extent and count of a live dataset are reused
CLAIM_TTL_S = 300.0  # a builder's claim, renewed as it writes; a crashed one's lapses
WAIT_S = 60.0  # how long a request waits for another host's build before a 503
POLL_S = 0.5
RETRY_AFTER_S = 10


@dataclass(frozen=True)
class Period:
    """One calendar month (local time)."""

    key: str
    start: datetime
    end: datetime


class ExtractUnavailable(LookupError):
    """The month has no extract (yet): before the data starts, or not over."""


class ExtractBusy(ApiError):
    """Another host has been building the month for longer than a request waits: a 503."""

    def __init__(self, detail: str):
        super().__init__(503, detail, headers={"Retry-After": str(RETRY_AFTER_S)})


def period(key: str) -> Period:
    """The month ``YYYY-MM`` (ValueError when malformed)."""
    match = _KEY.match(key)
    if match is None:
        raise ValueError(f"{key!r} is not a month written YYYY-MM")
    year, month = int(match[1]), int(match[2])
    start = datetime(year, month, 1, tzinfo=LOCAL)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=LOCAL)
    return Period(key, start, end)


def period_of(moment: datetime) -> Period:
    local = moment.astimezone(LOCAL)
    return period(f"{local.year:04d}-{local.month:02d}")


def finished(first: datetime | None, last: datetime | None, now: datetime,
             grace: timedelta) -> list[Period]:
    """The months from ``first``'s through ``last``'s that are over by ``grace``, newest
    first."""
    if first is None or last is None:
        return []
    out, month, final = [], period_of(first), period_of(last)
    while month.end + grace <= now and month.start <= final.start:
        out.append(month)
        month = period_of(month.end)
    return out[::-1]


class Extracts:
    """The extract files of one application."""

    def __init__(self, root: Path, store: Store, grace: timedelta = timedelta(hours=24),
                 area: str = AREA, claim_ttl_s: float = CLAIM_TTL_S, wait_s: float = WAIT_S):
        self.root, self.store, self.grace, self.area = Path(root), store, grace, area
        self.claims = ExtractClaims(store.engine)
        self.claim_ttl_s, self.wait_s = claim_ttl_s, wait_s
        self._stats: dict[str, tuple[float, Stats]] = {}

    def stats(self, source: LiveSource) -> Stats:
        """The source's extent and size, reused for a few minutes (live tables can be large)."""
        hit = self._stats.get(source.id)
        if hit is None or time.monotonic() - hit[0] > STATS_SECONDS:
            hit = self._stats[source.id] = (time.monotonic(), source.stats(self.store))
        return hit[1]

    def _folder(self, dataset_id: str, key: str) -> Path:
        return self.root / dataset_id / "extracts" / key

    def periods(self, source: LiveSource, now: datetime | None = None) -> list[Period]:
        """The months offered, newest first."""
        stats = self.stats(source)
        return finished(stats.first, stats.last, now or datetime.now(UTC), self.grace)

    def manifest(self, dataset_id: str, key: str) -> Built | None:
        meta = self._folder(dataset_id, key) / f"{FORMAT}.json"
        if not meta.exists():
            return None
        info = json.loads(meta.read_text(encoding="utf-8"))
        return Built(meta.parent / info["filename"], info["filename"], info["media_type"],
                     info["byte_size"], info["sha256"], 0,
                     datetime.fromisoformat(info["modified"]))

    def get(self, source: LiveSource, key: str) -> Built:
        """The extract of month ``key``, built now if it is due and was never built."""
        month = period(key)
        built = self.manifest(source.id, key)
        if built is not None:
            return built
        now = datetime.now(UTC)
        offered = self.periods(source, now)
        if month not in offered:
            if month.end + self.grace > now:
                raise ExtractUnavailable(f"{key} is not over yet: its extract is built once "
                                         f"the month has ended (and {self.grace} more).")
            held = (f"its records span {offered[-1].key} to {offered[0].key}" if offered
                    else "it has no records")
            raise ExtractUnavailable(f"{source.id} has no extract for {key}: {held}.")
        return self.build(source, month)

    def build(self, source: LiveSource, month: Period) -> Built:
        """The month's file: this host's copy, else the one published in the database (copied
        here), else built now under a claim so that one host builds it. Never rewritten."""
        return self.obtain(source, month)[0]

    def obtain(self, source: LiveSource, month: Period,
               waiting: Callable[[], object] = lambda: None) -> tuple[Built, str]:
        """:meth:`build`, also saying how: ``kept`` (this host's copy), ``copied`` (from the
        database) or ``built`` (here, now). ``waiting`` is called once if another host's
        build has to be waited for."""
        built = self.manifest(source.id, month.key)
        if built is not None:
            return built, "kept"
        holder = new_holder()
        deadline = time.monotonic() + self.wait_s
        waited = False
        while True:
            published = self.claims.published(source.id, month.key)
            if published is not None:
                return self._copy(source.id, month, published), "copied"
            if self.claims.claim(source.id, month.key, holder, self.claim_ttl_s):
                try:
                    built = self._build_claimed(source, month, holder)
                finally:
                    self.claims.release(source.id, month.key, holder)  # unless published
                if built is not None:
                    return built, "built"
                continue  # our claim expired and another host took over: use its file
            if not waited:
                waiting()
                waited = True
            if time.monotonic() > deadline:
                raise ExtractBusy(f"The extract of {source.id} for {month.key} is being built "
                                  "by another host; try again shortly.")
            time.sleep(POLL_S)

    def _build_claimed(self, source: LiveSource, month: Period, holder: str) -> Built | None:
        """Write the CSV (renewing the claim as it goes) and publish it; None if the claim
        was lost meanwhile."""
        folder = self._folder(source.id, month.key)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{self.area}-{source.id}-{month.key}.{EXTENSION}"
        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            part = Path(tmp) / name
            renewed = time.monotonic()
            with part.open("wb") as fh:
                for chunk in source.csv(self.store, month.start, month.end):
                    fh.write(chunk)
                    if time.monotonic() - renewed > self.claim_ttl_s / 3:
                        if not self.claims.claim(source.id, month.key, holder,
                                                 self.claim_ttl_s):
                            return None
                        renewed = time.monotonic()
            info = Published(name, MEDIA_TYPE, part.stat().st_size, sha256_file(part),
                             modified_now())
            if not self.claims.publish(source.id, month.key, holder, info, part):
                return None
            return self._install(source.id, month, info, part)

    def share(self, dataset_id: str, month: Period) -> str:
        """Publish a file this host built before extracts were kept in the database:
        ``"shared"``, ``"already"`` (published: same bytes) or ``"differs"`` (another host
        published other bytes first; this host's copy should be removed)."""
        built = self.manifest(dataset_id, month.key)
        published = self.claims.published(dataset_id, month.key)
        if built is None or published is not None:
            return "already" if published is None or published.sha256 == built.sha256 \
                else "differs"
        holder = new_holder()
        if not self.claims.claim(dataset_id, month.key, holder, self.claim_ttl_s):
            return "already"  # another host is publishing it now
        info = Published(built.filename, built.media_type, built.byte_size, built.sha256,
                         built.modified.isoformat())
        try:
            self.claims.publish(dataset_id, month.key, holder, info, built.path)
        finally:
            self.claims.release(dataset_id, month.key, holder)
        return "shared"

    def _copy(self, dataset_id: str, month: Period, info: Published) -> Built:
        """This host's copy of a month another host published."""
        folder = self._folder(dataset_id, month.key)
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            part = Path(tmp) / info.filename
            self.claims.copy_to(dataset_id, month.key, part)
            if sha256_file(part) != info.sha256:
                raise RuntimeError(f"the stored extract of {dataset_id} for {month.key} does "
                                   "not match its checksum")
            return self._install(dataset_id, month, info, part)

    def _install(self, dataset_id: str, month: Period, info: Published, part: Path) -> Built:
        """Give the file and its manifest their names (the first worker's stay)."""
        folder = self._folder(dataset_id, month.key)
        _create_once(part, folder / info.filename)
        meta = part.with_name("manifest.json")
        meta.write_text(json.dumps({
            "filename": info.filename, "media_type": info.media_type,
            "byte_size": info.byte_size, "sha256": info.sha256, "modified": info.modified,
            "period": {"start": month.start.isoformat(), "end": month.end.isoformat()}},
            sort_keys=True), encoding="utf-8")
        _create_once(meta, folder / f"{FORMAT}.json")
        return self.manifest(dataset_id, month.key)


def _create_once(source: Path, target: Path) -> None:
    """Give ``source``'s file the name ``target`` unless that name exists already."""
    try:
        os.link(source, target)
    except FileExistsError:
        pass
