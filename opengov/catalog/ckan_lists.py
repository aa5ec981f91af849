"""CKAN's ``tag_list``, ``organization_list`` and ``group_list`` over the catalogue.

Tags are the datasets' keywords (English and Vietnamese), organizations their publishers, and
groups their EU data themes (titles from the EU Publications Office "Data theme" authority
table, http://publications.europa.eu/resource/authority/data-theme). Arguments as in CKAN 2.10
(``ckan.logic.action.get``): ``all_fields`` gives dictionaries instead of names.
"""

from __future__ import annotations

from collections import Counter

from opengov.errors import ApiError
from opengov.text import fold

THEMES = {
    "AGRI": "Agriculture, fisheries, forestry and food", "ECON": "Economy and finance",
    "EDUC": "Education, culture and sport", "ENER": "Energy", "ENVI": "Environment",
    "GOVE": "Government and public sector", "HEAL": "Health", "INTR": "International issues",
    "JUST": "Justice, legal system and public safety", "OP_DATPRO": "Provisional data",
    "REGI": "Regions and cities", "SOCI": "Population and society",
    "TECH": "Science and technology", "TRAN": "Transport",
}


def tags(packages: list[dict], query: str = "", all_fields: bool = False) -> list:
    """Every tag name (sorted); ``query`` keeps those containing it (case and accents
    folded)."""
    names = sorted({t["name"] for p in packages for t in p["tags"]})
    if query:
        names = [n for n in names if fold(query) in fold(n)]
    if not all_fields:
        return names
    return [{"id": n, "name": n, "display_name": n, "vocabulary_id": None} for n in names]


def _owners(packages: list[dict], kind: str) -> tuple[dict[str, dict], Counter]:
    """Each distinct organization (``kind="organization"``) or group, with dataset counts."""
    found: dict[str, dict] = {}
    counts: Counter = Counter()
    for pkg in packages:
        owners = [pkg["organization"]] if kind == "organization" else pkg["groups"]
        for owner in owners:
            found.setdefault(owner["name"], owner)
            counts[owner["name"]] += 1
    return found, counts


def _entry(owner: dict, kind: str, count: int, created: str) -> dict:
    title = owner.get("title") or owner["name"]
    if kind == "group":
        title = THEMES.get(owner["name"], title)
    return {"id": owner["name"], "name": owner["name"], "title": title, "display_name": title,
            "description": "", "type": kind, "is_organization": kind == "organization",
            "state": "active", "approval_status": "approved", "image_url": "",
            "image_display_url": "", "created": created, "package_count": count,
            "num_followers": 0}


SORTS = {"name": lambda e: e["name"], "title": lambda e: fold(e["title"]),
         "package_count": lambda e: e["package_count"], "packages": lambda e: e["package_count"]}


def owners(packages: list[dict], kind: str, args: dict) -> list:
    """``organization_list`` / ``group_list``: names, or dictionaries with ``all_fields``."""
    found, counts = _owners(packages, kind)
    created = min((p["metadata_created"] for p in packages if p.get("metadata_created")),
                  default="")
    entries = [_entry(o, kind, counts[n], created) for n, o in found.items()]
    wanted = args.get("organizations" if kind == "organization" else "groups")
    if wanted:
        entries = [e for e in entries if e["name"] in set(wanted)]
    field, _, direction = (args.get("sort") or "name asc").strip().partition(" ")
    if field not in SORTS or direction.strip().lower() not in ("", "asc", "desc"):
        raise ApiError(409, f"Cannot sort by {args['sort']!r}: use name, title or "
                            "package_count, then asc or desc.",
                       errors=[{"field": "sort", "messages": ["Unknown sort."]}])
    entries.sort(key=SORTS[field], reverse=direction.strip().lower() == "desc")
    offset = args.get("offset") or 0
    limit = args.get("limit")
    entries = entries[offset:offset + limit] if limit is not None else entries[offset:]
    if args.get("all_fields"):
        if not args.get("include_dataset_count", True):
            for e in entries:
                e.pop("package_count")
        return entries
    return [e["name"] for e in entries]
