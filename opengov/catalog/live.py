"""Live datasets: data written continuously, published as dated extracts instead of versions.

A :class:`LiveSource` says how to read one month of a live dataset as CSV and when its data
starts. Every registered collection of kind ``live`` with a time field is one (its public
columns, selected by that field); capabilities whose live data is a plain table rather than a
collection declare theirs as ``live_sources`` in their capability (see
:mod:`opengov.capability`), as does one whose collection's months are final later than they
end (its source's ``stats`` end at the last final month).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from opengov import query as q
from opengov.catalog import formats, rows
from opengov.collections import Collection
from opengov.store.repository import Store


@dataclass(frozen=True)
class Stats:
    first: datetime | None  # time of the earliest record
    last: datetime | None
    count: int


@dataclass(frozen=True, eq=False)
class LiveSource:
    """One live dataset: its description, its extent, and one month of it as CSV."""

    collection: Collection  # describes the dataset (registered or not)
    stats: Callable[[Store], Stats]
    csv: Callable[[Store, datetime, datetime], Iterator[bytes]]  # records in [start, end)
    schema: dict | None = None  # Table Schema of the CSV (default: the collection's)
    #: a registered dataset whose publisher, licence, themes, extent and synthetic flag this
    #: one shares (readings: their stations), for live tables without metadata of their own
    parent: str | None = None

    @property
    def id(self) -> str:
        return self.collection.id


def collection_source(collection: Collection) -> LiveSource:
    """A live collection as a source: its public CSV columns, months by its time field."""

    def stats(store: Store) -> Stats:
        repo = store.repo(collection.id)
        _, times = repo.extent()
        first, last = times or (None, None)
        return Stats(first, last, repo.state().record_count)

    def csv(store: Store, start: datetime, end: datetime) -> Iterator[bytes]:
        query = q.Query(interval=q.Interval(start, end))

        def batches(columns):
            return rows.batches(store, collection, query, columns=columns)

        return formats.csv_chunks(collection, batches)

    return LiveSource(collection, stats, csv)


def live_sources(store: Store, contributed: Iterable[LiveSource] = ()) -> list[LiveSource]:
    """Every live dataset: live collections with a time field, then ``contributed`` (what the
    application's capabilities declare as ``live_sources``). A contributed source with the id
    of a live collection replaces that collection's default source (its capability knows
    better which months are final: ``dossier-statistics``)."""
    found = {c.id: collection_source(c) for c in store.registry
             if c.kind == "live" and c.time_field}
    found.update((s.id, s) for s in contributed)
    return list(found.values())
