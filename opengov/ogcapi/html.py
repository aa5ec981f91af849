"""Server-rendered HTML pages of the OGC API, in Vietnamese (default) or English (``lang=en``)."""

from __future__ import annotations

from flask import render_template

from opengov.links import page_url, site_path
from opengov.page_language import STRINGS, label, language, strings

__all__ = ["STRINGS", "label", "language", "render", "strings"]


def render(template: str, **context) -> str:
    """Render ``templates/ogcapi/<template>`` with the language, its strings and useful URLs."""
    lang = language()
    other = "en" if lang == "vi" else "vi"
    return render_template(f"ogcapi/{template}", lang=lang, t=strings(lang),
                           label=lambda value: label(value, lang),
                           other_lang_url=page_url(lang=other),
                           json_url=page_url(f="json", lang=None),
                           ogc_base=site_path("/ogc"), map_url=site_path("/map"),
                           static_base=site_path("/map/static/leaflet"), **context)
