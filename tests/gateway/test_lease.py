"""Only one harvester runs a source at a time: a lease in the database, raced by threads and
by processes on both backends."""

from __future__ import annotations

import multiprocessing
import threading

from opengov.gateway import lease
from opengov.gateway.harvest import Harvester

CONTENDERS = 6


def test_threads_racing_for_a_lease_get_one_winner(gateway):
    barrier = threading.Barrier(CONTENDERS)
    results: list[bool] = []

    def contend():
        barrier.wait()
        results.append(lease.acquire(gateway.store, "s1", lease.new_holder(), ttl=60))

    threads = [threading.Thread(target=contend) for _ in range(CONTENDERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * (CONTENDERS - 1) + [True]


def _contend_in_process(database_url, instance, barrier, results) -> None:
    from opengov.app import create_app

    app = create_app({"database_url": database_url, "instance_path": instance})
    store = app.extensions["opengov"].store
    barrier.wait()
    results.put(lease.acquire(store, "s1", lease.new_holder(), ttl=60))
    store.engine.dispose()


def test_processes_racing_for_a_lease_get_one_winner(gateway, tmp_path):
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(3), ctx.Queue()
    url = gateway.settings.resolved_database_url
    procs = [ctx.Process(target=_contend_in_process, args=(url, str(tmp_path), barrier, results))
             for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert all(p.exitcode == 0 for p in procs)
    assert sorted(results.get(timeout=5) for _ in procs) == [False, False, True]


def test_lease_is_renewable_by_its_holder_and_taken_over_when_expired(gateway):
    store = gateway.store
    assert lease.acquire(store, "s1", "a", ttl=60)
    assert lease.acquire(store, "s1", "a", ttl=60)  # renewal
    assert not lease.acquire(store, "s1", "b", ttl=60)
    assert lease.acquire(store, "s2", "b", ttl=60)  # other sources are independent
    assert lease.acquire(store, "s3", "a", ttl=0)
    assert lease.acquire(store, "s3", "b", ttl=60)  # expired: taken over
    lease.release(store, "s1", "b")  # not the holder: nothing happens
    assert not lease.acquire(store, "s1", "b", ttl=60)
    lease.release(store, "s1", "a")
    assert lease.acquire(store, "s1", "b", ttl=60)


def test_a_held_source_is_skipped_as_busy(cameras):
    source = cameras.sources()["dn-cameras"]
    assert lease.acquire(cameras.store, "dn-cameras", "another-host:1:x", ttl=60)
    harvester = Harvester(cameras.settings, cameras.registry, cameras.store)
    report = harvester.run(source)
    harvester.close()
    assert report.status == "busy" and cameras.upstream.count("/cameras.geojson") == 0
    lease.release(cameras.store, "dn-cameras", "another-host:1:x")
    assert cameras.harvest_one().status == "ok"
