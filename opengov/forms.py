"""Form bodies (urlencoded and multipart): every field's text must be storable.

Werkzeug decodes form fields leniently (invalid UTF-8 becomes U+FFFD), so the only text no
database stores that can arrive is a NUL character; any field holding one makes the request a
422 problem, whichever route reads the form.
"""

from __future__ import annotations

from flask import Request as FlaskRequest

from opengov import bounds
from opengov.errors import ApiError


class Request(FlaskRequest):
    """Flask's request, refusing form fields that hold a NUL character."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        for name, value in self.form.items(multi=True):
            problem = bounds.text_problem(name) or bounds.text_problem(value)
            if problem:
                raise ApiError(422, f"Form field {name!r}: {problem}.", errors=[
                    {"location": "form", "field": name, "messages": [problem]}])
