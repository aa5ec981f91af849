"""One source's view of the upstream: the cached session plus auth, provenance and checks.

Every response is recorded (URL without credentials, status, whether it came from the cache,
ETag, Last-Modified) and hashed, so a harvest can state exactly what it read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import orjson
import requests

from opengov.gateway.config import Source
from opengov.gateway.errors import HarvestError
from opengov.gateway.secrets import public_url, redact, register

ERROR_BODY_CHARS = 200


@dataclass
class Fetched:
    """What one upstream response was."""

    url: str
    status: int
    from_cache: bool
    etag: str | None
    last_modified: str | None


@dataclass
class Fetcher:
    """GETs for one source through ``session``; ``on_response`` runs after each (progress,
    lease renewal)."""

    session: requests.Session
    source: Source
    on_response: Callable[[Fetched], None] | None = None
    refresh: bool = False  # revalidate cached responses even within their expiry
    responses: list[Fetched] = field(default_factory=list)
    _digest: object = field(default_factory=hashlib.sha256)

    @property
    def checksum(self) -> str:
        """SHA-256 of every body read, in order."""
        return self._digest.hexdigest()

    @property
    def secret_params(self) -> tuple[str, ...]:
        auth = self.source.auth
        return (auth.query,) if auth and auth.query else ()

    def resolve(self, href: str, base: str) -> str:
        """A link from an upstream page, refused if it leaves the source's host."""
        url = urljoin(base, href)
        if urlsplit(url).netloc != urlsplit(self.source.url).netloc:
            raise HarvestError(f"upstream link leaves {urlsplit(self.source.url).hostname}: "
                               f"{public_url(url, self.secret_params)}")
        return url

    def get(self, url: str, params: dict | None = None) -> requests.Response:
        """GET ``url`` with the source's credential; non-2xx answers raise HarvestError."""
        headers, params = {}, dict(params or {})
        auth = self.source.auth
        if auth is not None:
            secret = auth.secret()
            register(secret)
            if auth.header:
                headers[auth.header] = auth.prefix + secret
            else:
                params[auth.query] = secret
        try:
            response = self.session.get(url, params=params, headers=headers,
                                        refresh=self.refresh)
        except requests.RequestException as exc:
            asked = requests.Request("GET", url, params=params).prepare().url or url
            raise HarvestError(f"{public_url(asked, self.secret_params)}: "
                               f"{type(exc).__name__}: {redact(exc)}") from None
        shown = public_url(response.url, self.secret_params)
        if response.status_code >= 400:
            body = redact(response.text[:ERROR_BODY_CHARS])
            raise HarvestError(f"upstream answered {response.status_code} for {shown}: {body}")
        fetched = Fetched(shown, response.status_code, bool(getattr(response, "from_cache",
                                                                    False)),
                          response.headers.get("ETag"), response.headers.get("Last-Modified"))
        self._digest.update(response.content)
        self.responses.append(fetched)
        if self.on_response is not None:
            self.on_response(fetched)
        return response

    def json(self, url: str, params: dict | None = None) -> object:
        """The parsed JSON body (a malformed body raises HarvestError)."""
        response = self.get(url, params)
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise HarvestError(f"malformed JSON from {self.responses[-1].url}: {exc}") from None
