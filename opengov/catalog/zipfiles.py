"""Zip archives with fixed entry times, so the same members give the same bytes."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

Member = tuple[str, bytes | Path]  # name inside the archive, and its bytes or a file to copy


def write_zip(path: Path, members: Iterable[Member], stamp: datetime) -> None:
    """Write ``members`` in the given order, each entry carrying ``stamp`` (not the build time).

    Zip entries hold a local date and time with two-second resolution (APPNOTE 4.4.6), which
    is all that would otherwise differ between two builds of the same files.
    """
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            if isinstance(data, bytes):
                zf.writestr(info, data)
                continue
            info.file_size = data.stat().st_size  # zipfile picks zip64 from it when needed
            with data.open("rb") as src, zf.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)


def rezip(source: Path, path: Path, stamp: datetime,
          replace: dict[str, bytes] | None = None) -> None:
    """Copy the archive ``source`` to ``path`` with fixed entry times (and some entries
    replaced), keeping the order of its entries."""
    replace = replace or {}
    with zipfile.ZipFile(source) as zin, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zout:
        for old in zin.infolist():
            info = zipfile.ZipInfo(old.filename, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            if old.filename in replace:
                zout.writestr(info, replace[old.filename])
                continue
            info.file_size = old.file_size
            with zin.open(old) as src, zout.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
