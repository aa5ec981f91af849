"""The packages that make up the service.

Each entry is a module that may define ``collections()`` (the collections it registers) and
``blueprints()`` (its HTTP endpoints, in OpenAPI order), and may contribute command-line
commands through ``commands()`` and ``synth_commands()`` (see :mod:`opengov.cli_context`).
A new capability is one line here.
"""

from __future__ import annotations

import importlib
from types import ModuleType

MODULES = (
    "opengov.web",
    "opengov.procedures",
    "opengov.cameras",
    "opengov.servicecentres",
    "opengov.adminunits",
    "opengov.land",
    "opengov.ogcapi",
    "opengov.tiles",
    "opengov.monitoring",
    "opengov.reports",
    "opengov.catalog",
    "opengov.gateway",
    "opengov.auth",
)


def loaded() -> list[ModuleType]:
    return [importlib.import_module(name) for name in MODULES]


def all_collections() -> list:
    return [c for m in loaded() if hasattr(m, "collections") for c in m.collections()]


def all_blueprints() -> list:
    return [b for m in loaded() if hasattr(m, "blueprints") for b in m.blueprints()]
