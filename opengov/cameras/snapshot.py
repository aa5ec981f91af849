"""Live camera images through the gateway's cached session (no HTTP server concerns here).

A camera's ``snapshot_url`` is fetched with a short expiry, so every viewer within the interval
shares one upstream request; concurrent misses wait for one fetch (:mod:`.flight`). Only
allow-listed hosts are contacted (:mod:`.hosts`, enforced in :mod:`.transport`), only ``image/*``
answers within the size cap are served, and the last good image of each camera is kept in the
same cache, without expiry, to be served marked stale while the camera is down. Every fetch that
reached the camera updates its status (:mod:`.status`). A Redis cache that fails is replaced by
this host's file cache for a while (:mod:`.caches`).
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import requests
from redis.exceptions import RedisError
from requests_cache import DO_NOT_CACHE, CachedResponse

from opengov.cameras.caches import SnapshotCache, SnapshotCaches
from opengov.cameras.flight import SingleFlight, process_locks
from opengov.cameras.hosts import HostRefused, listed, parse_allow_list
from opengov.cameras.memo import FreshMemo
from opengov.cameras.status import record_fetch
from opengov.cameras.transport import SnapshotAdapter, TooLarge
from opengov.upstream.session import cached_session

NAMESPACE = "camera-snapshots"
NOT_PUBLIC_KINDS = ("security",)
# SVG is an image/* type that can carry scripts; served from our origin it would be an XSS vector.
REFUSED_IMAGE_TYPES = ("image/svg+xml",)
MAX_REDIRECTS = 3
MEMO_BYTES = 64 * 1024 * 1024  # fresh images kept in each process's memory


class NotPublished(Exception):
    """This camera's images are never proxied (its kind, or no snapshot URL); reason in text."""


class Refused(Exception):
    """The snapshot URL is not one the gateway may fetch (allow-list, internal address)."""


class Unavailable(Exception):
    """The camera gave no usable image: ``timeout`` (504) or anything else (502)."""

    def __init__(self, detail: str, *, timeout: bool = False):
        super().__init__(detail)
        self.timeout = timeout


@dataclass(frozen=True)
class Snapshot:
    """An image to serve and how fresh it is."""

    body: bytes
    content_type: str
    fetched_at: datetime       # when the camera last confirmed this image
    expires: datetime | None   # end of its shared interval; None: stale (the camera is down)
    digest: str                # SHA-256 of the image bytes

    @property
    def stale(self) -> bool:
        return self.expires is None

    def age(self, now: datetime | None = None) -> int:
        """Whole seconds since the camera last confirmed the image."""
        now = now or datetime.now(UTC)
        return max(0, int((now - self.fetched_at).total_seconds()))

    def fresh_for(self, now: datetime | None = None) -> int:
        """Whole seconds left in the shared interval (0 when stale)."""
        if self.expires is None:
            return 0
        return max(0, int((self.expires - (now or datetime.now(UTC))).total_seconds()))


def _content_type(response) -> str:
    return (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()


def _usable(response) -> str | None:
    """Why ``response`` is not an image we serve, or None when it is."""
    if response.status_code != 200:
        return f"the camera answered HTTP {response.status_code}"
    media = _content_type(response)
    if not media.startswith("image/") or media in REFUSED_IMAGE_TYPES:
        return f"the camera answered {media or 'without a Content-Type'}, not an image we serve"
    if not response.content:
        return "the camera answered an empty image"
    return None


def _went_upstream(response) -> bool:
    return not getattr(response, "from_cache", False) or getattr(response, "revalidated", False)


class SnapshotProxy:
    """Fetches, caches and vets camera snapshots for one application (one per process)."""

    def __init__(self, settings, store):
        self.store = store
        self.expiry = int(settings.camera_snapshot_expiry_s)
        self.timeout = float(settings.camera_snapshot_timeout_s)
        self.allow = parse_allow_list(settings.camera_snapshot_hosts)
        self.caches = SnapshotCaches(settings, self._cache)
        self.flight = SingleFlight()
        self.memo = FreshMemo(MEMO_BYTES)
        self._failures: dict[str, tuple[float, str, bool]] = {}
        self._failures_lock = threading.Lock()

    def _cache(self, settings) -> SnapshotCache:
        """The snapshot session and lock for the cache ``settings`` name."""
        session = cached_session(settings, namespace=NAMESPACE, expire_after=self.expiry,
                                 timeout=self.timeout, retries=0)
        adapter = SnapshotAdapter(self.allow, int(settings.camera_snapshot_max_bytes))
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.max_redirects = MAX_REDIRECTS
        session.settings.cache_control = False  # cameras often send no-cache: our interval
        locks = process_locks(settings.http_cache_url, settings.instance_path, NAMESPACE,
                              settings.redis_timeout_ms)
        return SnapshotCache(session, locks)

    def _in_cache(self, fn):
        """``fn(cache)`` in the current cache; again in this host's when Redis fails."""
        try:
            return fn(self.caches.current())
        except RedisError as exc:
            return fn(self.caches.failed(exc))

    # -- public ---------------------------------------------------------------------------------
    def snapshot(self, camera: dict) -> Snapshot:
        """The camera's current image, or its last good one marked stale when it is down."""
        url = self._public_url(camera)
        snap = self.memo.get(url)
        if snap is None:
            snap = self.flight.run(camera["id"], lambda: self._in_cache(
                lambda cache: self._current(cache, camera["id"], url)))
            if not snap.stale:
                self.memo.put(url, snap)
        return snap

    def check(self, camera: dict) -> bool | None:
        """Fetch once to learn the camera's status (updated in the store): True online, False
        offline, None when it cannot be checked (no URL, host not allowed)."""
        url = camera.get("snapshot_url")
        if not url:
            return None
        try:
            listed(url, self.allow)
        except HostRefused:
            return None
        if camera.get("kind") in NOT_PUBLIC_KINDS:  # checked, never cached
            return self._in_cache(lambda cache: self._probe(cache, camera["id"], url))
        try:
            return not self.snapshot(camera).stale
        except Unavailable:
            return False
        except Refused:  # e.g. a listed name that resolves to an internal address
            return None

    # -- fetching -------------------------------------------------------------------------------
    def _public_url(self, camera: dict) -> str:
        if camera.get("kind") in NOT_PUBLIC_KINDS:
            raise NotPublished(f"Images of {camera['kind']} cameras are not published.")
        url = camera.get("snapshot_url")
        if not url:
            raise NotPublished("This camera publishes no snapshot image.")
        try:
            listed(url, self.allow)
        except HostRefused as exc:
            raise Refused(str(exc)) from exc
        return url

    def _current(self, cache: SnapshotCache, camera_id: str, url: str) -> Snapshot:
        failed = self._recent_failure(camera_id)
        if failed is not None:
            return self._last_good(cache, url, failed)
        try:
            response = self._cached(cache, url)
            if response is None:
                with cache.locks.hold(camera_id, wait=self.timeout + 1):
                    response = cache.session.get(url, expire_after=self.expiry)
        except HostRefused as exc:
            raise Refused(str(exc)) from exc
        except requests.Timeout as exc:
            return self._failed(cache, camera_id, url, Unavailable(
                f"The camera did not answer within {self.timeout:g} s.", timeout=True), exc)
        except TooLarge as exc:
            return self._failed(cache, camera_id, url,
                                Unavailable(str(exc).capitalize() + "."), exc)
        except requests.RequestException as exc:
            return self._failed(cache, camera_id, url,
                                Unavailable("The camera is unreachable."), exc)
        problem = _usable(response)
        if problem is not None:
            error = Unavailable(problem[0].upper() + problem[1:] + ".")
            if _went_upstream(response):
                return self._failed(cache, camera_id, url, error)
            return self._last_good(cache, url, error)
        if _went_upstream(response):
            self._keep_last_good(cache, url, response)
            record_fetch(self.store, camera_id, True, datetime.now(UTC))
        return self._fresh(response)

    def _cached(self, cache: SnapshotCache, url: str):
        """A fresh cached answer without taking the cross-process lock, or None."""
        response = cache.session.get(url, only_if_cached=True)  # 504 "Not Cached" when absent
        return response if response.status_code == 200 else None

    def _probe(self, cache: SnapshotCache, camera_id: str, url: str) -> bool | None:
        try:
            response = cache.session.get(url, expire_after=DO_NOT_CACHE)
            ok = _usable(response) is None
        except HostRefused:
            return None
        except requests.RequestException:
            ok = False
        record_fetch(self.store, camera_id, ok, datetime.now(UTC))
        return ok

    def _fresh(self, response) -> Snapshot:
        now = datetime.now(UTC)
        interval = timedelta(seconds=self.expiry)
        expires = min(getattr(response, "expires", None) or now + interval, now + interval)
        return Snapshot(response.content, _content_type(response), min(expires - interval, now),
                        expires, hashlib.sha256(response.content).hexdigest())

    # -- failures and the last good image ------------------------------------------------------
    def _failed(self, cache: SnapshotCache, camera_id: str, url: str, error: Unavailable,
                cause: BaseException | None = None) -> Snapshot:
        """Remember the failure for one interval, mark the camera offline, fall back."""
        with self._failures_lock:
            self._failures[camera_id] = (time.monotonic() + self.expiry, str(error),
                                         error.timeout)
        record_fetch(self.store, camera_id, False, datetime.now(UTC))
        if cause is not None:
            error.__cause__ = cause
        return self._last_good(cache, url, error)

    def _recent_failure(self, camera_id: str) -> Unavailable | None:
        with self._failures_lock:
            entry = self._failures.get(camera_id)
            if entry is None:
                return None
            if entry[0] <= time.monotonic():
                del self._failures[camera_id]
                return None
        return Unavailable(entry[1], timeout=entry[2])

    @staticmethod
    def _last_good_key(url: str) -> str:
        return "last-good:" + hashlib.sha256(url.encode()).hexdigest()

    def _keep_last_good(self, cache: SnapshotCache, url: str, response) -> None:
        kept = CachedResponse.from_response(response, expires=None)
        kept.created_at = datetime.now(UTC)
        cache.session.cache.responses[self._last_good_key(url)] = kept

    def _last_good(self, cache: SnapshotCache, url: str, error: Unavailable) -> Snapshot:
        kept = cache.session.cache.get_response(self._last_good_key(url))
        if kept is None:
            raise error
        return Snapshot(kept.content, _content_type(kept), kept.created_at, None,
                        hashlib.sha256(kept.content).hexdigest())


_PROXIES_LOCK = threading.Lock()


def proxy_for(app) -> SnapshotProxy:
    """The application's :class:`SnapshotProxy`, built on first use."""
    proxy = app.extensions.get("opengov_camera_snapshots")
    if proxy is None:
        with _PROXIES_LOCK:
            proxy = app.extensions.get("opengov_camera_snapshots")
            if proxy is None:
                ctx = app.extensions["opengov"]
                proxy = SnapshotProxy(ctx.settings, ctx.store)
                app.extensions["opengov_camera_snapshots"] = proxy
    return proxy
