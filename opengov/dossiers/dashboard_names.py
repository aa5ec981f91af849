"""Names the dashboard shows instead of codes (agencies, procedures, from the procedures
catalogue) and its rule for "slowest"."""

from __future__ import annotations

from sqlalchemy import select

from opengov.procedures.collection import PROCEDURES


def _catalogue(store):
    try:
        return store.table(PROCEDURES.table_name)
    except KeyError:
        return None


def agency_names(store, conn, codes, lang: str) -> dict[str, str]:
    """The name of each agency code in the catalogue (English when the catalogue has an
    ``agency_en`` column with a value, Vietnamese otherwise); unknown codes are left out."""
    t = _catalogue(store)
    wanted = sorted(set(codes))
    if t is None or not wanted:
        return {}
    en = t.c.get("agency_en") if lang == "en" else None
    columns = [t.c.agency_code, t.c.agency] + ([en] if en is not None else [])
    names: dict[str, str] = {}
    for row in conn.execute(select(*columns).distinct().where(t.c.agency_code.in_(wanted))
                            .order_by(t.c.agency_code)):
        name = (row[2] if len(row) > 2 else None) or row[1]
        if name:
            names.setdefault(row[0], name)
    return names


def procedure_names(store, conn, codes, lang: str) -> dict[str, str]:
    """The name of each procedure code in the catalogue, in ``lang`` (Vietnamese when the
    English one is missing)."""
    t = _catalogue(store)
    wanted = sorted(set(codes))
    if t is None or not wanted:
        return {}
    rows = conn.execute(select(t.c.code, t.c.name_vi, t.c.name_en).where(t.c.code.in_(wanted)))
    return {code: (en if lang == "en" and en else vi) or code for code, vi, en in rows}


def slowest(cells: list[dict], limit: int = 10) -> list[dict]:
    """Procedures whose median days taken exceed their median statutory time, the furthest
    over first (median ÷ statutory, then days over, then more dossiers), at most ``limit``."""
    late = [c for c in cells if c["days_median"] is not None and c["statutory_days_median"]
            and c["days_median"] > c["statutory_days_median"]]
    late.sort(key=lambda c: (-c["days_median"] / c["statutory_days_median"],
                             -(c["days_median"] - c["statutory_days_median"]),
                             -c["received"], c["procedure"]))
    return late[:limit]
