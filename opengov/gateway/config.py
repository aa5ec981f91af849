"""Upstream sources, declared in a TOML file (setting ``sources_file``; see docs/gateway.md).

Parsing checks everything that can be checked without the network: known connector, a target
collection that exists and is a *batch* dataset, one source per collection (a harvest replaces
the collection), mapped fields that exist, durations, and auth naming an environment variable.
A source with ``feed`` instead of ``collection`` pulls event batches into an ingest path (the
dossier events, docs/dossiers.md); it names the agency it may write, like a scoped key.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from opengov.collections import Registry
from opengov.gateway.errors import SourceError
from opengov.gateway.mapping import FieldMap, GeometryMap, parse_fields, parse_geometry

CONNECTORS = ("csv", "json", "geojson", "ogcapi", "arcgis", "ckan", "open311")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d)?\s*$")
_UNIT_SECONDS = {None: 1, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
OPTION_KEYS = {"params", "records_path", "page_size", "max_pages", "resource_id", "delimiter",
               "encoding", "page_param", "allow_empty"}
COMMON_KEYS = {"id", "connector", "url", "title", "interval", "expire_after", "timeout",
               "retries", "stale_after", "auth"}
#: Feeds: event batches pulled into an ingest path → what ``/sources`` shows as fed.
FEEDS = {"dossier-events": "dossiers"}
FEED_CONNECTORS = ("json", "csv")
FEED_OPTION_KEYS = {"params", "agency", "since_param", "overlap", "max_pages"}
ANY_AGENCY = "*"


def duration(value: object, what: str) -> float:
    """Seconds from ``90``, ``"90s"``, ``"15m"``, ``"2h"`` or ``"1d"``."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    match = _DURATION.match(str(value)) if isinstance(value, str) else None
    if not match:
        raise SourceError(f"{what}: {value!r} is not a duration (e.g. 90, \"15m\", \"2h\")")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


@dataclass(frozen=True)
class Auth:
    """A credential read from an environment variable, sent as a header or a query parameter."""

    env: str
    header: str | None = None
    query: str | None = None
    prefix: str = ""

    @property
    def name(self) -> str:
        return self.header or self.query or ""

    def secret(self) -> str:
        """The credential itself (never stored, logged or shown)."""
        value = os.environ.get(self.env)
        if not value:
            raise SourceError(f"environment variable {self.env} (the source's credential) "
                              "is not set")
        return value


@dataclass(frozen=True)
class Source:
    """One upstream dataset feeding one collection."""

    id: str
    collection: str
    connector: str
    url: str
    fields: tuple[FieldMap, ...]
    geometry: GeometryMap | None = None
    title: str = ""
    interval: float = 3600.0
    expire_after: float = 0.0
    timeout: float | None = None
    retries: int | None = None
    stale_after: float = 7200.0
    auth: Auth | None = None
    options: dict = field(default_factory=dict)
    feed: str | None = None  # an event feed (FEEDS) instead of a collection

    def option(self, name: str, default=None):
        return self.options.get(name, default)


def _auth(raw: object, where: str) -> Auth | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("env"), str):
        raise SourceError(f"{where}.auth: needs env = \"VARIABLE_NAME\"")
    header, query = raw.get("header"), raw.get("query")
    if bool(header) == bool(query):
        raise SourceError(f"{where}.auth: give exactly one of header or query")
    unknown = set(raw) - {"env", "header", "query", "prefix"}
    if unknown:
        raise SourceError(f"{where}.auth: unknown keys {sorted(unknown)} (secrets belong in "
                          "environment variables, not in this file)")
    return Auth(raw["env"], header, query, str(raw.get("prefix", "")))


def _common(raw: dict, where: str) -> dict:
    """What every source declares the same way: title, timing, the HTTP knobs and auth."""
    if not raw["url"].startswith(("http://", "https://")):
        raise SourceError(f"{where}: url must be http(s)")
    interval = duration(raw.get("interval", 3600), f"{where}.interval")
    return dict(
        title=str(raw.get("title", "")), interval=interval,
        expire_after=duration(raw.get("expire_after", 0), f"{where}.expire_after"),
        timeout=duration(raw["timeout"], f"{where}.timeout") if "timeout" in raw else None,
        retries=int(raw["retries"]) if "retries" in raw else None,
        stale_after=duration(raw.get("stale_after", 2 * interval), f"{where}.stale_after"),
        auth=_auth(raw.get("auth"), where))


def _required(raw: dict, where: str, keys: tuple[str, ...]) -> None:
    for key in keys:
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise SourceError(f"{where}: {key} is required")


def _source(raw: dict, registry: Registry, defaults: dict) -> Source:
    sid = raw.get("id")
    if not isinstance(sid, str) or not _ID.match(sid):
        raise SourceError(f"source id {sid!r}: lower-case letters, digits, '-' or '_'")
    where = f"source {sid!r}"
    if "feed" in raw:
        return _feed_source(raw, defaults, where)
    raw = {**defaults, **raw}
    _required(raw, where, ("collection", "connector", "url"))
    if raw["connector"] not in CONNECTORS:
        raise SourceError(f"{where}: connector {raw['connector']!r} is not one of "
                          f"{', '.join(CONNECTORS)}")
    if raw["collection"] not in registry:
        raise SourceError(f"{where}: no collection {raw['collection']!r}")
    collection = registry.get(raw["collection"])
    if collection.kind != "batch":
        raise SourceError(f"{where}: {collection.id} is a live collection; only batch "
                          "collections are harvested")
    known = {*COMMON_KEYS, "collection", "fields", "geometry", *OPTION_KEYS}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SourceError(f"{where}: unknown keys {unknown}")
    return Source(
        id=sid, collection=collection.id, connector=raw["connector"], url=raw["url"],
        fields=parse_fields(raw.get("fields") or {}, collection, where),
        geometry=parse_geometry(raw.get("geometry"), collection, raw["connector"], where),
        options={k: raw[k] for k in OPTION_KEYS if k in raw}, **_common(raw, where))


def _feed_source(raw: dict, defaults: dict, where: str) -> Source:
    """A source pulling event batches (``feed``): json or csv, an agency scope, and the
    incremental-pull keys ``since_param`` and ``overlap``."""
    known = COMMON_KEYS | FEED_OPTION_KEYS | {"feed"}
    raw = {**{k: v for k, v in defaults.items() if k in known}, **raw}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SourceError(f"{where}: unknown keys {unknown} (a feed source takes "
                          f"{', '.join(sorted(known))})")
    if raw["feed"] not in FEEDS:
        raise SourceError(f"{where}: feed {raw['feed']!r} is not one of {', '.join(FEEDS)}")
    _required(raw, where, ("connector", "url"))
    if raw["connector"] not in FEED_CONNECTORS:
        raise SourceError(f"{where}: a feed is read with connector json or csv, not "
                          f"{raw['connector']!r}")
    agency = raw.get("agency")
    if not isinstance(agency, str) or not agency.strip():
        raise SourceError(f"{where}: agency is required: the one agency code whose dossiers "
                          f"the feed may write (as a scoped one-stop key), or \"{ANY_AGENCY}\" "
                          "for every agency")
    since_param = raw.get("since_param", "since")
    if not isinstance(since_param, str):
        raise SourceError(f"{where}.since_param: a query parameter name (\"\" for none)")
    max_pages = raw.get("max_pages", 1000)
    if not isinstance(max_pages, int) or isinstance(max_pages, bool) or max_pages < 1:
        raise SourceError(f"{where}.max_pages: a positive integer")
    options = {"agency": agency.strip(), "since_param": since_param, "max_pages": max_pages,
               "overlap": duration(raw.get("overlap", "1d"), f"{where}.overlap")}
    if "params" in raw:
        options["params"] = raw["params"]
    return Source(id=raw["id"], collection=FEEDS[raw["feed"]], connector=raw["connector"],
                  url=raw["url"], fields=(), options=options, feed=raw["feed"],
                  **_common(raw, where))


def parse_sources(data: dict, registry: Registry) -> dict[str, Source]:
    """Sources from parsed TOML (``[[sources]]`` tables, optional ``[defaults]``)."""
    defaults = data.get("defaults") or {}
    sources: dict[str, Source] = {}
    for raw in data.get("sources") or []:
        source = _source(raw, registry, defaults)
        if source.id in sources:
            raise SourceError(f"source {source.id!r} declared twice")
        clash = [s.id for s in sources.values()
                 if s.collection == source.collection and not source.feed]
        if clash:
            raise SourceError(f"sources {clash[0]!r} and {source.id!r} both feed "
                              f"{source.collection}; a harvest replaces its collection, so "
                              "one source per collection")
        sources[source.id] = source
    return sources


def sources_path(settings) -> Path:
    """The sources file: the ``sources_file`` setting or ``<instance>/sources.toml``."""
    configured = getattr(settings, "sources_file", "")
    return Path(configured) if configured else Path(settings.instance_path) / "sources.toml"


def load_sources(settings, registry: Registry) -> dict[str, Source]:
    """The declared sources (none when the default file does not exist)."""
    path = sources_path(settings)
    if not path.is_file():
        if getattr(settings, "sources_file", ""):
            raise SourceError(f"sources file {path} does not exist")
        return {}
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: {exc}") from exc
    return parse_sources(data, registry)
