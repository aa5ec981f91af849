"""The commands of docs/tutorial.md that CI runs: its fenced blocks whose info string is
``bash tutorial``, in order, as one bash script (``python3 .ci/tutorial_blocks.py FILE``)."""

from __future__ import annotations

import sys
from pathlib import Path

MARK = ("bash", "tutorial")


def blocks(text: str) -> list[str]:
    """The bodies of the fenced blocks marked ``bash tutorial``, in document order."""
    found, body, fence = [], None, ""
    for line in text.splitlines():
        stripped = line.strip()
        if body is None:
            if stripped.startswith("```"):
                fence = stripped[:len(stripped) - len(stripped.lstrip("`"))]
                body = [] if tuple(stripped[len(fence):].split()) == MARK else False
        elif stripped == fence:
            if body is not False:
                found.append("\n".join(body))
            body = None
        elif body is not False:
            body.append(line)
    if body is not None:
        raise ValueError("a fenced block is not closed")
    return found


def script(text: str) -> str:
    """The marked blocks as one script that stops at the first failing command."""
    parts = ["set -euo pipefail"]
    for number, block in enumerate(blocks(text), 1):
        parts += [f"printf '\\n--- tutorial block {number}\\n'", block]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    sys.stdout.write(script(Path(sys.argv[1]).read_text(encoding="utf-8")))
