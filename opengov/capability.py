"""Capabilities: what each package contributes to an application, declared in one place.

Every built-in package (procedures, land, ogcapi, catalog, …) declares one
``CAPABILITY = Capability(...)`` in its ``__init__.py``. The declaration is a frozen, keyword-only
dataclass, so a misspelt contribution (``blueprint=`` for ``blueprints=``) is a ``TypeError``
when the package is imported — at start-up, never a silently missing feature.

Contributions are zero-cost until used: each is a function the application calls when it
builds itself (imports of routes, schemas and generators stay inside those functions).

:func:`build` turns the enabled declarations into :class:`Capabilities`, the one object per
application that every consumer reads (through ``current().capabilities`` or, for collections,
``current().registry``). See docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from opengov.collections import Collection, Registry

if TYPE_CHECKING:  # pragma: no cover - types only
    from flask import Response
    from sqlalchemy import MetaData

    from opengov.errors import Problem

#: ``(path prefix, formatter)``: errors under the prefix are rendered by the formatter.
ErrorFamily = tuple[str, "Callable[[Problem], Response]"]


def _none(*_args: Any) -> tuple:
    return ()


@dataclass(frozen=True, kw_only=True)
class Capability:
    """One package's contributions. Every field but ``name`` is optional.

    - ``collections()``: the collections it publishes (registered in this order);
    - ``blueprints(registry)``: its HTTP endpoints, in OpenAPI order; ``registry`` holds the
      application's collections (OGC API and tiles serve the spatial ones);
    - ``tables(metadata)``: declares its private tables (beyond its collections' own) on the
      store's ``MetaData``;
    - ``commands()`` / ``synth_commands()``: click commands added to ``opengov`` / ``opengov
      synth``;
    - ``sample_loader(store, profile)``: generates sample data at load time (a ``LoadResult``
      or a list of them);
    - ``live_sources(store)``: live tables the catalogue publishes as monthly extracts;
    - ``error_families()``: ``(path prefix, formatter)`` pairs for API families that render
      errors their own way (Open311, CKAN);
    - ``after_load(app, collection_ids, echo)``: work due once a load changed collections (the
      catalogue builds their download files, so sizes and checksums are known before any
      download); returns how many things it built;
    - ``metrics_collectors(ctx)``: prometheus-client collectors read at scrape time
      (``GET /metrics``), e.g. the age of each harvested source;
    - ``requires``: names of capabilities that must be enabled with this one;
    - ``summary``: a few words for the landing page ("citizen reports").
    """

    name: str
    summary: str = ""
    collections: Callable[[], Iterable[Collection]] = _none
    blueprints: Callable[[Registry], Sequence[Any]] = _none
    tables: Callable[[MetaData], None] | None = None
    commands: Callable[[], Iterable[Any]] = _none
    synth_commands: Callable[[], Iterable[Any]] = _none
    sample_loader: Callable[[Any, str], Any] | None = None
    live_sources: Callable[[Any], Iterable[Any]] = _none
    error_families: Callable[[], Iterable[ErrorFamily]] = _none
    metrics_collectors: Callable[[Any], Iterable[Any]] = _none
    after_load: Callable[[Any, Sequence[str], Callable[[str], object]], int] | None = None
    requires: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(f"capability name {self.name!r} is not an identifier")


class CapabilityError(ValueError):
    """An unknown, duplicated or unsatisfied capability in the settings (one line)."""


@dataclass(frozen=True)
class Capabilities:
    """The enabled capabilities of one application and the collection registry built from them.

    Built once by ``create_app`` (:func:`build`); never changed afterwards.
    """

    enabled: tuple[Capability, ...]
    registry: Registry = field(default_factory=Registry)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.enabled)

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def blueprints(self) -> list:
        return [b for c in self.enabled for b in c.blueprints(self.registry)]

    def table_contributions(self) -> tuple[Callable[[MetaData], None], ...]:
        """What the store adds to its schema beyond the collections' tables."""
        return tuple(c.tables for c in self.enabled if c.tables is not None)

    def sample_loaders(self) -> list[Callable[[Any, str], Any]]:
        return [c.sample_loader for c in self.enabled if c.sample_loader is not None]

    def live_sources(self, store) -> list:
        return [s for c in self.enabled for s in c.live_sources(store)]

    def error_families(self) -> list[ErrorFamily]:
        """Longest prefix first, so ``/api/3/action`` wins over a shorter one."""
        families = [f for c in self.enabled for f in c.error_families()]
        return sorted(families, key=lambda item: -len(item[0]))

    def after_load(self, app, collection_ids: Sequence[str],
                   echo: Callable[[str], object] = lambda line: None) -> int:
        """Run every enabled capability's ``after_load``; how many things they built."""
        return sum(c.after_load(app, collection_ids, echo) for c in self.enabled
                   if c.after_load is not None)

    def metrics_collectors(self, ctx) -> list:
        return [m for c in self.enabled for m in c.metrics_collectors(ctx)]

    def summaries(self) -> list[str]:
        return [c.summary for c in self.enabled if c.summary]


def build(available: Sequence[Capability], enabled: Iterable[str] = (),
          disabled: Iterable[str] = ()) -> Capabilities:
    """The application's capabilities: ``enabled`` (every one of ``available`` when empty)
    minus ``disabled``, in ``available`` order, with their collections registered.

    Raises :class:`CapabilityError` for an unknown name or a missing requirement.
    """
    known = {c.name: c for c in available}
    if len(known) != len(available):
        raise CapabilityError("two capabilities share a name")
    enabled, disabled = _names(enabled), _names(disabled)
    for name in (*enabled, *disabled):
        if name not in known:
            raise CapabilityError(f"unknown capability {name!r}; known: {', '.join(known)}")
    chosen = [c for c in available if (not enabled or c.name in enabled)
              and c.name not in disabled]
    names = {c.name for c in chosen}
    for capability in chosen:
        missing = [r for r in capability.requires if r not in names]
        if missing:
            raise CapabilityError(f"capability {capability.name!r} requires "
                                  f"{', '.join(repr(m) for m in missing)}, which is not enabled")
    registry = Registry()
    for capability in chosen:
        for collection in capability.collections():
            registry.register(collection)
    return Capabilities(tuple(chosen), registry)


def _names(value: Iterable[str] | str) -> tuple[str, ...]:
    """``"land, reports"`` or ``["land", "reports"]`` → ``("land", "reports")``."""
    items = value.split(",") if isinstance(value, str) else value
    return tuple(n.strip() for n in items if n.strip())
