"""Open311 GeoReport v2 XML: the standard's required format, from the same bodies as JSON.

GeoReport v2 defines the JSON output as a mapping of the XML by the Spark convention, so the
XML is derived back from our JSON bodies: an array is a wrapper element holding one element per
item (``<services><service>…``, ``<service_requests><request>…``, ``<errors><error>…``,
``<attributes><attribute>…``, ``<values><value>…``, ``<notes><note>…``, and in service
discovery ``<endpoints><endpoint>…``, ``<formats><format>…``), an object's keys are
child elements in order, ``null`` is an empty element (``<account_id/>``) and booleans are
``true``/``false``. The XML is schemaless, without a namespace, UTF-8 with the declaration,
served as ``text/xml; charset=utf-8`` (GeoReport v2, "Format Support"). Element names come only
from our fixed keys, never from data.
"""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

from flask import Response

MEDIA_TYPE = "text/xml; charset=utf-8"
DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
# Item element of each array-valued key (the Spark convention's singular names).
ITEMS = {"services": "service", "service_requests": "request", "errors": "error",
         "attributes": "attribute", "values": "value", "notes": "note",
         "endpoints": "endpoint", "formats": "format"}  # the last two: service discovery
# Characters XML 1.0 cannot carry (§2.2), dropped from text rather than breaking the document.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        item = ITEMS.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item), child)
    else:
        element.text = _text(value)


def to_xml(root: str, body) -> bytes:
    """The GeoReport v2 XML document of ``body`` under the element ``root``."""
    element = ET.Element(root)
    _fill(element, body)
    return DECLARATION + ET.tostring(element, encoding="utf-8")


def xml_response(root: str, body, status: int = 200) -> Response:
    return Response(to_xml(root, body), status=status, content_type=MEDIA_TYPE)
