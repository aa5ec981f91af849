"""Where the bundled sample lies: the ``opengov.sample_datasets`` package data.

The repository keeps the sample at its top level (``datasets/``); the build maps that folder
into the package, so nothing is looked up relative to a checkout.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path


@cache
def sample_datasets() -> Path:
    """The folder of the bundled sample datasets (one sub-folder per dataset)."""
    return Path(str(files("opengov.sample_datasets")))
