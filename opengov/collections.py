"""The collection registry: every public dataset is declared here once.

A :class:`Collection` describes a dataset's public record schema and serving policy; every view
(domain endpoints, OpenAPI, CSV, later OGC API, tiles and the catalogue) is derived from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

FieldType = Literal[
    "string", "text", "integer", "number", "boolean", "date", "datetime", "i18n", "array", "object"
]
GeometryType = Literal["Point", "LineString", "Polygon", "MultiPolygon", "Geometry"]


@dataclass(frozen=True)
class Field:
    """One public field of a collection's records.

    ``i18n`` fields are ``{"vi": …, "en": …}`` in JSON and ``name_vi``/``name_en`` in CSV and SQL.
    ``array`` and ``object`` fields are kept as JSON and cannot be filtered on.
    """

    name: str
    type: FieldType
    vi: str
    en: str
    unit: str | None = None
    enum: tuple[str, ...] | None = None
    required: bool = False
    filterable: bool = False
    sortable: bool = False
    searchable: bool = False
    example: object = None

    @property
    def columns(self) -> tuple[str, ...]:
        """SQL / CSV column names holding this field."""
        if self.type == "i18n":
            return (f"{self.name}_vi", f"{self.name}_en")
        return (self.name,)

    @property
    def scalar(self) -> bool:
        return self.type not in ("array", "object", "i18n")


@dataclass(frozen=True, eq=False)
class Collection:
    """A dataset published through every view of the registry."""

    id: str
    title: dict[str, str]
    description: dict[str, str]
    fields: tuple[Field, ...]
    id_field: str = "id"
    geometry_type: GeometryType | None = None
    time_field: str | None = None
    commune_field: str | None = None
    native_crs: str = "OGC:CRS84"
    default_limit: int = 100
    max_limit: int = 1000
    kind: Literal["batch", "live"] = "batch"
    #: Lifetime of its answers (``Cache-Control: public, max-age=…``; ETags are revalidated).
    cache_seconds: int = 60
    #: Pages state an exact ``numberMatched`` while counting the matching records reads at most
    #: this many; beyond, a count that would scan is omitted rather than estimated (DESIGN.md).
    #: An unfiltered count is free (the load records it) and always given.
    count_limit: int = 100_000
    keywords: tuple[str, ...] = ()
    #: How often it changes (DCAT ``accrualPeriodicity``: ``monthly``, …); None: ``continuous``
    #: for a live collection, else ``irregular``. A dataset's ``metadata.yaml`` may say otherwise.
    update_frequency: str | None = None
    #: Lowest zoom level at which vector tiles carry this collection (parcels: 13).
    min_zoom: int = 0
    #: Flask endpoint of the collection's own list view (e.g. ``land.list_parcels``); links to
    #: the collection are built from it. None: the collection has no list endpoint of its own.
    endpoint: str | None = None

    @property
    def table_name(self) -> str:
        return "c_" + self.id.replace("-", "_")

    @property
    def spatial(self) -> bool:
        return self.geometry_type is not None

    @property
    def searchable(self) -> bool:
        return any(f.searchable for f in self.fields)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def has_field(self, name: str) -> bool:
        return any(f.name == name for f in self.fields)

    @property
    def filterable_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.filterable)

    @property
    def sortable_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.sortable or f.name == self.id_field)


@dataclass
class Registry:
    """All collections of one application, in registration order."""

    _items: dict[str, Collection] = field(default_factory=dict)

    def register(self, collection: Collection) -> Collection:
        if collection.id in self._items:
            raise ValueError(f"collection {collection.id!r} registered twice")
        self._items[collection.id] = collection
        return collection

    def get(self, collection_id: str) -> Collection:
        return self._items[collection_id]

    def __contains__(self, collection_id: object) -> bool:
        return collection_id in self._items

    def __iter__(self) -> Iterator[Collection]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

