"""Whole-dataset reads in batches through :meth:`Repository.stream` (keyset paging).

Memory stays bounded by one batch whatever the dataset size, and the page-size limit of the
API never caps a download.
"""

from __future__ import annotations

from collections.abc import Iterator

from opengov import query as q
from opengov.collections import Collection
from opengov.store.repository import Store

BATCH = 5000


def batches(store: Store, collection: Collection, query: q.Query, *,
            columns: list[str] | None = None, size: int = BATCH) -> Iterator[list]:
    """Every matching row, ``size`` at a time (stored JSON bytes, or tuples of ``columns``)."""
    return store.repo(collection.id).stream(query, columns=columns, batch=size)
