"""The versioned land-use code table (``datasets/land-use-codes``), as reference data in code.

Codes of Circular 08/2024/TT-BTNMT (in force since 2024-08-01) and retired codes of Circular
27/2018/TT-BTNMT still found in older records. A parcel's ``landuse`` is one code or several
joined by ``+`` (mixed use, e.g. ``ODT+CLN``).
"""

from __future__ import annotations

import json
from functools import cache

from opengov.sample import sample_datasets

SEPARATOR = "+"


@cache
def code_table() -> tuple[dict, ...]:
    """Every row of the code table (both schemes), in file order."""
    path = sample_datasets() / "land-use-codes" / "land-use-codes.ndjson"
    with path.open(encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh if line.strip())


@cache
def known_codes() -> tuple[str, ...]:
    """Codes valid in any version of the table, sorted."""
    return tuple(sorted({row["code"] for row in code_table()}))


def components(landuse: str) -> tuple[str, ...]:
    """The codes of a (possibly mixed) land-use value: ``ODT+CLN`` → ``("ODT", "CLN")``."""
    return tuple(c for c in landuse.split(SEPARATOR) if c)
