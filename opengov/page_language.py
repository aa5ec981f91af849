"""The language of server-rendered HTML pages (OGC API, map viewer): Vietnamese by default,
English with ``lang=en``; the strings their pages share and bilingual labels."""

from __future__ import annotations

from types import SimpleNamespace

import marshmallow as ma
from flask import request

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


def lang_field() -> ma.fields.Field:
    """The ``lang`` query argument of HTML pages."""
    return ma.fields.String(validate=ma.validate.OneOf(LANGUAGES), metadata={
        "description": "Language of HTML pages: vi (default) or en."})
