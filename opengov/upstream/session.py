"""The one factory for upstream HTTP: a requests-cache ``CachedSession`` set up the same way
for every connector and for camera snapshots.

- cache: SQLite files in ``<instance>/http-cache/<namespace>.sqlite3`` by default, Redis when
  ``http_cache_url`` is ``redis://…``; only 200 responses are stored;
- conditional requests: an expired entry with an ``ETag`` or ``Last-Modified`` is revalidated
  with ``If-None-Match`` / ``If-Modified-Since`` (requests-cache does this), so a 304 costs no body;
- retries: urllib3 ``Retry`` with exponential backoff on 429 and 5xx answers and connection
  errors, honouring ``Retry-After`` (RFC 9110 §10.2.3), capped so a harvest cannot hang;
- a timeout on every request: for the connection, for each read, and a wall-clock deadline
  for the whole answer (:mod:`.deadline`);
  and a descriptive ``User-Agent``;
- credentials (``Authorization``, API-key headers and query tokens, plus any names the caller
  adds) are left out of cache keys and redacted from the stored request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import requests_cache
from requests_cache import DEFAULT_IGNORED_PARAMS
from requests_cache.backends.redis import RedisDict
from urllib3.util.retry import Retry

from opengov import __version__
from opengov.redis_client import DEFAULT_TIMEOUT_MS, connect, is_redis
from opengov.upstream.deadline import DeadlineAdapter, deadline

RETRY_STATUSES = (429, 500, 502, 503, 504)
RETRY_AFTER_MAX = 60  # seconds: a longer Retry-After is waited for this long at most
SECRET_PARAMS = (*DEFAULT_IGNORED_PARAMS, "Cookie")


class GatewaySession(requests_cache.CachedSession):
    """A ``CachedSession`` whose requests default to the gateway timeout, which bounds the
    connection, each read, and each request as a whole, by the wall clock (:mod:`.deadline`):
    a server trickling bytes cannot hold a harvest or a viewer."""

    def __init__(self, *args, timeout: float, **kwargs):
        super().__init__(*args, **kwargs)
        self.timeout = timeout

    def request(self, method, url, *args, **kwargs):  # noqa: D102 (requests' signature)
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        limit = kwargs["timeout"]
        with deadline(max(limit) if isinstance(limit, tuple) else float(limit)):
            return super().request(method, url, *args, **kwargs)


def user_agent(settings) -> str:
    """``opengov/<version> (+<public URL>; open data gateway)``: who is calling, and how to
    reach the operator."""
    where = f"+{settings.base_url}; " if getattr(settings, "base_url", "") else ""
    return f"opengov/{__version__} ({where}open data gateway)"


def _backend(settings, namespace: str):
    url = getattr(settings, "http_cache_url", "") or ""
    if is_redis(url):
        timeout_ms = getattr(settings, "redis_timeout_ms", DEFAULT_TIMEOUT_MS)
        return _redis_cache(url, f"opengov:http:{namespace}", timeout_ms)
    folder = Path(settings.instance_path) / "http-cache"
    folder.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", namespace) or "default"
    return requests_cache.SQLiteCache(folder / f"{safe}.sqlite3", wal=True, busy_timeout=30000)


class _RedisDict(RedisDict):
    """requests-cache's Redis storage, writing with ``SET … EX`` (redis-py 6 deprecates
    ``SETEX``) so entries still expire on their own."""

    def __setitem__(self, key, item):
        delta = getattr(item, "expires_delta", None)
        ttl = None if delta is None else delta + self.ttl_offset
        self.connection.set(self._bkey(key), self.serialize(item),
                            ex=ttl if self.ttl and ttl and ttl > 0 else None)


def _redis_cache(url: str, namespace: str, timeout_ms: int) -> requests_cache.RedisCache:
    cache = requests_cache.RedisCache(namespace=namespace, connection=connect(url, timeout_ms))
    cache.responses = _RedisDict(namespace, connection=cache.responses.connection)
    return cache


def retry_policy(retries: int, backoff_seconds: float) -> Retry:
    """Exponential backoff on 429/5xx and connection errors; read timeouts are not retried."""
    return Retry(total=retries, connect=retries, read=False, status=retries, other=0,
                 backoff_factor=backoff_seconds, status_forcelist=RETRY_STATUSES,
                 allowed_methods=frozenset({"GET", "HEAD"}), respect_retry_after_header=True,
                 retry_after_max=RETRY_AFTER_MAX, raise_on_status=False)


def cached_session(settings, *, namespace: str, expire_after=None, timeout: float | None = None,
                   retries: int | None = None,
                   secrets: Iterable[str] = ()) -> requests_cache.CachedSession:
    """The one factory for upstream HTTP: SQLite cache (instance folder) or Redis when configured
    (settings), conditional requests, retries with exponential backoff on 429/5xx/connection errors
    honouring Retry-After, hard timeout, descriptive User-Agent, credentials never in cache keys
    or stored responses.

    ``expire_after`` is seconds (or a ``timedelta``; ``None`` = revalidate every time);
    ``secrets`` names extra headers or query parameters carrying credentials. Keep one session
    per process and namespace: each opens its cache.
    """
    timeout = float(settings.http_timeout if timeout is None else timeout)
    retries = int(settings.http_retries if retries is None else retries)
    session = GatewaySession(
        backend=_backend(settings, namespace),
        timeout=timeout,
        expire_after=0 if expire_after is None else expire_after,
        allowable_codes=(200,),
        allowable_methods=("GET", "HEAD"),
        ignored_parameters=[*SECRET_PARAMS, *secrets],
        stale_if_error=False,
    )
    adapter = DeadlineAdapter(max_retries=retry_policy(retries, settings.http_backoff_ms / 1000.0))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = user_agent(settings)
    return session
