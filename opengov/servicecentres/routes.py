"""HTTP endpoints of the service-centres collection."""

from opengov.api import Blueprint
from opengov.collection_views import register_feature_endpoints
from opengov.servicecentres.collection import SERVICE_CENTRES

blp = Blueprint("service-centres", __name__, url_prefix="/service-centres",
                description=SERVICE_CENTRES.description["en"])

register_feature_endpoints(blp, SERVICE_CENTRES, noun="service centres",
                           example_geometry={"type": "Point", "coordinates": [108.474, 15.573]})
