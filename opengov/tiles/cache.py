"""A bounded tile cache in files under the instance folder, shared by every worker process.

Layout: ``<root>/<collection>/<version key>/<z>/<x>/<y>.mvt``. The version key is the
collection's version plus the time it was set, so a reload (a new version) or a rebuilt database
(versions counting again from 1) never meets an old tile. An empty tile is an empty file. Files
are written to a temporary name and renamed into place, so a reader in another worker sees a
whole tile or none. When a worker first writes under a new version key it removes the other
version folders of that collection (a worker still on an older version merely re-renders
later); and after every eighth of the size budget written, it trims the cache in a background
thread to 80 % of the budget, oldest files first.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

from opengov.tiles.grid import Tile

#: Space an empty or small file takes on disk at least (one block), for the size budget.
_BLOCK = 4096


class TileCache:
    """Get and put tiles by (collection, version key, tile)."""

    def __init__(self, root: Path, max_bytes: int):
        self.root = Path(root)
        self.max_bytes = max_bytes
        self._written = 0
        self._lock = threading.Lock()
        self._known_versions: dict[str, str] = {}
        self._trimming = False

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def _path(self, collection_id: str, version_key: str, tile: Tile) -> Path:
        folder = self.root / collection_id / version_key / str(tile.z) / str(tile.x)
        return folder / f"{tile.y}.mvt"

    def get(self, collection_id: str, version_key: str, tile: Tile) -> bytes | None:
        """The cached tile (b"" for a cached empty tile), or None."""
        if not self.enabled:
            return None
        try:
            return self._path(collection_id, version_key, tile).read_bytes()
        except OSError:
            return None

    def put(self, collection_id: str, version_key: str, tile: Tile, data: bytes) -> None:
        if not self.enabled:
            return
        path = self._path(collection_id, version_key, tile)
        if self._known_versions.get(collection_id) != version_key:
            self._known_versions[collection_id] = version_key
            self._drop_other_versions(collection_id, version_key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            temp.write_bytes(data)
            os.replace(temp, path)
        except OSError:
            temp.unlink(missing_ok=True)
            return
        with self._lock:
            self._written += max(len(data), _BLOCK)
            due = self._written > self.max_bytes // 8 and not self._trimming
            if due:
                self._written, self._trimming = 0, True
        if due:
            threading.Thread(target=self._trim_in_background, daemon=True).start()

    def _drop_other_versions(self, collection_id: str, keep: str) -> None:
        folder = self.root / collection_id
        if not folder.is_dir():
            return
        for entry in folder.iterdir():
            if entry.name != keep:
                shutil.rmtree(entry, ignore_errors=True)

    def _trim_in_background(self) -> None:
        try:
            self.trim()
        finally:
            self._trimming = False

    def trim(self) -> int:
        """Delete the oldest files until the cache is within 80 % of its budget; bytes left."""
        files = []
        for dirpath, _dirs, names in os.walk(self.root):
            for name in names:
                path = os.path.join(dirpath, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                files.append((st.st_mtime, max(st.st_size, _BLOCK), path))
        total = sum(size for _, size, _ in files)
        if total <= self.max_bytes:
            return total
        files.sort()
        target = int(self.max_bytes * 0.8)
        for _, size, path in files:
            if total <= target:
                break
            try:
                os.unlink(path)
            except OSError:
                continue
            total -= size
        return total

