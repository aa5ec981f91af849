"""Turning a report's public record into a row of the ``reports`` collection table.

Reports located only by an address have no geometry: their feature carries ``"geometry": null``
(allowed by RFC 7946 §3.2) and they never match a bbox.
"""

from __future__ import annotations

import hashlib
import json

from opengov.geo.geojson import feature_json
from opengov.reports.collection import REPORTS
from opengov.store.records import row_values

_SOMEWHERE = {"type": "Point", "coordinates": [0.0, 0.0]}


def report_row(record: dict, geometry: dict | None) -> dict:
    """Column values of ``record`` (validated against the collection) at ``geometry``."""
    row = row_values(REPORTS, record, geometry or _SOMEWHERE)
    if geometry is None:
        properties = json.loads(row["_feature"])["properties"]
        row.update(geom=None, _minx=None, _miny=None, _maxx=None, _maxy=None,
                   _feature=feature_json(row["id"], None, properties))
        row["_hash"] = hashlib.sha256(row["_feature"].encode()).hexdigest()
    return row


def record_of(feature: str) -> tuple[dict, dict | None]:
    """The public record and geometry of a stored feature."""
    doc = json.loads(feature)
    return {"id": doc["id"], **doc["properties"]}, doc.get("geometry")
