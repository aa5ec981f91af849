"""The Query contract: a filter tree, bbox, time interval, sort, limit and cursor.

Domain filters (and later CQL2) compile into these nodes; each storage backend compiles the tree
into SQL with bound parameters. Nothing here knows SQL or HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Union

ComparisonOp = Literal["=", "<>", "<", "<=", ">", ">="]


@dataclass(frozen=True)
class Param:
    """A named placeholder standing for a value in a parameterised query shape."""

    name: str


@dataclass(frozen=True)
class Compare:
    field: str
    op: ComparisonOp
    value: object


@dataclass(frozen=True)
class In:
    field: str
    values: tuple[object, ...]


@dataclass(frozen=True)
class Between:
    field: str
    low: object
    high: object


@dataclass(frozen=True)
class Like:
    field: str
    pattern: str
    case_insensitive: bool = False


@dataclass(frozen=True)
class IsNull:
    field: str


@dataclass(frozen=True)
class Intersects:
    """Spatial intersection with a WKB geometry in CRS84. ``bounds`` (minx, miny, maxx, maxy)
    are read from the geometry when absent; a parameterised shape binds both."""

    wkb: bytes | Param
    bounds: tuple | None = None


@dataclass(frozen=True)
class TextMatch:
    """Full-text match on the collection's folded search column."""

    text: str


@dataclass(frozen=True)
class And:
    items: tuple[Filter, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Filter, ...]


@dataclass(frozen=True)
class Not:
    item: Filter


Filter = Union[Compare, In, Between, Like, IsNull, Intersects, TextMatch, And, Or, Not]  # noqa: UP007


@dataclass(frozen=True)
class BBox:
    minx: float
    miny: float
    maxx: float
    maxy: float

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.minx, self.miny, self.maxx, self.maxy)


@dataclass(frozen=True)
class Interval:
    """Half-open time interval ``[start, end)``; either end may be open (None)."""

    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False


@dataclass(frozen=True)
class Query:
    filter: Filter | None = None
    bbox: BBox | None = None
    interval: Interval | None = None
    updated_since: datetime | None = None
    sort: tuple[SortKey, ...] = ()
    limit: int = 100
    offset: int = 0
    cursor: str | None = None
    search: str | None = None
    extra: dict = field(default_factory=dict)

    def key(self) -> str:
        """A stable text key of everything that selects rows (not paging)."""
        return repr((self.filter, self.bbox, self.interval, self.updated_since, self.search))


def all_of(*items: Filter | None) -> Filter | None:
    """AND together the non-empty filters."""
    present = tuple(i for i in items if i is not None)
    if not present:
        return None
    return present[0] if len(present) == 1 else And(present)
