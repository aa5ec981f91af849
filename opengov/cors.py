"""CORS (the Fetch standard's HTTP side) for a public API read and written from browsers.

Any origin by default, or the configured list; credentials are never involved (API keys are
bearer tokens, not cookies), so ``*`` is sent as is. A preflight (``OPTIONS`` with
``Access-Control-Request-Method``) is answered with the allowed methods and request headers and
how long to remember them. Every header value is computed once at start-up: this runs on every
response.
"""

from __future__ import annotations

from flask import Flask, Response, request

ALLOW_ORIGIN = "Access-Control-Allow-Origin"


def install(app: Flask, origins: str, *, methods: list[str], allow_headers: list[str],
            expose_headers: list[str], max_age: int) -> None:
    """Add CORS headers to every response of ``app``; ``origins`` is ``*`` or a comma list."""
    wildcard = origins.strip() == "*"
    allowed = frozenset(o.strip().rstrip("/") for o in origins.split(",") if o.strip())
    methods_upper = frozenset(m.upper() for m in methods)
    common = {"Access-Control-Expose-Headers": ", ".join(expose_headers)}
    preflight = {"Access-Control-Allow-Methods": ", ".join(methods),
                 "Access-Control-Allow-Headers": ", ".join(allow_headers),
                 "Access-Control-Max-Age": str(max_age)}

    @app.after_request
    def _cors(response: Response) -> Response:
        headers = response.headers
        if wildcard:
            headers[ALLOW_ORIGIN] = "*"
        else:
            response.vary.add("Origin")  # the answer depends on who asks
            origin = request.headers.get("Origin")
            if origin is None or origin.rstrip("/") not in allowed:
                return response
            headers[ALLOW_ORIGIN] = origin
        headers.update(common)
        if request.method == "OPTIONS":
            asked = request.headers.get("Access-Control-Request-Method", "").upper()
            if asked in methods_upper:
                headers.update(preflight)
        return response
