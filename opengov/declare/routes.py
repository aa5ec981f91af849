"""Native endpoints of a declared collection: ``/<id>`` (list) and ``/<id>/<item id>``, built
from the shared views (:mod:`opengov.collection_views`) exactly as the built-ins' are."""

from __future__ import annotations

from opengov.api import Blueprint
from opengov.collection_views import register_feature_endpoints, register_record_endpoints
from opengov.collections import Collection
from opengov.declare.capability import blueprint_name

# Documentation examples only (the OpenAPI document); a declaration states no extent.
_EXAMPLE_GEOMETRY = {
    "Point": {"type": "Point", "coordinates": [108.2, 16.05]},
    "LineString": {"type": "LineString", "coordinates": [[108.2, 16.05], [108.21, 16.06]]},
    "Polygon": {"type": "Polygon", "coordinates": [
        [[108.2, 16.05], [108.21, 16.05], [108.21, 16.06], [108.2, 16.05]]]},
}
_EXAMPLE_GEOMETRY["MultiPolygon"] = {"type": "MultiPolygon", "coordinates": [
    _EXAMPLE_GEOMETRY["Polygon"]["coordinates"]]}
_EXAMPLE_GEOMETRY["Geometry"] = _EXAMPLE_GEOMETRY["Point"]


def blueprint(collection: Collection) -> Blueprint:
    """The blueprint serving ``collection`` at ``/<id>``."""
    blp = Blueprint(blueprint_name(collection.id), __name__, url_prefix=f"/{collection.id}",
                    description=collection.description["en"])
    noun = collection.title["en"]
    if collection.spatial:
        register_feature_endpoints(blp, collection, noun=noun,
                                   example_geometry=_EXAMPLE_GEOMETRY[collection.geometry_type])
    else:
        register_record_endpoints(blp, collection, noun=noun)
    return blp
