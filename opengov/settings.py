"""One settings object, read from ``OPENGOV_*`` environment variables and an optional TOML file.

Precedence (highest first): the ``config`` mapping given to ``create_app``, environment variables,
the TOML file (a project's ``opengov.toml``: ``--project``, the folder found above the working
directory, or ``OPENGOV_CONFIG``), the defaults below. Relative paths in the file are relative to
the file's folder (see docs/project.md).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path

from opengov.redis_client import DEFAULT_TIMEOUT_MS, is_redis


def _bundled_datasets() -> Path:
    from opengov.sample import sample_datasets

    return sample_datasets()


@dataclass(frozen=True)
class Settings:
    """Every setting, with its environment variable in the metadata."""

    instance_path: Path = field(
        default_factory=lambda: Path.cwd() / "instance",
        metadata={"env": "OPENGOV_INSTANCE_PATH", "help": "Folder for the default SQLite file."},
    )
    database_url: str = field(
        default="",
        metadata={
            "env": "OPENGOV_DATABASE_URL",
            "help": "SQLAlchemy URL; empty means `sqlite:///<instance>/opengov.sqlite3`. "
            "`postgresql+psycopg://user@host/db` uses PostgreSQL + PostGIS.",
        },
    )
    database_read_url: str = field(
        default="",
        metadata={
            "env": "OPENGOV_DATABASE_READ_URL",
            "help": "PostgreSQL streaming replica for request reads (empty: the primary serves "
            "everything); writes and read-your-writes paths use `OPENGOV_DATABASE_URL`. See "
            "docs/deploy.md.",
        },
    )
    replica_max_lag_s: int = field(
        default=30,
        metadata={"env": "OPENGOV_REPLICA_MAX_LAG_S",
                  "help": "Reads fall back to the primary while the replica is further behind "
                  "than this (seconds) or unreachable."},
    )
    replica_check_s: int = field(
        default=5,
        metadata={"env": "OPENGOV_REPLICA_CHECK_S",
                  "help": "Seconds between two checks of the replica's reachability and lag "
                  "(per process)."},
    )
    read_your_writes_s: int = field(
        default=10,
        metadata={"env": "OPENGOV_READ_YOUR_WRITES_S",
                  "help": "After a successful write, the client's requests read from the primary "
                  "for this many seconds (an `og_primary` cookie); 0 turns the cookie off."},
    )
    datasets_path: Path = field(
        default_factory=_bundled_datasets,
        metadata={"env": "OPENGOV_DATASETS_PATH",
                  "help": "Folder of dataset folders to load (default: the sample shipped in "
                  "the package)."},
    )
    sample_profile: str = field(
        default="full",
        metadata={
            "env": "OPENGOV_SAMPLE_PROFILE",
            "help": "`full` or `small` (a deterministic subset used by the tests).",
        },
    )
    base_url: str = field(
        default="",
        metadata={
            "env": "OPENGOV_BASE_URL",
            "help": "Public base URL for links (empty: taken from each request).",
        },
    )
    cors_origins: str = field(
        default="*",
        metadata={"env": "OPENGOV_CORS_ORIGINS", "help": "Origins allowed to GET (comma list)."},
    )
    capabilities: str = field(
        default="",
        metadata={"env": "OPENGOV_CAPABILITIES",
                  "help": "Capabilities to enable (comma list, e.g. `web,procedures,ogcapi`; "
                  "`declared`: the datasets declared in the datasets folder); empty enables "
                  "every one (see docs/architecture.md)."},
    )
    disabled_capabilities: str = field(
        default="",
        metadata={"env": "OPENGOV_DISABLED_CAPABILITIES",
                  "help": "Capabilities to leave out (comma list, e.g. `land,reports`): their "
                  "endpoints, collections and catalogue entries are not served."},
    )
    region_name: str = field(
        default="Quảng Nam",
        metadata={"env": "OPENGOV_REGION_NAME",
                  "help": "The region the service publishes for: catalogue, landing and OGC "
                  "titles; its ASCII slug starts every download's file name "
                  "(`quang-nam-…`)."},
    )
    publisher: str = field(
        default="",
        metadata={"env": "OPENGOV_PUBLISHER",
                  "help": "Default publisher of declared datasets (empty: opengov)."},
    )
    contact_email: str = field(
        default="",
        metadata={"env": "OPENGOV_CONTACT_EMAIL",
                  "help": "Default contact e-mail of declared datasets."},
    )
    licence: str = field(
        default="CC-BY-4.0",
        metadata={"env": "OPENGOV_LICENCE",
                  "help": "Default licence (SPDX id) of declared datasets."},
    )
    native_crs: str = field(
        default="EPSG:5899",
        metadata={"env": "OPENGOV_NATIVE_CRS",
                  "help": "CRS of local x/y coordinates that carry no CRS of their own (default "
                  "VN-2000 / TM-3 107°45′, Quảng Nam / Đà Nẵng)."},
    )
    map_center: str = field(
        default="15.6,108.2",
        metadata={"env": "OPENGOV_MAP_CENTER",
                  "help": "Where /map opens: `latitude,longitude` (WGS 84)."},
    )
    map_zoom: int = field(
        default=9,
        metadata={"env": "OPENGOV_MAP_ZOOM", "help": "Zoom level /map opens at."},
    )
    compress_min_bytes: int = field(
        default=1024,
        metadata={
            "env": "OPENGOV_COMPRESS_MIN_BYTES",
            "help": "Responses at least this large are gzip-compressed when the client accepts it "
            "(0 disables compression).",
        },
    )
    count_cache_size: int = field(
        default=4096,
        metadata={"env": "OPENGOV_COUNT_CACHE_SIZE", "help": "Exact counts kept per process."},
    )
    sqlite_mmap_mb: int = field(
        default=2048,
        metadata={
            "env": "OPENGOV_SQLITE_MMAP_MB",
            "help": "SQLite: how much of the database file each connection reads through a "
            "memory map (MiB; SQLite caps it, 2 GiB in most builds) instead of a read call per "
            "page. Bbox pages read rows scattered over the file and cost about 40 % less "
            "with it; bulk loads turn it off. 0 disables it (e.g. on a network filesystem).",
        },
    )
    statement_timeout_ms: int = field(
        default=5000,
        metadata={
            "env": "OPENGOV_STATEMENT_TIMEOUT_MS",
            "help": "Longest a database statement run for a request may take (milliseconds; a "
            "download: each batch of rows); then 503 with `Retry-After`. Writes, loads and "
            "commands are never cut. 0 disables it.",
        },
    )
    log_level: str = field(
        default="INFO", metadata={"env": "OPENGOV_LOG_LEVEL", "help": "Python logging level."}
    )
    tile_cache: str = field(
        default="folder",
        metadata={
            "env": "OPENGOV_TILE_CACHE",
            "help": "Where vector tiles are cached: `folder` (`<instance>/tiles/`, one host), "
            "`redis://host:6379/0` or `database` (shared by every host; keyed by collection "
            "version). See docs/deploy.md.",
        },
    )
    tile_cache_mb: int = field(
        default=256,
        metadata={
            "env": "OPENGOV_TILE_CACHE_MB",
            "help": "Size budget of the vector-tile cache in `<instance>/tiles/` (files shared by "
            "all workers; oldest tiles removed first); 0 disables the cache.",
        },
    )
    map_tile_url: str = field(
        default="",
        metadata={
            "env": "OPENGOV_MAP_TILE_URL",
            "help": "Basemap tile URL template for /map (e.g. `https://tiles.example/{z}/{x}/{y}.png`);"
            " empty draws the data on a blank background (works offline).",
        },
    )
    reports_rate_limit: str = field(
        default="20/minute;200/day",
        metadata={
            "env": "OPENGOV_REPORTS_RATE_LIMIT",
            "help": "Report submissions allowed per client (API key, else IP address), in "
            "flask-limiter notation; `;` separates several limits.",
        },
    )
    dossiers_track_rate_limit: str = field(
        default="30/minute;300/day",
        metadata={
            "env": "OPENGOV_DOSSIERS_TRACK_RATE_LIMIT",
            "help": "Dossier lookups (`GET /dossiers/track`) allowed per client (API key, else "
            "IP address), in flask-limiter notation; `;` separates several limits.",
        },
    )
    dossier_pin_secret: str = field(
        default="",
        repr=False,
        metadata={
            "env": "OPENGOV_DOSSIER_PIN_SECRET",
            "help": "Key of the HMAC that stores dossier receipt pins (at least 16 characters; "
            "the same on every host). Empty: a random one kept in the instance folder's "
            "`dossier-pin-secret` file.",
        },
    )
    ratelimit_storage_url: str = field(
        default="",
        metadata={
            "env": "OPENGOV_RATELIMIT_STORAGE_URL",
            "help": "Where rate-limit counters live: empty means a SQLite file in the instance "
            "folder (`<instance>/ratelimits.sqlite3`, shared by every worker of one host); "
            "`redis://host:6379/0` shares them across hosts; `memory://` counts per worker.",
        },
    )
    trusted_proxies: str = field(
        default="",
        metadata={
            "env": "OPENGOV_TRUSTED_PROXIES",
            "help": "Addresses and CIDR ranges of reverse proxies (comma list, e.g. "
            "`127.0.0.1, 10.0.0.0/8`) whose forwarding headers give the client address, scheme "
            "and host (see docs/deploy.md); empty trusts no one.",
        },
    )
    proxy_headers: str = field(
        default="x-forwarded",
        metadata={
            "env": "OPENGOV_PROXY_HEADERS",
            "help": "Which forwarding headers trusted proxies set: `x-forwarded` "
            "(`X-Forwarded-For`, `-Proto`, `-Host`) or `forwarded` (RFC 7239).",
        },
    )
    access_log: str = field(
        default="-",
        metadata={
            "env": "OPENGOV_ACCESS_LOG",
            "help": "Where the JSON-lines access log goes: `-` (standard error), a file path, "
            "or `off`.",
        },
    )
    metrics: str = field(
        default="local",
        metadata={
            "env": "OPENGOV_METRICS",
            "help": "`GET /metrics` (Prometheus): `local` (loopback clients only), `key` (an API "
            "key with role `metrics` or `admin`), or `off` (404).",
        },
    )
    redis_timeout_ms: int = field(
        default=DEFAULT_TIMEOUT_MS,
        metadata={
            "env": "OPENGOV_REDIS_TIMEOUT_MS",
            "help": "Longest wait for Redis (connect, and each answer) in every Redis client; "
            "a Redis that is down or hangs then costs a request at most this, never a 500.",
        },
    )
    max_body_bytes: int = field(
        default=1024 * 1024,
        metadata={
            "env": "OPENGOV_MAX_BODY_BYTES",
            "help": "Largest request body of any route without a cap of its own (reports: "
            "`OPENGOV_REPORTS_MAX_BODY_BYTES`, readings ingest: `OPENGOV_INGEST_MAX_BODY_BYTES`); "
            "larger is 413 before the body is read, chunked bodies too.",
        },
    )
    ingest_max_body_bytes: int = field(
        default=16 * 1024 * 1024,
        metadata={
            "env": "OPENGOV_INGEST_MAX_BODY_BYTES",
            "help": "Largest body of `POST /monitoring/readings` (a batch of readings); larger "
            "is 413.",
        },
    )
    client_timeout_s: int = field(
        default=10,
        metadata={
            "env": "OPENGOV_CLIENT_TIMEOUT_S",
            "help": "`opengov serve` (gthread): seconds a client has to send a request's headers, "
            "and the longest pause within its body; then 408 and the connection is closed.",
        },
    )
    client_min_body_rate: int = field(
        default=1024,
        metadata={
            "env": "OPENGOV_CLIENT_MIN_BODY_RATE",
            "help": "`opengov serve` (gthread): bytes per second a request body must average "
            "after `OPENGOV_CLIENT_TIMEOUT_S` of grace; slower bodies end in 408.",
        },
    )
    reports_max_body_bytes: int = field(
        default=27 * 1024 * 1024,
        metadata={
            "env": "OPENGOV_REPORTS_MAX_BODY_BYTES",
            "help": "Largest report submission body (5 photos of 5 MB plus text); larger is 413.",
        },
    )
    reports_contact_retention_days: int = field(
        default=30,
        metadata={
            "env": "OPENGOV_REPORTS_CONTACT_RETENTION_DAYS",
            "help": "Reporters' contact details are erased this many days after a report closes.",
        },
    )
    reports_idempotency_hours: int = field(
        default=24,
        metadata={
            "env": "OPENGOV_REPORTS_IDEMPOTENCY_HOURS",
            "help": "How long an `Idempotency-Key` replays its first submission.",
        },
    )
    sources_file: str = field(
        default="",
        metadata={
            "env": "OPENGOV_SOURCES_FILE",
            "help": "TOML file declaring the upstream sources the gateway harvests (see "
            "docs/gateway.md); empty means `<instance>/sources.toml` (no sources if missing).",
        },
    )
    http_cache_url: str = field(
        default="",
        metadata={
            "env": "OPENGOV_HTTP_CACHE_URL",
            "help": "Cache of upstream HTTP responses: empty means SQLite files in "
            "`<instance>/http-cache/`; `redis://host:6379/0` shares one Redis cache.",
        },
    )
    http_timeout: int = field(
        default=30,
        metadata={"env": "OPENGOV_HTTP_TIMEOUT",
                  "help": "Seconds an upstream may take to connect, to send data, and (wall "
                  "clock) to deliver a whole answer."},
    )
    http_retries: int = field(
        default=3,
        metadata={"env": "OPENGOV_HTTP_RETRIES",
                  "help": "Retries of an upstream request after 429, 5xx or a connection error."},
    )
    http_backoff_ms: int = field(
        default=500,
        metadata={"env": "OPENGOV_HTTP_BACKOFF_MS",
                  "help": "First retry delay in milliseconds; doubles with each retry "
                  "(`Retry-After` wins when the upstream sends it)."},
    )
    camera_snapshot_hosts: str = field(
        default="",
        metadata={
            "env": "OPENGOV_CAMERA_SNAPSHOT_HOSTS",
            "help": "Hosts whose camera images `/cameras/{id}/snapshot` may fetch (comma list of "
            "`host` or `host:port`); empty proxies nothing. Listed names must resolve to public "
            "addresses; list an IP address to allow a camera on a private network.",
        },
    )
    camera_snapshot_expiry_s: int = field(
        default=30,
        metadata={"env": "OPENGOV_CAMERA_SNAPSHOT_EXPIRY",
                  "help": "Seconds a fetched camera image is reused for every viewer."},
    )
    camera_snapshot_timeout_s: int = field(
        default=5,
        metadata={"env": "OPENGOV_CAMERA_SNAPSHOT_TIMEOUT",
                  "help": "Seconds a camera may take to deliver its whole image, by the wall "
                  "clock (then 504)."},
    )
    camera_snapshot_max_bytes: int = field(
        default=5 * 1024 * 1024,
        metadata={"env": "OPENGOV_CAMERA_SNAPSHOT_MAX_BYTES",
                  "help": "Largest camera image accepted (bytes, decoded); larger is a 502."},
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{Path(self.instance_path).resolve() / 'opengov.sqlite3'}"

    @property
    def is_default_database(self) -> bool:
        return not self.database_url

    @property
    def region_slug(self) -> str:
        """The region name in lower-case ASCII with hyphens (`Quảng Nam` → `quang-nam`)."""
        from opengov.text import fold

        return "-".join(re.findall(r"[a-z0-9]+", fold(self.region_name))) or "opengov"

    @property
    def map_view(self) -> tuple[float, float, int]:
        """(latitude, longitude, zoom) /map opens at."""
        lat, lon = (float(part) for part in self.map_center.split(","))
        return lat, lon, self.map_zoom


def _coerce(name: str, value: object) -> object:
    default = getattr(Settings(), name)
    if isinstance(default, Path):
        return Path(str(value))
    if isinstance(default, int) and not isinstance(default, bool):
        try:
            return int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise ValueError(f"setting {name!r} must be an integer, got {value!r}") from exc
    if isinstance(value, list | tuple):  # a TOML array for a comma-list setting
        return ",".join(str(v) for v in value)
    return str(value)


PATH_SETTINGS = ("instance_path", "datasets_path", "sources_file")  # relative to the TOML file


def _relative_to(folder: Path, values: dict) -> dict:
    """The file's settings, its relative paths made relative to ``folder`` (the project)."""
    out = dict(values)
    for name in PATH_SETTINGS:
        value = out.get(name)
        if isinstance(value, str) and value and not Path(value).is_absolute():
            out[name] = str((folder / value).resolve())
    return out


def load_settings(config: dict | None = None, environ: dict | None = None) -> Settings:
    """Build settings from defaults, the TOML file, the environment and ``config``."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    toml_path = (config or {}).get("config_file") or environ.get("OPENGOV_CONFIG")
    if toml_path:
        with open(toml_path, "rb") as fh:
            values.update(_relative_to(Path(toml_path).parent,
                                       tomllib.load(fh).get("opengov", {})))
    for f in fields(Settings):
        env_name = f.metadata["env"]
        if env_name in environ:
            values[f.name] = environ[env_name]
    for key, value in (config or {}).items():
        if key != "config_file":
            values[key] = value
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(unknown)}")
    settings = replace(Settings(), **{k: _coerce(k, v) for k, v in values.items()})
    _check_choices(settings)
    return settings


def _check_choices(settings: Settings) -> None:
    """Settings with a fixed set of values fail at start, not at the first request."""
    cache = settings.tile_cache
    if cache not in ("folder", "database") and not is_redis(cache):
        raise ValueError(f"OPENGOV_TILE_CACHE must be `folder`, `database` or a redis:// URL, "
                         f"not {cache!r}")


def settings_table() -> list[tuple[str, str, str]]:
    """(environment variable, default, help) for every setting, for docs and tests."""
    rows = []
    for f in fields(Settings):
        default = "see help" if f.default is MISSING else f.default
        rows.append((f.metadata["env"], str(default), f.metadata["help"]))
    return rows
