"""The HTTP adapter snapshot fetches go through: allow-listed hosts only, and a size cap.

It sits below requests-cache, so every request the cached session sends for a snapshot —
including each redirect hop — is vetted before it is sent, the address reached is checked after
connecting, and the body is read at most up to the cap (decoded bytes, so a compressed bomb is
caught too). Refusals raise before anything reaches the cache.
"""

from __future__ import annotations

from requests import RequestException

from opengov.cameras.hosts import HostRefused, peer_allowed, vet
from opengov.upstream.deadline import DeadlineAdapter


class TooLarge(RequestException):
    """The upstream body is larger than the cap."""


def _peer_address(response) -> str | None:
    connection = getattr(response.raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    if sock is None:
        return None
    try:
        return sock.getpeername()[0]
    except OSError:
        return None


class SnapshotAdapter(DeadlineAdapter):
    """An adapter that only talks to allow-listed hosts, caps body size, and keeps the
    session's wall-clock deadline (:mod:`opengov.upstream.deadline`)."""

    def __init__(self, allow: frozenset, max_bytes: int, **kwargs):
        super().__init__(**kwargs)
        self.allow, self.max_bytes = allow, max_bytes

    def send(self, request, stream=False, **kwargs):  # noqa: D102 (HTTPAdapter API)
        target = vet(request.url, self.allow)  # raises HostRefused: nothing is sent
        response = super().send(request, stream=True, **kwargs)
        peer = _peer_address(response)
        if peer is not None and not peer_allowed(target, peer):
            response.close()
            raise HostRefused(f"{target.host} connected to an address that was not vetted")
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            response.close()
            raise TooLarge(f"the camera's image is {declared} bytes; the limit is "
                           f"{self.max_bytes}", response=response)
        body = bytearray()
        try:
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > self.max_bytes:
                    raise TooLarge(f"the camera's image exceeds the limit of {self.max_bytes} "
                                   "bytes", response=response)
        finally:
            response.close()
        response._content = bytes(body)
        response._content_consumed = True
        return response
