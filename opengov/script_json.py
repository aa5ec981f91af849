"""JSON embedded in an HTML ``<script>`` element (the OGC pages' features, the map's config).

Inside ``<script>`` the HTML parser, not JSON, decides where the element ends: ``</script>``
ends it, and ``<!--`` followed by ``<script>`` makes it swallow the page's next script. So
``<``, ``>`` and ``&`` are written as JSON escapes (``\\u003c`` …), which ``JSON.parse`` reads
back as the same characters; U+2028/U+2029 are escaped too, for pages that evaluate the block.
"""

from __future__ import annotations

from opengov.geo.geojson import dumps

_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                          "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_json(value: object) -> str:
    """``value`` as JSON text that cannot end or alter the ``<script>`` element holding it."""
    return dumps(value).translate(_ESCAPES)
