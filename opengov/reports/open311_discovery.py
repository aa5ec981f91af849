"""Open311 service discovery: ``/open311/discovery.json`` and ``/open311/discovery.xml``.

GeoReport v2 requires "a standard service discovery file" beside the API (GeoReport v2,
"Service Discovery"); its format is the Open311 Service Discovery page
(wiki.open311.org/Service_Discovery): ``changeset``, ``contact``, ``key_service`` and
``endpoints[]`` of ``specification``, ``url``, ``changeset``, ``type`` and ``formats[]``, in XML
under ``<discovery>`` and in JSON by the same Spark mapping as the rest of the API.
"""

from __future__ import annotations

from opengov.api import Blueprint
from opengov.links import url_for_path
from opengov.reports.open311 import JSON_TYPE, PREFIX, render
from opengov.reports.open311_schemas import DiscoverySchema
from opengov.reports.open311_xml import MEDIA_TYPE, to_xml

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint last changed in a way clients notice (bump with the API).
CHANGESET = "2026-12-07T00:00:00Z"
CONTACT = "Open an issue in the opengov project, or ask the portal's operator."
KEY_SERVICE = ("POST needs the api_key of an `app` key: the portal's operator issues them "
               "(`opengov keys create --role app`).")

blp = Blueprint("open311_discovery", __name__, url_prefix="/open311",
                description="Open311 service discovery (required by GeoReport v2).")


def discovery() -> dict:
    """The discovery document: one production GeoReport v2 endpoint, in XML and JSON."""
    return {"changeset": CHANGESET, "contact": CONTACT, "key_service": KEY_SERVICE,
            "endpoints": [{"specification": SPECIFICATION, "url": url_for_path(PREFIX),
                           "changeset": CHANGESET, "type": "production",
                           "formats": [MEDIA_TYPE.split(";")[0], JSON_TYPE.split(";")[0]]}]}


EXAMPLE = {"changeset": CHANGESET, "contact": CONTACT, "key_service": KEY_SERVICE,
           "endpoints": [{"specification": SPECIFICATION,
                          "url": "https://data.example.gov.vn/open311/v2",
                          "changeset": CHANGESET, "type": "production",
                          "formats": ["text/xml", "application/json"]}]}


@blp.route("/discovery.<any(json, xml):format>")
@blp.doc(summary="Open311: service discovery",
         description="Where the GeoReport v2 endpoint is, which formats it serves and how to "
                     "get an api_key.")
@blp.alt_response(200, schema={"type": "string"}, content_type="text/xml",
                  example=to_xml("discovery", EXAMPLE).decode(),
                  description="The discovery document: JSON for `.json`, XML (root element "
                              "`discovery`) for `.xml`")
@blp.response(200, DiscoverySchema, example=EXAMPLE,
              description="The discovery document: JSON for `.json`, XML (root element "
                          "`discovery`) for `.xml`")
def get_discovery(format):
    return render(discovery(), format, "discovery")
