"""The per-application state views reach through ``current()``: settings, capabilities, store."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from opengov.capability import Capabilities
from opengov.collections import Registry
from opengov.settings import Settings
from opengov.store.repository import Store


@dataclass
class Context:
    """One application's state. Caches that belong to the application (not to the process)
    live in ``caches``, keyed by their owner's name (e.g. ``"gateway.stale"``)."""

    settings: Settings
    capabilities: Capabilities
    store: Store
    caches: dict = field(default_factory=dict)

    @property
    def registry(self) -> Registry:
        """The application's collections (those of its enabled capabilities)."""
        return self.capabilities.registry


def current() -> Context:
    return current_app.extensions["opengov"]
