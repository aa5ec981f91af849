"""Built whole-dataset distributions: one file per (dataset, version, format), with checksums.

Files live under ``<instance>/distributions/<dataset>/v<version>/``, each beside a small JSON
manifest (size, sha256, media type, file name). A file is written to a temporary name and
renamed into place, so readers never see a partial file; two workers building the same file
produce the same bytes. The last ``keep`` versions of each dataset are kept.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from opengov import query as q
from opengov.catalog import formats, rows
from opengov.catalog.checksums import sha256_file
from opengov.collections import Collection
from opengov.store.repository import Store

AREA = "quang-nam"  # the bundled sample's region slug (settings.region_slug names the real one)
EPOCH = datetime(1980, 1, 1, tzinfo=UTC)  # earliest time a zip entry can carry


@dataclass(frozen=True)
class Built:
    """A distribution on disk and what the catalogue says about it."""

    path: Path
    filename: str
    media_type: str
    byte_size: int
    sha256: str
    version: int
    modified: datetime


class VersionGone(LookupError):
    """The asked-for version is not (or no longer) kept."""


def file_name(collection: Collection, version: int, fmt: str, area: str = AREA) -> str:
    """``<region slug>-<dataset>-v<version>.<extension>``."""
    return f"{area}-{collection.id}-v{version}.{formats.FORMATS[fmt].extension}"


class Distributions:
    """The distribution files of one application."""

    def __init__(self, root: Path, store: Store, keep: int = 3,
                 describe: Callable[[Collection], dict] | None = None, area: str = AREA):
        self.root, self.store, self.keep, self.area = Path(root), store, keep, area
        self.describe = describe  # package-level metadata for formats that carry a descriptor
        self._lock = threading.Lock()

    def _folder(self, dataset_id: str, version: int) -> Path:
        return self.root / dataset_id / f"v{version}"

    def versions(self, dataset_id: str) -> list[int]:
        """Versions with at least one built file, newest first."""
        folder = self.root / dataset_id
        if not folder.is_dir():
            return []
        found = [int(p.name[1:]) for p in folder.iterdir()
                 if p.is_dir() and p.name[:1] == "v" and p.name[1:].isdigit()]
        return sorted(found, reverse=True)

    def manifest(self, dataset_id: str, version: int, fmt: str) -> Built | None:
        """The built file of this version and format, or None."""
        meta = self._folder(dataset_id, version) / f"{fmt}.json"
        if not meta.exists():
            return None
        info = json.loads(meta.read_text(encoding="utf-8"))
        return Built(meta.parent / info["filename"], info["filename"], info["media_type"],
                     info["byte_size"], info["sha256"], version,
                     datetime.fromisoformat(info["modified"]))

    def get(self, collection: Collection, fmt: str, version: int | None = None) -> Built:
        """The file of ``version`` (default: current), building the current one if needed."""
        state = self.store.repo(collection.id).state()
        wanted = state.version if version is None else version
        built = self.manifest(collection.id, wanted, fmt)
        if built is not None:
            return built
        if wanted != state.version:
            raise VersionGone(wanted)
        with self._lock:
            return (self.manifest(collection.id, wanted, fmt)
                    or self.build(collection, fmt, state.version, state.modified or EPOCH))

    def build(self, collection: Collection, fmt: str, version: int, modified: datetime,
              progress: Callable[[int], object] | None = None) -> Built:
        """Write the whole dataset of ``version`` in ``fmt`` and record its checksum.

        ``progress(n)`` is called after each batch of ``n`` rows is read.
        """
        folder = self._folder(collection.id, version)
        folder.mkdir(parents=True, exist_ok=True)
        name = file_name(collection, version, fmt, self.area)
        stamp = max(modified, EPOCH)

        def batches(columns):
            for batch in rows.batches(self.store, collection, q.Query(), columns=columns):
                yield batch
                if progress is not None:
                    progress(len(batch))

        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            part = Path(tmp) / name
            properties = self.describe(collection) if self.describe else None
            formats.write_file(fmt, collection, batches, part, stamp, properties)
            if self.store.repo(collection.id).state().version != version:
                raise RuntimeError(f"{collection.id} changed while its {fmt} file was built")
            built = Built(folder / name, name, formats.FORMATS[fmt].media_type,
                          part.stat().st_size, sha256_file(part), version, stamp)
            os.replace(part, built.path)
        info = {"filename": name, "media_type": built.media_type, "byte_size": built.byte_size,
                "sha256": built.sha256, "modified": stamp.isoformat()}
        meta = folder / f"{fmt}.json"
        # a temporary name of this process and thread: the first start's background build and
        # a worker serving a download may write the same manifest at once (same content)
        part_meta = folder / f"{fmt}.json.{os.getpid()}-{threading.get_ident()}.tmp"
        part_meta.write_text(json.dumps(info, sort_keys=True), encoding="utf-8")
        os.replace(part_meta, meta)
        self.prune(collection.id)
        return built

    def prune(self, dataset_id: str) -> None:
        """Drop all but the newest ``keep`` versions."""
        for version in self.versions(dataset_id)[self.keep:]:
            shutil.rmtree(self._folder(dataset_id, version), ignore_errors=True)

    def built_formats(self, dataset_id: str, version: int) -> dict[str, Built]:
        return {fmt: b for fmt in formats.FORMATS
                if (b := self.manifest(dataset_id, version, fmt)) is not None}
