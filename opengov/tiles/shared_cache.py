"""Tile caches shared by several hosts: in Redis or in the database (``OPENGOV_TILE_CACHE``).

Both key a tile by (collection, version key, z, x, y), the version key being the one of
:func:`opengov.tiles.service.version_key`: a reload gives the collection a new version, so a
host never serves a tile rendered from older data, whichever host rendered it. They offer the
folder cache's ``get``/``put``/``enabled``.

- Redis (``redis://…``): one key per tile with an expiry (``TILE_TTL_S``), bounded by the
  server's ``maxmemory`` (configure ``allkeys-lru``). When Redis fails, tiles are served
  uncached: one warning, then Redis is left alone for ``RETRY_AFTER_S`` seconds, and an info
  line when it answers again.
- Database (``database``): a table ``tile_cache`` created on first use (a cache, not data:
  no migration), read like any request read (from the replica when there is one: a tile not
  replicated yet is merely rendered again) and written on the primary; the first tile written
  under a new version key of a collection deletes that collection's tiles of other versions.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import (
    Column,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    and_,
    select,
)
from sqlalchemy.exc import IntegrityError

from opengov.redis_client import connect, is_redis
from opengov.store.ddl import create_shared
from opengov.store.engine import write_transaction
from opengov.tiles.grid import Tile

log = logging.getLogger(__name__)

TILE_TTL_S = 7 * 24 * 3600
RETRY_AFTER_S = 10.0
TABLE = "tile_cache"


class RedisTileCache:
    """Tiles in Redis under ``opengov:tile:<collection>:<version key>:<z>/<x>/<y>``."""

    enabled = True

    def __init__(self, url: str, timeout_ms: int, prefix: str = "opengov:tile"):
        self._client = connect(url, timeout_ms)
        self._prefix = prefix
        self._down_until = 0.0
        self._down = False
        self._lock = threading.Lock()

    def _key(self, collection_id: str, version_key: str, tile: Tile) -> str:
        return f"{self._prefix}:{collection_id}:{version_key}:{tile.z}/{tile.x}/{tile.y}"

    def get(self, collection_id: str, version_key: str, tile: Tile) -> bytes | None:
        """The cached tile (b"" for an empty one), or None (missing, or Redis unavailable)."""
        return self._call(lambda: self._client.get(self._key(collection_id, version_key, tile)))

    def put(self, collection_id: str, version_key: str, tile: Tile, data: bytes) -> None:
        self._call(lambda: self._client.set(self._key(collection_id, version_key, tile), data,
                                            ex=TILE_TTL_S))

    def _call(self, operation):
        from redis import RedisError

        if self._down and time.monotonic() < self._down_until:
            return None
        try:
            result = operation()
        except RedisError as exc:
            with self._lock:
                self._down_until = time.monotonic() + RETRY_AFTER_S
                if not self._down:
                    log.warning("tile cache: Redis unavailable (%s); tiles are rendered "
                                "uncached, retrying in %ss", type(exc).__name__, RETRY_AFTER_S)
                self._down = True
            return None
        if self._down:
            self._down = False
            log.info("tile cache: Redis answers again")
        return result


def _define(metadata: MetaData) -> Table:
    return Table(
        TABLE, metadata,
        Column("collection_id", String(100), nullable=False),
        Column("version_key", String(40), nullable=False),
        Column("z", Integer, nullable=False),
        Column("x", Integer, nullable=False),
        Column("y", Integer, nullable=False),
        Column("data", LargeBinary, nullable=False),
        PrimaryKeyConstraint("collection_id", "version_key", "z", "x", "y",
                             name="pk_tile_cache"),
    )


class DatabaseTileCache:
    """Tiles in the ``tile_cache`` table of the application's database; ``reading`` is the
    store's :meth:`~opengov.store.repository.Store.reading`."""

    enabled = True

    def __init__(self, engine, reading):
        self._engine = engine
        self._reading = reading
        self._table = _define(MetaData())
        self._ready = False
        self._known_versions: dict[str, str] = {}

    def _ensure_table(self) -> None:
        if self._ready:
            return
        create_shared(lambda: self._table.create(self._engine, checkfirst=True))
        self._ready = True

    def _where(self, collection_id: str, version_key: str, tile: Tile):
        t = self._table.c
        return and_(t.collection_id == collection_id, t.version_key == version_key,
                    t.z == tile.z, t.x == tile.x, t.y == tile.y)

    def get(self, collection_id: str, version_key: str, tile: Tile) -> bytes | None:
        """The cached tile (b"" for an empty one), or None."""
        self._ensure_table()
        with self._reading() as conn:
            row = conn.execute(select(self._table.c.data)
                               .where(self._where(collection_id, version_key, tile))).first()
        return None if row is None else bytes(row[0])

    def put(self, collection_id: str, version_key: str, tile: Tile, data: bytes) -> None:
        self._ensure_table()
        t = self._table
        try:
            with write_transaction(self._engine) as conn:
                if self._known_versions.get(collection_id) != version_key:
                    conn.execute(t.delete().where(and_(t.c.collection_id == collection_id,
                                                       t.c.version_key != version_key)))
                if conn.execute(select(t.c.z).where(
                        self._where(collection_id, version_key, tile))).first() is None:
                    conn.execute(t.insert().values(collection_id=collection_id,
                                                   version_key=version_key, z=tile.z,
                                                   x=tile.x, y=tile.y, data=data))
        except IntegrityError:
            return  # another host stored the same tile first
        self._known_versions[collection_id] = version_key


def make_tile_cache(choice: str, settings, store, folder_cache):
    """The cache ``OPENGOV_TILE_CACHE`` names: ``folder`` (``folder_cache()``), a Redis URL
    or ``database`` (the settings checked the choice)."""
    if is_redis(choice):
        return RedisTileCache(choice, settings.redis_timeout_ms)
    if choice == "database":
        return DatabaseTileCache(store.engine, store.reading)
    return folder_cache()
