"""Categories (Open311 services) and the agencies they route to, read from their collection.

Categories are a small batch dataset (``datasets/report-categories``) replaced by loads like any
other; agencies are the distinct default agencies of the categories.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from opengov.errors import ApiError
from opengov.reports.collection import CATEGORIES


@dataclass(frozen=True)
class Category:
    code: str
    name: dict
    description: dict
    group: str | None
    keywords: tuple[str, ...]
    agency: str
    agency_name: dict
    target_hours: int
    attributes: tuple[dict, ...]


def all_categories(store, conn=None) -> list[Category]:
    """Every category, in code order."""
    table = store.table(CATEGORIES.table_name)
    stmt = select(table.c._feature).order_by(table.c.id)
    if conn is None:
        with store.engine.connect() as own:
            rows = own.execute(stmt).scalars().all()
    else:
        rows = conn.execute(stmt).scalars().all()
    return [_category(json.loads(r)) for r in rows]


def _category(record: dict) -> Category:
    return Category(
        code=record["id"], name=record["name"], description=record.get("description") or {},
        group=record.get("group"), keywords=tuple(record.get("keywords") or ()),
        agency=record["agency"], agency_name=record.get("agency_name") or {},
        target_hours=int(record["target_hours"]),
        attributes=tuple(record.get("attributes") or ()))


def get_category(store, code: str, conn=None) -> Category:
    """The category ``code`` or a 422 naming the known ones."""
    categories = {c.code: c for c in all_categories(store, conn)}
    if code not in categories:
        raise ApiError(422, f"Unknown category {code!r}; see /open311/v2/services.json.",
                       errors=[{"location": "body", "field": "category",
                                "messages": [f"One of: {', '.join(categories)}."]}])
    return categories[code]


def agencies(store, conn=None) -> set[str]:
    """Agency codes reports can be assigned to."""
    return {c.agency for c in all_categories(store, conn)}
