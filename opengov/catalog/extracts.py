"""Monthly extracts of live datasets: built once when the month is over, immutable afterwards.

A month is a calendar month in Vietnam's time (UTC+7, Asia/Ho_Chi_Minh, no daylight saving):
``2025-12`` holds the records whose time is in [2025-12-01T00:00+07:00, 2026-01-01T00:00+07:00).
A month is offered once it ended ``grace`` ago (late data gets that long to arrive), from the
month of the dataset's first record to that of its last. Its file is written on first request (or by
``opengov extracts``) under ``<root>/<dataset>/extracts/<YYYY-MM>/`` beside a manifest with its
size and sha256, and is never rewritten: the file and the manifest are created with
``os.link``, which fails when another worker got there first, so every worker serves the same
bytes. Later changes to that month's records show in the API and in the current download,
not in the extract.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from opengov.catalog.checksums import sha256_file
from opengov.catalog.distributions import AREA, Built
from opengov.catalog.live import LiveSource, Stats
from opengov.store.repository import Store

LOCAL = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")
FORMAT, EXTENSION, MEDIA_TYPE = "csv", "csv", "text/csv; charset=utf-8"
_KEY = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
STATS_SECONDS = 300  # how long the extent and count of a live dataset are reused


@dataclass(frozen=True)
class Period:
    """One calendar month (local time)."""

    key: str
    start: datetime
    end: datetime


class ExtractUnavailable(LookupError):
    """The month has no extract (yet): before the data starts, or not over."""


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
                 area: str = AREA):
        self.root, self.store, self.grace, self.area = Path(root), store, grace, area
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
        """Write the month's CSV once; when it exists already, keep and describe that one."""
        folder = self._folder(source.id, month.key)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{self.area}-{source.id}-{month.key}.{EXTENSION}"
        final = folder / name
        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            part = Path(tmp) / name
            with part.open("wb") as fh:
                for chunk in source.csv(self.store, month.start, month.end):
                    fh.write(chunk)
            _create_once(part, final)
            info = {"filename": name, "media_type": MEDIA_TYPE,
                    "byte_size": final.stat().st_size, "sha256": sha256_file(final),
                    "modified": datetime.now(UTC).replace(microsecond=0).isoformat(),
                    "period": {"start": month.start.isoformat(), "end": month.end.isoformat()}}
            meta = Path(tmp) / "manifest.json"
            meta.write_text(json.dumps(info, sort_keys=True), encoding="utf-8")
            _create_once(meta, folder / f"{FORMAT}.json")
        return self.manifest(source.id, month.key)


def _create_once(source: Path, target: Path) -> None:
    """Give ``source``'s file the name ``target`` unless that name exists already."""
    try:
        os.link(source, target)
    except FileExistsError:
        pass
