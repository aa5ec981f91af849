"""The faults-and-load benchmark (``benchmarks/bench_production.py``) in a short mode, so that
the harness cannot rot: it must start the whole deployment (PostgreSQL primary and replica,
Redis, two hosts, nginx), carry a mixed load through a killed host and reach its own verdicts,
all passing. Its figures are not asserted (benchmarks are run by hand; see benchmarks/README.md).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import need
from tests.production.nginx import need_nginx
from tests.production.pgcluster import PG_BIN

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def test_short_run_with_a_killed_host_reaches_passing_verdicts(tmp_path):
    need_nginx()
    need("redis-server", shutil.which("redis-server") is not None)
    need(f"PostgreSQL binaries in {PG_BIN}", (PG_BIN / "pg_basebackup").exists())
    work = tmp_path / "work"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_production", "--duration", "5",
         "--clients", "4", "--faults", "kill-app", "--no-scaling", "--kill-hold", "2",
         "--recovery-window", "5", "--work", str(work)],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    result = json.loads((work / "result.json").read_text())
    verdicts = result["verdicts"]
    assert {"kill-app: no failed request except those the fault caught",
            "kill-app: every acknowledged write in the primary exactly once",
            "kill-app: no corrupted data", "kill-app: recovered within 10 s",
            "load: replica caught up and holds the same writes"} <= set(verdicts)
    assert all(verdicts.values()), verdicts
    fault = result["load"]["faults"][0]
    # the load really ran through the fault, writes included, and they were all checked
    assert fault["requests"] > 0
    assert fault["writes"]["reports_acknowledged"] > 0
    assert fault["writes"]["batches_acknowledged"] > 0
    assert "PASS: kill-app: recovered within 10 s" in done.stdout
