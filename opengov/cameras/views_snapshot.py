"""``GET /cameras/{id}/snapshot``: the camera's current image, proxied and cached."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
from flask import Response, current_app
from werkzeug.http import http_date

from opengov.api import PROBLEM_MEDIA_TYPE, ProblemSchema
from opengov.cameras.hosts import parse_allow_list
from opengov.cameras.snapshot import NotPublished, Refused, Unavailable, proxy_for
from opengov.conditional import version_tag, versioned
from opengov.context import current
from opengov.errors import ApiError

STALE_WARNING = '110 - "Response is Stale"'  # RFC 7234 §5.5.1 warn-code 110

SNAPSHOT_HEADERS = {
    "ETag": {"description": "Identifies this image; send it back in If-None-Match",
             "schema": {"type": "string"}},
    "Cache-Control": {"description": "`public, max-age=<seconds left in the shared interval>`; "
                                     "`no-cache` for a stale image",
                      "schema": {"type": "string"}},
    "Age": {"description": "Seconds since the camera delivered (or confirmed) this image",
            "schema": {"type": "integer"}},
    "Last-Modified": {"description": "When the camera delivered (or confirmed) this image",
                      "schema": {"type": "string"}},
    "Warning": {"description": f"`{STALE_WARNING}` when the camera is down and this is its "
                               "last good image", "schema": {"type": "string"}},
}


def _camera(camera_id: str) -> dict:
    stored = current().store.repo("cameras").get(camera_id)
    if stored is None:
        raise ApiError(404, f"No cameras record with id {camera_id!r}.")
    feature = orjson.loads(stored)
    return {"id": camera_id, **feature.get("properties", {})}


def snapshot_response(camera_id: str) -> Response:
    """The image with caching headers, 304, or a problem (403, 404, 502, 504)."""
    camera = _camera(camera_id)
    try:
        snap = proxy_for(current_app._get_current_object()).snapshot(camera)
    except NotPublished as exc:
        raise ApiError(403, str(exc), kind="camera-not-published") from exc
    except Refused as exc:
        raise ApiError(403, f"This camera's image is not proxied: {exc}.",
                       kind="camera-host-not-allowed") from exc
    except Unavailable as exc:
        raise ApiError(504 if exc.timeout else 502, str(exc),
                       kind="camera-timeout" if exc.timeout else "camera-unavailable") from exc
    now = datetime.now(UTC)
    # The lifetime is what is left of the shared interval, and these headers describe the image,
    # so they go on a 304 as on the image itself (werkzeug leaves Last-Modified off a 304).
    headers = {"Age": str(snap.age(now)), "Last-Modified": http_date(snap.fetched_at),
               "X-Content-Type-Options": "nosniff"}
    if snap.stale:
        headers["Warning"] = STALE_WARNING
    version_tag("camera-snapshot", camera_id, snap.digest, headers=headers,
                cache_control="no-cache" if snap.stale
                else f"public, max-age={snap.fresh_for(now)}")
    return Response(snap.body, content_type=snap.content_type)


def register_snapshot_endpoint(blp) -> None:
    """Add ``GET /cameras/{id}/snapshot`` to the cameras blueprint."""

    @blp.record_once
    def _check_settings(state) -> None:  # a bad allow-list fails create_app, not a request
        parse_allow_list(state.app.extensions["opengov"].settings.camera_snapshot_hosts)

    def problem(status: int, description: str):
        return blp.alt_response(status, schema=ProblemSchema, content_type=PROBLEM_MEDIA_TYPE,
                                description=description)

    @blp.route("/<item_id>/snapshot")
    @blp.doc(
        summary="Current image of a camera",
        description="The camera's current snapshot, fetched through the gateway and shared by "
                    "every viewer for a short interval (`OPENGOV_CAMERA_SNAPSHOT_EXPIRY`, "
                    "default 30 s). When the camera is down and an earlier image is cached, that "
                    f"image is served with `Warning: {STALE_WARNING}` and its `Age`. Images of "
                    "`security` cameras are never served (403).",
    )
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="image/*",
                  headers=SNAPSHOT_HEADERS,
                  description="The image, in the camera's own `image/*` type (JPEG usually)")
    @problem(403, "A `security` camera, a camera without a snapshot URL, or one whose image "
                  "host is not allowed")
    @problem(404, "No such camera")
    @problem(502, "The camera is unreachable or answered no usable image (not `image/*`, too "
                  "large, an error), and no earlier image is cached")
    @problem(504, "The camera did not answer in time, and no earlier image is cached")
    @versioned(blp)
    def snapshot_view(item_id):
        return snapshot_response(item_id)
