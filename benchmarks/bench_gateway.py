"""Harvest throughput: N camera features from the upstream stand-in into SQLite or PostgreSQL.

Runs: first harvest (all new), a harvest within the cache expiry (no request), a revalidated
harvest (304), a harvest where every record changed. Median of REPEAT runs each.
Usage: python benchmarks/bench_gateway.py N REPEAT [postgresql-url]  (from the repository root)
"""

import json
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
warnings.simplefilter("ignore")

from opengov.app import create_app  # noqa: E402
from opengov.gateway import service  # noqa: E402
from opengov.gateway.config import load_sources  # noqa: E402
from opengov.gateway.harvest import Harvester  # noqa: E402
from opengov.store.migrate import upgrade  # noqa: E402
from tests.upstream import Upstream  # noqa: E402

N, REPEAT = int(sys.argv[1]), int(sys.argv[2])
PG = sys.argv[3] if len(sys.argv) > 3 else None


def features(n, status):
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point",
                                         "coordinates": [107.5 + (i % 1000) / 1000, 15.5 + i / n]},
         "properties": {"ID": f"c{i:06d}", "NAME": f"Camera {i}", "K": 1, "S": status}}
        for i in range(n)]})


SOURCES = """
[[sources]]
id = "bench"
collection = "cameras"
connector = "geojson"
url = "{url}/cams.geojson"
expire_after = {expire}
[sources.fields]
id = "ID"
name_vi = "NAME"
kind = {{ from = "K", codes = {{ "1" = "traffic" }} }}
status = "S"
"""


def timed(fn):
    t = time.perf_counter()
    report = fn()
    return time.perf_counter() - t, report


def run_once(up, bodies):
    tmp = Path(tempfile.mkdtemp())
    url = PG or f"sqlite:///{tmp / 'db.sqlite3'}"
    app = create_app({"database_url": url, "instance_path": tmp,
                      "sources_file": str(tmp / "s.toml")})
    ext = app.extensions["opengov"]
    upgrade(ext.store.engine)
    if PG:
        ext.store.repo("cameras").replace_all([], "reset")
    out = {}
    for label, body, expire, refresh in (("first harvest (all new)", bodies[0], 0, False),
                                         ("revalidated, 304 (unchanged)", None, 600, False),
                                         ("within expiry (no request)", None, 600, False),
                                         ("within expiry, shortcut off", None, 600, False),
                                         ("every record changed", bodies[1], 600, True)):
        (tmp / "s.toml").write_text(SOURCES.format(url=up.url, expire=expire))
        if body:
            up.route("/cams.geojson", body)
        source = load_sources(ext.settings, ext.registry)["bench"]
        h = Harvester(ext.settings, ext.registry, ext.store, refresh=refresh)
        if "shortcut off" in label:
            h._unchanged = lambda *args: False
        seconds, report = timed(lambda h=h, source=source: h.run(source))
        h.close()
        assert report.status == "ok", report.error
        out[label] = (seconds, report)
    ctx = ext
    with app.app_context():
        service.stale_collections(ctx)
        t = time.perf_counter()
        for _ in range(100_000):
            service.stale_collections(ctx)
        out["hook"] = ((time.perf_counter() - t) / 100_000, None)
    ext.store.engine.dispose()
    return out


with Upstream() as up:
    bodies = (features(N, "online"), features(N, "offline"))
    runs = [run_once(up, bodies) for _ in range(REPEAT)]
print(f"N = {N} features, {len(bodies[0]) / 1e6:.1f} MB GeoJSON, backend "
      f"{'postgresql' if PG else 'sqlite'}, {REPEAT} runs")
for label in runs[0]:
    med = statistics.median(r[label][0] for r in runs)
    rep = runs[0][label][1]
    if rep is None:
        print(f"| stale-collections lookup per request (cached) | {med * 1e6:.2f} µs |")
        continue
    print(f"| {label} | {med:.2f} s | {N / med:,.0f} records/s | requests {rep.requests}, "
          f"from cache {rep.from_cache}, new {rep.new}, changed {rep.changed} |")
