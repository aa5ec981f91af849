"""Repository.stream: every matching row exactly once, in order, across many small batches."""

from __future__ import annotations

import gc
import warnings

import pytest

from opengov import query as q


@pytest.mark.parametrize("batch", [1, 7, 100_000])
def test_stream_returns_every_row_once_in_order(loaded_app, batch):
    store = loaded_app.extensions["opengov"].store
    repo = store.repo("cameras")
    batches = list(repo.stream(q.Query(), columns=["id", "kind"], batch=batch))
    ids = [row[0] for b in batches for row in b]
    assert len(ids) == repo.state().record_count == len(set(ids))
    assert ids == sorted(ids) and all(len(b) <= batch for b in batches)


def test_stream_applies_filters_and_sort(loaded_app):
    store = loaded_app.extensions["opengov"].store
    query = q.Query(filter=q.Compare("kind", "=", "flood"), sort=(q.SortKey("name", True),))
    rows = [r for b in store.repo("cameras").stream(query, columns=["kind", "name_vi"], batch=3)
            for r in b]
    assert rows and {r[0] for r in rows} == {"flood"}
    page = store.repo("cameras").page(q.Query(filter=q.Compare("kind", "=", "flood"),
                                              limit=1000), 0, columns=["id"])
    assert len(rows) == len(page.items)


def test_stored_features_stream_as_bytes(loaded_app):
    store = loaded_app.extensions["opengov"].store
    first = next(iter(store.repo("admin-units").stream(q.Query(), batch=2)))
    assert all(isinstance(item, bytes) and item.startswith(b"{") for item in first)


def test_a_stream_abandoned_early_releases_its_cursor(loaded_app):
    """A download whose client goes away closes its cursor and connection at once."""
    store = loaded_app.extensions["opengov"].store
    stream = store.repo("cameras").stream(q.Query(), batch=5)
    assert len(next(stream)) == 5
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a cursor left open warns when it is collected
        stream.close()
        gc.collect()
    assert store.engine.pool.checkedout() == 0
