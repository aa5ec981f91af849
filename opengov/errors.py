"""One error handler; the body format depends on the API family of the request path.

RFC 9457 ``application/problem+json`` is the default family. Other families (Open311 under
``/open311``, CKAN under ``/api/action``) are contributed by their capabilities
(``error_families``) and installed per application by :func:`install_families`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from opengov.jsontext import dumps
from opengov.lru import LRU

log = logging.getLogger(__name__)
TRACE_INTERVAL_S = 60.0  # an unexpected error's trace is logged at most once per this

PROBLEM_TYPE_BASE = "urn:opengov:problem:"


@dataclass
class Problem:
    """What went wrong, independent of how a family renders it."""

    status: int
    title: str
    detail: str
    errors: list[dict] | None = None
    kind: str | None = None
    headers: dict | None = None

    @property
    def type(self) -> str:
        # RFC 9457 §4.2.1: "about:blank" when the status code says all there is to say.
        return PROBLEM_TYPE_BASE + self.kind if self.kind else "about:blank"


Formatter = Callable[[Problem], Response]


class ApiError(HTTPException):
    """Raise from views and services to answer with a problem of any status."""

    def __init__(self, status: int, detail: str, *, title: str | None = None,
                 errors: list[dict] | None = None, kind: str | None = None,
                 headers: dict | None = None):
        super().__init__(description=detail)
        self.code = status
        self.problem = Problem(status, title or _title(status), detail, errors, kind, headers)


def arg_error(field: str, message: str) -> ApiError:
    """A 400 problem about one query argument found wrong after schema validation."""
    return ApiError(400, f"{field}: {message}",
                    errors=[{"location": "query", "field": field, "messages": [message]}])


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_json(problem: Problem) -> Response:
    """The RFC 9457 rendering."""
    body: dict = {"type": problem.type, "title": problem.title, "status": problem.status,
                  "detail": problem.detail, "instance": request.path}
    if problem.errors:
        body["errors"] = problem.errors
    return Response(dumps(body), status=problem.status, mimetype="application/problem+json")


FAMILIES_KEY = "opengov.error_families"


def install_families(app: Flask, families: list[tuple[str, Formatter]]) -> None:
    """Render errors under each path prefix of ``families`` with its formatter instead of
    problem+json (the capabilities' ``error_families``, longest prefix first)."""
    app.extensions[FAMILIES_KEY] = tuple(families)


def _validation_errors(messages: dict) -> list[dict]:
    """Flatten webargs' ``{location: {field: [msg]}}`` into a list of offending fields."""
    out = []
    for location, fields in messages.items():
        if not isinstance(fields, dict):
            out.append({"location": location, "field": None, "messages": fields})
            continue
        for name, msgs in fields.items():
            if isinstance(msgs, dict):  # nested schema errors
                msgs = [f"{k}: {v}" for k, v in msgs.items()]
            out.append({"location": location, "field": name, "messages": list(msgs)})
    return out


def to_problem(error: HTTPException) -> Problem:
    """Describe any HTTP exception (ours, Flask's or flask-smorest's) as a Problem."""
    if isinstance(error, ApiError):
        return error.problem
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if messages:
        errors = _validation_errors(messages)
        names = ", ".join(e["field"] for e in errors if e["field"]) or "request"
        return Problem(status, "Invalid request", f"Invalid value for: {names}.", errors,
                       "validation")
    headers = None
    if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
        headers = {"Allow": ", ".join(error.valid_methods)}  # type: ignore[attr-defined]
    detail = data.get("message") or error.description or _title(status)
    return Problem(status, _title(status), str(detail), kind=None, headers=headers)


def render(problem: Problem) -> Response:
    formatter = problem_json
    for prefix, family_formatter in current_app.extensions.get(FAMILIES_KEY, ()):
        if request.path.startswith(prefix):
            formatter = family_formatter
            break
    response = formatter(problem)
    for key, value in (problem.headers or {}).items():
        response.headers[key] = value
    return response


def handle_http_exception(error: HTTPException) -> Response:
    if isinstance(error, NotFound):  # the router's 404 (a view's own 404 is an ApiError)
        redirect = _without_trailing_slash()
        if redirect is not None:
            return redirect
    problem = to_problem(error)
    # One line, without the detail: it may echo what the client sent.
    current_app.logger.info("%s %s answered %d %s", request.method, request.path,
                            problem.status, problem.title)
    return render(problem)


def _without_trailing_slash() -> Response | None:
    """A 308 to the same URL without its trailing slash when only the slash is wrong
    (``/ogc/`` pasted into a GIS client, ``/land/parcels/?limit=5``); None otherwise."""
    path = request.path
    if len(path) < 2 or not path.endswith("/"):
        return None
    trimmed = path.rstrip("/") or "/"
    try:
        current_app.create_url_adapter(request).match(trimmed, method=request.method)
    except HTTPException:
        return None
    query = request.query_string.decode("latin-1")
    location = request.script_root + trimmed + (f"?{query}" if query else "")
    return Response(status=308, headers={"Location": location})


def handle_unexpected(error: Exception) -> Response:
    """Any uncaught exception: logged with its trace, answered without one."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    _log_unexpected(error)
    return render(to_problem(InternalServerError(
        "The server failed to answer this request; the error was logged.")))


def _log_unexpected(error: Exception) -> None:
    """One line per error; its trace only the first time in a minute the same error (type and
    place it was raised) happens, so a request repeated in a loop cannot fill the disk."""
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    place = (tb.tb_frame.f_code.co_filename, tb.tb_lineno) if tb is not None else ("?", 0)
    signature = (type(error).__qualname__, *place)
    now = time.monotonic()
    # per application: (error type, file, line) → monotonic time its trace was last logged
    traced = current_app.extensions.setdefault("opengov_traced", LRU(1024))
    last = traced.get(signature)
    with_trace = last is None or now - last >= TRACE_INTERVAL_S
    if with_trace:
        traced.put(signature, now)
    current_app.logger.error(
        "unhandled %s on %s %s%s", type(error).__name__, request.method, request.path,
        "" if with_trace else " (same error within a minute: trace not repeated)",
        exc_info=error if with_trace else None)


def install(app: Flask) -> None:
    """Route every error of ``app`` through :func:`render`."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
