"""What the HTTP side needs: declared sources with their state, freshness, and stale
collections (cached for a few seconds per application so the response hook costs nothing).

Both caches hang off the application's context (``ctx.caches``), never off this module, so two
applications in one process never see each other's sources or stale marks."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from opengov.gateway.config import Source, load_sources, sources_path
from opengov.gateway.secrets import public_url
from opengov.gateway.state import SourceState, read_states
from opengov.store.types import utcnow

STALE_CACHE_SECONDS = 5.0
SOURCES_CACHE = "gateway.sources"  # keys of ctx.caches
STALE_CACHE = "gateway.stale"
_lock = threading.Lock()  # guards the check-then-set on ctx.caches (a process-wide lock)


def declared(ctx) -> dict[str, Source]:
    """The sources of ``ctx`` (an app's opengov context), re-read when the file changes."""
    path = sources_path(ctx.settings)
    mtime = path.stat().st_mtime_ns if path.is_file() else None
    key = (str(Path(path).resolve()), mtime)
    with _lock:
        cached = ctx.caches.get(SOURCES_CACHE)
        if cached is None or cached[0] != key:
            cached = ctx.caches[SOURCES_CACHE] = (key, load_sources(ctx.settings, ctx.registry))
        return cached[1]


def _iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def source_record(source: Source, current: SourceState | None, *, detail: bool) -> dict:
    """The public description of a source: never a credential (nor where it is kept)."""
    now = utcnow()
    success = current.last_success_at if current else None
    record = {
        "id": source.id,
        "title": source.title or source.id,
        "collection": source.collection,
        "connector": source.connector,
        "url": public_url(source.url, (source.auth.query,) if source.auth and source.auth.query
                          else ()),
        "authenticated": source.auth is not None,
        "interval_s": source.interval,
        "status": current.status if current else "never",
        "stale": bool(current and current.stale(source.stale_after, now)),
        "last_attempt": _iso(current.last_attempt_at) if current else None,
        "last_success": _iso(success),
        "last_error": ({"at": _iso(current.last_error_at), "message": current.last_error}
                       if current and current.last_error_at else None),
        "records": current.record_count if current else None,
        "freshness": {"age_s": round((now - success).total_seconds(), 1) if success else None,
                      "stale_after_s": source.stale_after,
                      "expire_after_s": source.expire_after},
    }
    if detail:
        last_run = (current.last_run if current else None) or {}
        record["provenance"] = {
            "url": current.upstream_url if current else None,
            "etag": current.etag if current else None,
            "last_modified": current.last_modified if current else None,
            "checksum": current.checksum if current else None,
            "version": current.version if current else None,
        }
        record["last_run"] = last_run or None
    return record


def all_records(ctx, *, detail: bool = False) -> list[dict]:
    states = read_states(ctx.store)
    return [source_record(s, states.get(s.id), detail=detail) for s in declared(ctx).values()]


def stale_sources(ctx) -> list[dict]:
    """Stale sources for ``/health``: id, collection, last success, last error."""
    return [{"id": r["id"], "collection": r["collection"], "last_success": r["last_success"],
             "last_error": r["last_error"]} for r in all_records(ctx) if r["stale"]]


def stale_collections(ctx) -> dict[str, dict]:
    """Collection id → its stale source's id and last success (cached a few seconds)."""
    now = time.monotonic()
    cached = ctx.caches.get(STALE_CACHE)
    if cached is not None and cached[0] > now:
        return cached[1]
    try:
        found = {s["collection"]: s for s in stale_sources(ctx)}
    except (SQLAlchemyError, OSError, ValueError):
        found = {}  # a broken sources file or an unmigrated database marks nothing
    ctx.caches[STALE_CACHE] = (now + STALE_CACHE_SECONDS, found)
    return found


def forget_stale_cache(ctx) -> None:
    """Drop ``ctx``'s stale cache (after a harvest in the same process, in tests)."""
    ctx.caches.pop(STALE_CACHE, None)
