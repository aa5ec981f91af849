"""Tree-wide quality gates a reviewer would otherwise check by hand."""

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    targets = [d for d in ("opengov", "tests", "benchmarks") if (REPO / d).is_dir()]
    result = subprocess.run([ruff, "check", *targets], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
