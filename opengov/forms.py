"""Form bodies (urlencoded and multipart): every field's text must be storable.

Werkzeug decodes form fields leniently (invalid UTF-8 becomes U+FFFD), so the only text no
database stores that can arrive is a NUL character; any field holding one makes the request a
422 problem, whichever route (or hook, such as a rate limiter's key function) reads the form.
"""

from __future__ import annotations

from flask import Request as FlaskRequest

from opengov import bounds
from opengov.errors import ApiError


class Request(FlaskRequest):
    """Flask's request, refusing form fields that hold a NUL character."""

    _form_problem: ApiError | None = None

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        super()._load_form_data()
        for name, value in self.__dict__["form"].items(multi=True):
            # A part whose name werkzeug could not read (e.g. a CR inside it) has none.
            problem = ("a form field needs a name" if name is None
                       else bounds.text_problem(name) or bounds.text_problem(value))
            if problem:
                self._form_problem = ApiError(422, f"Form field {name!r}: {problem}.", errors=[
                    {"location": "form", "field": name, "messages": [problem]}])
                break

    @property
    def form(self):
        """The parsed form; raises the same 422 on every access when a field is unstorable
        (a hook that swallows the first error must not let the view read the form)."""
        self._load_form_data()
        if self._form_problem is not None:
            raise self._form_problem
        return self.__dict__["form"]
