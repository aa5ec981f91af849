"""HTTP endpoints of the cameras collection."""

from opengov.api import Blueprint
from opengov.cameras.collection import CAMERAS
from opengov.cameras.views_snapshot import register_snapshot_endpoint
from opengov.collection_views import register_feature_endpoints

blp = Blueprint("cameras", __name__, url_prefix="/cameras",
                description=CAMERAS.description["en"])

register_feature_endpoints(blp, CAMERAS, noun="cameras",
                           example_geometry={"type": "Point", "coordinates": [108.474, 15.573]})
register_snapshot_endpoint(blp)
