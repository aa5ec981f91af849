"""``opengov add``: copy a data file (or a URL's body) into ``datasets/<id>/`` beside the
``metadata.yaml`` declaration inferred from it.

Nothing is written unless the file reads and its declaration parses back to itself: the folder
is assembled under a temporary name in the datasets folder and renamed into place at the end.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from opengov.declare.infer import infer_declaration
from opengov.declare.model import ID_PATTERN, Declaration, parse_declaration
from opengov.declare.readers import DEFAULT_XY_CRS, file_format, read_file
from opengov.declare.render import render_declaration

HTTP_NAMESPACE = "declare"


class AddError(ValueError):
    """``opengov add`` cannot go on (one line: what and why)."""


@dataclass(frozen=True)
class Added:
    """What ``opengov add`` wrote: the folder, the declaration, its text and every guess."""

    folder: Path
    declaration: Declaration
    text: str
    guesses: tuple[str, ...]


def is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def download(url: str, settings, folder: Path) -> Path:
    """GET ``url`` through the project's HTTP session (cache, retries, timeout) into
    ``folder``, named after the URL's last path segment."""
    import requests

    from opengov.upstream.session import cached_session

    name = Path(unquote(urlsplit(url).path)).name
    if not name:
        raise AddError(f"{url}: the URL names no file (expected e.g. …/bus-stops.geojson)")
    file_format(Path(name))
    session = cached_session(settings, namespace=HTTP_NAMESPACE)
    try:
        response = session.get(url)
    except requests.RequestException as exc:
        raise AddError(f"{url}: cannot be fetched ({exc})") from None
    finally:
        session.close()
    if response.status_code != 200:
        raise AddError(f"{url}: the server answered {response.status_code}")
    target = folder / name
    target.write_bytes(response.content)
    return target


def _check_id(collection_id: str) -> None:
    if not ID_PATTERN.match(collection_id) or len(collection_id) > 50:
        raise AddError(f"--id {collection_id!r}: use lower-case letters, digits and single "
                       "hyphens (at most 50), e.g. bus-stops")


def _notes(source: str, guesses: tuple[str, ...]) -> list[str]:
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return [f"Declared by `opengov add` from {source} at {stamp}. Its guesses:",
            *(f"  - {g}" for g in guesses), ""]


def add_dataset(source: str, collection_id: str, datasets: Path, *, title: str | None = None,
                layer: str | None = None, crs: str | None = None, settings=None) -> Added:
    """Copy ``source`` (a path or an http(s) URL) into ``datasets/<collection_id>/`` and write
    the declaration inferred from it; returns what was written."""
    from opengov.declare.model import canonical_crs

    _check_id(collection_id)
    datasets = Path(datasets)
    folder = datasets / collection_id
    if folder.exists():
        raise AddError(f"{folder} already exists; remove it or choose another --id")
    default_crs = DEFAULT_XY_CRS if settings is None else settings.native_crs  # the project's
    if crs is not None:
        default_crs = canonical_crs(crs)
        if default_crs is None:
            raise AddError(f"--crs {crs!r}: not a coordinate reference system PROJ knows")
    datasets.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=datasets, prefix=f".{collection_id}-") as tmp:
        staging = Path(tmp) / collection_id
        staging.mkdir()
        if is_url(source):
            path = download(source, settings, staging)
        else:
            original = Path(source)
            if not original.is_file():
                raise AddError(f"{source}: no such file")
            file_format(original)
            path = staging / original.name
            shutil.copyfile(original, path)
        read = read_file(path, layer=layer, default_crs=default_crs)
        inferred = infer_declaration(read, collection_id, path.name, title=title)
        declaration, guesses = inferred.declaration, inferred.guesses
        if settings is not None:
            declaration = with_project_catalog(declaration, settings)
            guesses += ("publisher, contact point and licence: the project's (opengov.toml)",)
        text = render_declaration(declaration, _notes(source, guesses))
        if parse_declaration(yaml.safe_load(text), "metadata.yaml") != declaration:
            raise AssertionError("the written declaration does not read back the same")
        (staging / "metadata.yaml").write_text(text, encoding="utf-8")
        staging.rename(folder)
    return Added(folder, declaration, text, guesses)


def with_project_catalog(declaration: Declaration, settings) -> Declaration:
    """``declaration`` with the project's publisher, contact point and licence."""
    from opengov.project import catalogue_defaults

    defaults = catalogue_defaults(settings)
    return replace(declaration, catalog=replace(
        declaration.catalog, publisher=defaults["publisher"],
        contact_point=defaults["contact_point"], license=defaults["license"]))
