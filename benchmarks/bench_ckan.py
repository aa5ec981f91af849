"""The CKAN API on the full sample: first calls on unbuilt files, the build ahead, warm calls.

    python benchmarks/bench_ckan.py [--folder benchmarks/.work/ckan-full] [--rounds 5] [--build]

Loads the full bundled sample into a SQLite database in ``--folder`` (once; reused after),
then times, in process through the test client: ``package_show`` of every dataset once on a
fresh distributions folder (no file built: reads never build, sizes are unknown), with
``--build`` the build ahead that ``opengov load`` and the first start do
(:mod:`opengov.catalog.prebuild`), then ``package_search`` over all datasets, ``package_show``
and ``datastore_search`` with a full-text ``q`` (medians of ``--rounds``).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from opengov.app import create_app  # noqa: E402
from opengov.catalog.prebuild import build_current, build_extracts  # noqa: E402
from opengov.loader import load_all  # noqa: E402
from opengov.store.migrate import upgrade  # noqa: E402

DATASETS = Path(__file__).resolve().parent.parent / "datasets"


def _app(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "db.sqlite3"
    fresh = not db.exists()
    app = create_app({"database_url": f"sqlite:///{db}", "instance_path": folder,
                      "datasets_path": DATASETS})
    if fresh:
        store = app.extensions["opengov"].store
        upgrade(store.engine)
        load_all(store, DATASETS)
    return app


def _timed(call) -> float:
    started = time.perf_counter()
    response = call()
    assert response.status_code == 200, response.data[:300]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path("benchmarks/.work/ckan-full"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--build", action="store_true",
                        help="Time building every file ahead (minutes on the full sample).")
    args = parser.parse_args()
    app = _app(args.folder)
    shutil.rmtree(args.folder / "distributions", ignore_errors=True)
    client = app.test_client()
    for dataset in client.get("/datasets?limit=1000").get_json()["datasets"]:
        seconds = _timed(lambda d=dataset: client.post("/api/action/package_show",
                                                       json={"id": d["id"]}))
        print(f"first package_show {dataset['id']:<24} {dataset['record_count']:>9} records"
              f"  {seconds:7.3f} s")
    if args.build:
        started = time.perf_counter()
        built = build_current(app) + build_extracts(app)
        print(f"build ahead: {built} files in {time.perf_counter() - started:.1f} s")
    calls = {
        "package_search (all)": ("package_search", {"rows": 1000}),
        "package_show procedures": ("package_show", {"id": "procedures"}),
        "datastore_search q": ("datastore_search",
                               {"resource_id": "procedures.csv", "q": "ho tich"}),
    }
    for label, (action, body) in calls.items():
        times = [_timed(lambda a=action, b=body: client.post(f"/api/action/{a}", json=b))
                 for _ in range(args.rounds)]
        print(f"warm {label:<28} median {statistics.median(times) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
