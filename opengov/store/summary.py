"""What one collection version's records span, kept with the version.

A load that writes a version also writes its summary into ``collection_state.summary``: the
bounding box of the geometries, the largest feature half-size (the grid walk's slack, see
:mod:`opengov.store.spatial_order`) and the range of the time field. Requests read it with the
state row, so the first bbox page of a version on a cold database costs what the page costs,
not an aggregate over every row. A summary written for another version (a live write that
bumped the version without one, or a database loaded before summaries existed) is ignored and
the aggregate runs once per version, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Table, func, select

from opengov.collections import Collection


@dataclass(frozen=True)
class Summary:
    """A version's extent ``(minx, miny, maxx, maxy)``, largest half-size ``(w, h)`` (both None
    without geometries) and time range ``(first, last)`` (None without times)."""

    box: tuple | None = None
    half: tuple | None = None
    times: tuple | None = None

    def to_json(self, version: int) -> dict:
        return {"version": version, "box": list(self.box) if self.box else None,
                "half": list(self.half) if self.half else None,
                "times": [t.isoformat() for t in self.times] if self.times else None}

    @classmethod
    def from_json(cls, stored, version: int) -> Summary | None:
        """The stored summary when it was written for ``version`` (else None)."""
        if not isinstance(stored, dict) or stored.get("version") != version:
            return None
        times = stored.get("times")
        return cls(tuple(stored["box"]) if stored.get("box") else None,
                   tuple(stored["half"]) if stored.get("half") else None,
                   tuple(_time(t) for t in times) if times else None)


def _time(text: str) -> date | datetime:
    return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)


def compute(conn, collection: Collection, table: Table, boxes=None) -> Summary:
    """The summary of ``table``'s rows (``collection``'s, or the table a load fills for it)
    as ``conn`` sees them: one aggregate over every row (loads run it once, inside the write
    transaction that bumps the version). ``boxes``: every row's bounding box as a numpy
    array of ``(_rowid, _minx, _maxx, _miny, _maxy)`` rows (none null), when the caller holds
    them; the extent is then taken from it (the same float operations as the aggregate) and
    only a time field is read from the table."""
    c = table.c
    cols = []
    spatial_in_sql = collection.spatial and boxes is None
    if spatial_in_sql:
        cols += [func.min(c._minx), func.min(c._miny), func.max(c._maxx), func.max(c._maxy),
                 func.max(c._maxx - c._minx) / 2, func.max(c._maxy - c._miny) / 2]
    if collection.time_field:
        cols += [func.min(c[collection.time_field]), func.max(c[collection.time_field])]
    row = list(conn.execute(select(*cols)).one()) if cols else []
    box = half = times = None
    if spatial_in_sql and row[0] is not None:
        box, half = tuple(float(v) for v in row[:4]), tuple(float(v) for v in row[4:6])
    elif collection.spatial and boxes is not None and len(boxes):
        minx, maxx, miny, maxy = (boxes[:, k] for k in (1, 2, 3, 4))
        box = (float(minx.min()), float(miny.min()), float(maxx.max()), float(maxy.max()))
        half = (float((maxx - minx).max() / 2), float((maxy - miny).max() / 2))
    if collection.time_field and row[-2] is not None:
        times = (row[-2], row[-1])
    return Summary(box, half, times)
