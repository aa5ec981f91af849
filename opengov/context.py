"""The per-application state views reach through ``current()``: settings, registry, store."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from opengov.collections import Registry
from opengov.settings import Settings
from opengov.store.repository import Store


@dataclass
class Context:
    settings: Settings
    registry: Registry
    store: Store


def current() -> Context:
    return current_app.extensions["opengov"]
