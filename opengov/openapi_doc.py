"""Render the OpenAPI document deterministically (the committed ``openapi/openapi.json``)."""

from __future__ import annotations

import json

from flask import Flask


def render_openapi(app: Flask) -> str:
    """The document as stable, pretty JSON text (UTF-8, keys in schema order)."""
    spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    return json.dumps(spec, ensure_ascii=False, indent=2) + "\n"
