"""Redis clients that fail fast: every client opengov makes (rate-limit counters, the upstream
HTTP cache, camera snapshot locks) gets the same short connect and read timeouts and no retries.

redis-py's defaults wait without limit for an answer and retry three times with backoff, so a
Redis that hangs (accepts connections, never answers) held each request for seconds. With these
options a stopped or hanging Redis costs a request at most ``OPENGOV_REDIS_TIMEOUT_MS``; each
caller then decides how to degrade (see docs/reports.md and docs/cameras.md).
"""

from __future__ import annotations

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
DEFAULT_TIMEOUT_MS = 500


def is_redis(url: str | None) -> bool:
    """Whether ``url`` names a Redis server."""
    return bool(url) and url.startswith(REDIS_SCHEMES)


def client_options(timeout_ms: int) -> dict:
    """Keyword arguments for ``redis.Redis``/``from_url``: short timeouts, no retries."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    seconds = max(timeout_ms, 1) / 1000.0
    return {"socket_connect_timeout": seconds, "socket_timeout": seconds,
            "retry": Retry(NoBackoff(), 0)}


def connect(url: str, timeout_ms: int):
    """A ``redis.Redis`` client for ``url`` with :func:`client_options`."""
    from redis import Redis

    return Redis.from_url(url, **client_options(timeout_ms))
