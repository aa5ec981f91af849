"""The built-in capabilities, in the order their endpoints appear in the OpenAPI document.

Each entry names a module whose ``CAPABILITY`` (:class:`opengov.capability.Capability`) says what
it contributes. This is the composition root's list: nothing but ``create_app``, the command line
and the migrations' environment reads it; everything else reads the application's
:class:`~opengov.capability.Capabilities` (``current().capabilities``).
"""

from __future__ import annotations

import importlib

from opengov.capability import Capabilities, Capability, build

BUILT_IN = (
    "opengov.web",
    "opengov.procedures",
    "opengov.cameras",
    "opengov.servicecentres",
    "opengov.adminunits",
    "opengov.land",
    "opengov.ogcapi",
    "opengov.map",
    "opengov.tiles",
    "opengov.monitoring",
    "opengov.reports",
    "opengov.dossiers",
    "opengov.catalog",
    "opengov.gateway",
    "opengov.auth",
)


def built_in() -> tuple[Capability, ...]:
    """Every built-in declaration (importing each package's ``__init__`` only)."""
    return tuple(importlib.import_module(name).CAPABILITY for name in BUILT_IN)


def capabilities_for(settings) -> Capabilities:
    """The capabilities ``settings`` enable (``capabilities`` / ``disabled_capabilities``): the
    built-in ones, then ``declared``, the collections declared under ``datasets_path``
    (:mod:`opengov.declare.capability`)."""
    from opengov.declare.capability import declared_capability

    available = built_in()
    available += (declared_capability(settings.datasets_path, available),)
    return build(available, settings.capabilities, settings.disabled_capabilities)


def all_capabilities() -> Capabilities:
    """Every built-in capability enabled: the schema the migrations describe."""
    return build(built_in())
