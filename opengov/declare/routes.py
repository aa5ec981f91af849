"""Native endpoints of a declared collection: ``/<id>`` (list) and ``/<id>/<item id>``, built
from the shared views (:mod:`opengov.collection_views`) exactly as the built-ins' are."""

from __future__ import annotations

from opengov.api import Blueprint
from opengov.collection_views import register_feature_endpoints, register_record_endpoints
from opengov.collections import Collection
from opengov.declare.capability import blueprint_name


def example_geometry(geometry_type: str) -> dict:
    """A documentation example of ``geometry_type`` (the OpenAPI document only; a declaration
    states no extent)."""
    ring = [[108.2, 16.05], [108.21, 16.05], [108.21, 16.06], [108.2, 16.05]]
    if geometry_type == "LineString":
        return {"type": "LineString", "coordinates": ring[:2]}
    if geometry_type == "Polygon":
        return {"type": "Polygon", "coordinates": [ring]}
    if geometry_type == "MultiPolygon":
        return {"type": "MultiPolygon", "coordinates": [[ring]]}
    return {"type": "Point", "coordinates": ring[0]}  # Point, and Geometry of any type


def blueprint(collection: Collection) -> Blueprint:
    """The blueprint serving ``collection`` at ``/<id>``."""
    blp = Blueprint(blueprint_name(collection.id), __name__, url_prefix=f"/{collection.id}",
                    description=collection.description["en"])
    noun = collection.title["en"]
    if collection.spatial:
        register_feature_endpoints(blp, collection, noun=noun,
                                   example_geometry=example_geometry(collection.geometry_type))
    else:
        register_record_endpoints(blp, collection, noun=noun)
    return blp
