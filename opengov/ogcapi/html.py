"""Server-rendered HTML pages of the OGC API, in Vietnamese (default) or English (``lang=en``)."""

from __future__ import annotations

from types import SimpleNamespace

from flask import render_template, request

from opengov.links import page_url, site_path

LANGUAGES = ("vi", "en")

STRINGS = {
    "vi": {
        "home": "Trang chủ OGC API", "collections": "Tập dữ liệu", "conformance": "Tuân thủ",
        "items": "Đối tượng", "queryables": "Thuộc tính truy vấn", "api": "Tài liệu API",
        "map": "Bản đồ", "next": "Trang sau", "prev": "Trang trước", "id": "Mã",
        "matched": "Tổng số khớp", "returned": "Số trả về", "extent": "Phạm vi",
        "crs": "Hệ tọa độ", "formats": "Định dạng khác", "other_language": "English",
        "intro": "Dữ liệu công khai theo chuẩn OGC API – Features. Dữ liệu mẫu, tổng hợp.",
        "property": "Thuộc tính", "value": "Giá trị", "type": "Kiểu",
    },
    "en": {
        "home": "OGC API landing page", "collections": "Collections",
        "conformance": "Conformance", "items": "Features", "queryables": "Queryables",
        "api": "API documentation", "map": "Map", "next": "Next page", "prev": "Previous page",
        "id": "Id", "matched": "Number matched", "returned": "Number returned",
        "extent": "Extent", "crs": "Coordinate reference systems", "formats": "Other formats",
        "other_language": "Tiếng Việt",
        "intro": "Public data through OGC API – Features. Synthetic sample data.",
        "property": "Property", "value": "Value", "type": "Type",
    },
}


def strings(lang: str) -> SimpleNamespace:
    """The page strings of ``lang`` as attributes: ``t.items`` is the string, never a dict's
    ``items`` method."""
    return SimpleNamespace(**STRINGS[lang])


def language() -> str:
    """The page language: ``lang`` when given, else Vietnamese."""
    asked = request.args.get("lang", "vi")
    return asked if asked in LANGUAGES else "vi"


def label(value: object, lang: str) -> object:
    """A ``{"vi", "en"}`` label in ``lang`` (falling back to Vietnamese); other values as-is."""
    if isinstance(value, dict) and set(value) <= {"vi", "en"}:
        return value.get(lang) or value.get("vi") or ""
    return "" if value is None else value


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
