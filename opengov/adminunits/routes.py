"""HTTP endpoints of the admin-units collection."""

from opengov.adminunits.collection import ADMIN_UNITS
from opengov.api import Blueprint
from opengov.collection_views import register_feature_endpoints

blp = Blueprint("admin-units", __name__, url_prefix="/admin-units",
                description=ADMIN_UNITS.description["en"])

register_feature_endpoints(blp, ADMIN_UNITS, noun="administrative units",
                           example_geometry={"type": "Polygon", "coordinates": [
                               [[108.45, 15.55], [108.5, 15.55], [108.5, 15.6], [108.45, 15.55]]]})
