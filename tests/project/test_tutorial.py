"""CI runs docs/tutorial.md's `bash tutorial` blocks (.ci/tutorial): a formatting change must not
silently leave the tutorial's commands out of that run."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _extractor():
    spec = importlib.util.spec_from_file_location("tutorial_blocks",
                                                  ROOT / ".ci" / "tutorial_blocks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ci_runs_every_step_of_the_tutorial():
    blocks = _extractor().blocks((ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 8 and all(b.strip() for b in blocks)
    commands = "\n".join(blocks)
    assert re.search(r"^opengov new \S+ --region", commands, re.M)
    added = re.findall(r"^opengov add \S+\.(\w+) --id", commands, re.M)
    assert len(set(added)) >= 3, added  # three files of different formats
    for step in ("opengov load", "opengov serve", "filter-lang=cql2-text", "sha256sum -c",
                 'kill "$(cat serve.pid)"'):
        assert step in commands, step
    order = [commands.index(s) for s in ("opengov new", "opengov add", "opengov load",
                                         "opengov serve", "curl", "kill")]
    assert order == sorted(order)


def test_only_marked_blocks_are_extracted_and_an_open_fence_is_an_error():
    extractor = _extractor()
    text = ("```bash\npip install opengov\n```\n```bash tutorial\necho one\n```\n"
            "````bash tutorial\nprintf '```'\n````\n```text\noutput\n```\n")
    assert extractor.blocks(text) == ["echo one", "printf '```'"]
    script = extractor.script(text)
    assert script.startswith("set -euo pipefail\n") and "pip install" not in script
    with pytest.raises(ValueError):
        extractor.blocks("```bash tutorial\necho never closed\n")


def test_ci_runs_the_tutorial_after_the_wheel_smoke_test():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert lines.index(".ci/tutorial") == lines.index(".ci/wheel-smoke") + 1
