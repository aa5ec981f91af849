"""gzip for clients that ask for it; ETags stay as they are (derived from versions)."""

from __future__ import annotations

import zlib

from flask import Flask, Response, request

COMPRESSIBLE = ("application/json", "application/geo+json", "application/problem+json",
                "text/csv", "text/html", "text/css", "application/javascript", "text/javascript",
                "application/vnd.oai.openapi+json")


def _gzip_stream(chunks):
    comp = zlib.compressobj(6, zlib.DEFLATED, 31)
    for chunk in chunks:
        data = comp.compress(chunk.encode() if isinstance(chunk, str) else chunk)
        if data:
            yield data
    yield comp.flush()


def install(app: Flask, min_bytes: int) -> None:
    """Compress responses of ``min_bytes`` or more (streamed ones always) when accepted."""
    if min_bytes <= 0:
        return

    @app.after_request
    def _compress(response: Response) -> Response:
        if "Vary" in response.headers:
            response.vary.add("Accept-Encoding")
        else:
            response.headers["Vary"] = "Accept-Encoding"
        if (
            response.status_code != 200
            or "gzip" not in request.environ.get("HTTP_ACCEPT_ENCODING", "")
            or "gzip" not in request.accept_encodings
            or "Content-Encoding" in response.headers
            or response.mimetype not in COMPRESSIBLE
            or request.method == "HEAD"
            # Files for download keep their exact bytes, length and range support.
            or response.headers.get("Content-Disposition", "").startswith("attachment")
        ):
            return response
        if response.is_streamed:
            response.response = _gzip_stream(response.response)
            response.direct_passthrough = False
            response.headers.pop("Content-Length", None)
        else:
            data = response.get_data()
            if len(data) < min_bytes:
                return response
            response.set_data(zlib.compress(data, 6, wbits=31))
        response.headers["Content-Encoding"] = "gzip"
        return response
