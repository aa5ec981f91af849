"""Cost of routing request reads to a streaming replica (``OPENGOV_DATABASE_READ_URL``).

Starts a throwaway PostgreSQL primary and its streaming replica on free ports (the clusters of
``tests/production/pgcluster.py``), loads the admin units once, and times the same small OGC
page through two applications in one process: one reading the primary only (baseline), one
routing its reads to the replica (candidate). Rounds alternate (A, B, B, A, …); the report
gives each side's median req/s and the paired ratio. Both servers run on this machine, so the
ratio is the router's overhead plus any difference between the two servers, not a remote
replica's network cost.

    python benchmarks/bench_replica.py --rounds 6 --requests 300
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from opengov.store.migrate import upgrade  # noqa: E402
from tests.conftest import make_app  # noqa: E402
from tests.production.pgcluster import start_pair  # noqa: E402
from tests.tiles.test_cache import _load_admin_units  # noqa: E402

PATH = "/ogc/collections/admin-units/items?limit=10"


def _rate(client, requests: int) -> float:
    start = time.perf_counter()
    for _ in range(requests):
        assert client.get(PATH).status_code == 200
    return requests / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    pair = start_pair()
    try:
        pair.primary.sql("CREATE DATABASE bench")
        folder = Path(tempfile.mkdtemp(prefix="bench-replica-"))
        primary = make_app(pair.primary.url("bench"), folder / "a", access_log="off",
                           metrics="off")
        upgrade(primary.extensions["opengov"].store.engine)
        _load_admin_units(primary)
        routed = make_app(pair.primary.url("bench"), folder / "b", access_log="off",
                          metrics="off", database_read_url=pair.replica.url("bench"))
        pair.wait_caught_up()
        clients = {"primary": primary.test_client(), "replica": routed.test_client()}
        for client in clients.values():
            _rate(client, 50)  # warm-up: pools, compiled statements, count cache
        assert routed.extensions["opengov"].store.router.using_replica
        rates: dict[str, list[float]] = {"primary": [], "replica": []}
        for i in range(args.rounds):
            order = ("primary", "replica") if i % 2 == 0 else ("replica", "primary")
            for side in order:
                rates[side].append(_rate(clients[side], args.requests))
        ratios = [r / p for r, p in zip(rates["replica"], rates["primary"], strict=True)]
        print(f"{PATH}: {args.rounds} rounds × {args.requests} requests, test client")
        for side, values in rates.items():
            print(f"  {side:<8} median {statistics.median(values):7.1f} req/s  "
                  f"({min(values):.1f}–{max(values):.1f})")
        print(f"  replica ÷ primary: median {statistics.median(ratios):.2f} "
              f"({min(ratios):.2f}–{max(ratios):.2f})")
    finally:
        pair.close()


if __name__ == "__main__":
    main()
