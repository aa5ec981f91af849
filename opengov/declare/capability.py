"""The ``declared`` capability: the collections declared under the datasets folder, served
through the same registry and views as the built-in ones.

At ``create_app`` every ``datasets/<id>/metadata.yaml`` with a ``source`` key (built-in dataset
folders have none; the bundled sample folder is never read) becomes a collection of this
capability. Its blueprint gives each one native list and item endpoints at ``/<id>``
(:mod:`.routes`); OGC API, tiles, the catalogue, the data dictionary and the OpenAPI document
read the registry and so serve them too. An invalid declaration stops the start-up with one
line (:class:`~opengov.loader.LoadError`, exit status 2 from the command line).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path

from opengov.capability import Capability
from opengov.collections import Collection
from opengov.declare.model import DeclarationError

NAME = "declared"


def blueprint_name(collection_id: str) -> str:
    """The Flask blueprint of a declared collection (ids are unique, so are these)."""
    return f"{NAME}-{collection_id}"


def declared_collections(datasets_path: Path | None,
                         skip: Iterable[str] = ()) -> tuple[Collection, ...]:
    """The declared collections under ``datasets_path`` (none for the bundled sample or a
    missing folder), each with the endpoint its links are built from; ``skip``: built-in ids."""
    from opengov.declare.load import find_declarations
    from opengov.sample import sample_datasets

    if datasets_path is None or not Path(datasets_path).is_dir():
        return ()
    if Path(datasets_path).resolve() == sample_datasets().resolve():
        return ()
    from opengov.declare.load import offer_native_crs

    found = find_declarations(Path(datasets_path), skip)
    for folder, declaration in found:  # its native CRS is offered by crs= (opengov.geo.crs)
        offer_native_crs(declaration, folder / "metadata.yaml")
    return tuple(dataclasses.replace(d.collection,
                                     endpoint=f"{blueprint_name(d.collection.id)}.list_view")
                 for _, d in found)


def declared_capability(datasets_path: Path | None,
                        built_in: Sequence[Capability]) -> Capability:
    """The capability publishing the declarations under ``datasets_path``; the collections of
    ``built_in`` (enabled or not) are never read as declarations."""
    skip = {c.id for capability in built_in for c in capability.collections()}
    collections = declared_collections(datasets_path, skip)

    def blueprints(_registry):
        from opengov.declare.routes import blueprint

        return [blueprint(c) for c in collections]

    return Capability(name=NAME, summary="declared datasets" if collections else "",
                      collections=lambda: collections, blueprints=blueprints)


def check_paths(app, capabilities, datasets_path: Path) -> None:
    """Refuse (one line) a declared id that is the first segment of another path of the
    application (``datasets``, ``ogc``, ``tiles``…): its list would shadow it or be shadowed."""
    declared = {c.id for capability in capabilities.enabled if capability.name == NAME
                for c in capability.collections()}
    for rule in app.url_map.iter_rules():
        first = rule.rule.strip("/").split("/")[0]
        if first in declared and not rule.endpoint.startswith(f"{blueprint_name(first)}."):
            raise DeclarationError(str(Path(datasets_path) / first / "metadata.yaml"), "id",
                                   f"{first!r} is taken by the path {rule.rule} of the "
                                   "application; choose another id (and folder name)")
