"""``/map`` and the Leaflet files it needs, served from the installed package (no CDN)."""

from __future__ import annotations

import marshmallow as ma
import xstatic.pkg.leaflet as xstatic_leaflet
from flask import Response, current_app, render_template, send_from_directory

from opengov.api import Blueprint
from opengov.context import current
from opengov.links import site_path
from opengov.page_language import label, lang_field, language, strings
from opengov.script_json import script_json

blp = Blueprint("map", __name__, url_prefix="/map", template_folder="templates",
                description="Map viewer of every spatial collection")

LEAFLET_DIR = xstatic_leaflet.BASE_DIR
# VN_AQI bands and colours, QĐ 1459/QĐ-TCMT Table 1 (DOMAIN.md, "Bands").
AQI_BANDS = [[50, "#00E400"], [100, "#FFFF00"], [150, "#FF7E00"], [200, "#FF0000"],
             [300, "#8F3F97"], [100000, "#7E0023"]]
MapArgs = ma.Schema.from_dict({"lang": lang_field()}, name="MapArgs")


# The monitoring capability's map feed: stations with their newest VN_AQI (issue 5).
AQI_FEED = "/monitoring/aqi/latest"
AQI_LABELS = {"aqi": {"vi": "Chỉ số VN_AQI", "en": "VN_AQI"},
              "category": {"vi": "Mức", "en": "Category"},
              "dominant": {"vi": "Chất ô nhiễm chính", "en": "Dominant pollutant"},
              "time": {"vi": "Thời điểm", "en": "Time"}}


def layers(lang: str) -> list[dict]:
    """What the page needs per layer: its data URL, title and field labels.

    One layer per spatial collection (loaded by bbox from the OGC items endpoint), plus the
    stations coloured by their newest index when the monitoring capability serves its feed.
    """
    out = []
    for c in current().registry:
        if not c.spatial:
            continue
        out.append({
            "id": c.id, "title": label(c.title, lang), "geometry": c.geometry_type,
            "items": site_path(f"/ogc/collections/{c.id}/items"), "limit": c.max_limit,
            "labels": {f.name: {"vi": f.vi, "en": f.en} for f in c.fields},
            "colourBy": None, "whole": False,
        })
    if any(rule.rule == AQI_FEED for rule in current_app.url_map.iter_rules()):
        title = {"vi": "Chất lượng không khí (VN_AQI mới nhất)",
                 "en": "Air quality (latest VN_AQI)"}
        out.append({"id": "aqi-latest", "title": title[lang], "geometry": "Point",
                    "items": site_path(AQI_FEED), "limit": None, "labels": AQI_LABELS,
                    "colourBy": "aqi", "whole": True})
    return out


@blp.route("")
@blp.doc(summary="Map viewer",
         description="Lists every spatial collection and draws the selected ones, loading "
                     "features by bounding box (simplified to the zoom) as you pan.")
@blp.arguments(MapArgs, location="query", as_kwargs=False)
@blp.response(200, schema={"type": "string"}, content_type="text/html",
              example="<!doctype html>…")
def map_page(_args):
    lang = language()
    settings = current().settings
    lat, lon, zoom = settings.map_view
    config = {"layers": layers(lang), "lang": lang, "aqiBands": AQI_BANDS,
              "tiles": settings.map_tile_url or None, "center": [lat, lon], "zoom": zoom}
    page = render_template("map/map.html", lang=lang, t=strings(lang),
                           config=script_json(config),
                           static_base=site_path("/map/static/leaflet"))
    response = Response(page, mimetype="text/html")
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


@blp.route("/static/leaflet/<path:filename>")
@blp.doc(summary="Leaflet files (from the xstatic-leaflet package)")
@blp.response(200, schema={"type": "string"}, content_type="application/javascript",
              example="/* leaflet.js */")
@blp.alt_response(404, response="NOT_FOUND")
def leaflet_static(filename):
    return send_from_directory(LEAFLET_DIR, filename, max_age=86400)
