"""A project folder: ``opengov.toml``, ``datasets/``, ``sources.toml`` and the database.

``opengov new DIR`` makes one; every command run inside it (or below it) uses it, as do
``--project DIR`` and ``OPENGOV_CONFIG`` (see docs/project.md).
"""

from __future__ import annotations

from pathlib import Path

PROJECT_FILE = "opengov.toml"
# What a new project without the sample serves: the platform and the datasets declared in its
# datasets/ folder (the ``declared`` capability), none of the sample's domains.
PLATFORM_CAPABILITIES = ("web", "ogcapi", "map", "tiles", "catalog", "gateway", "auth",
                         "declared")
DOMAIN_CAPABILITIES = ("procedures", "cameras", "servicecentres", "adminunits", "land",
                       "monitoring", "reports")


class ProjectError(ValueError):
    """A project that cannot be made or found, in one line."""


def find_project(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``opengov.toml``, or None."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    return None


def project_file(folder: Path) -> Path:
    """``folder``'s ``opengov.toml``; a folder without one is an error."""
    path = Path(folder) / PROJECT_FILE
    if not path.is_file():
        raise ProjectError(f"{folder} is not an opengov project (no {PROJECT_FILE}; make one "
                           "with `opengov new DIR`)")
    return path


def _toml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def settings_text(region: str, *, with_sample: bool) -> str:
    """The commented ``opengov.toml`` of a new project."""
    datasets = ('# datasets_path is left out: this project serves the sample bundled with '
                'opengov\n# (Quảng Nam). Set it to "datasets" to publish your own data instead.\n'
                '# datasets_path = "datasets"'
                if with_sample else
                '# Dataset folders to load (`opengov add` writes here).\n'
                'datasets_path = "datasets"')
    if with_sample:
        capabilities = '""'
        capabilities_note = "Empty: every built-in one, with its sample."
    else:
        capabilities = "[" + ", ".join(f'"{name}"' for name in PLATFORM_CAPABILITIES) + "]"
        capabilities_note = ("The platform and your declared datasets;\n# the built-in domains (" +
                             ", ".join(DOMAIN_CAPABILITIES) + ") are added by name.")
    return f"""\
# opengov project settings. Every key may also be set by its environment variable
# (OPENGOV_<KEY in upper case>), which wins over this file; see docs/project.md and the
# settings table in the README. Relative paths are relative to this folder.
[opengov]
# The region the service publishes for: catalogue and page titles; its ASCII slug starts
# every download's file name.
region_name = {_toml_text(region)}

# Defaults for the datasets you declare (`opengov add`).
publisher = ""                   # e.g. "Sở Thông tin và Truyền thông"
contact_email = ""               # e.g. "opendata@example.gov.vn"
licence = "CC-BY-4.0"            # SPDX identifier

# Public base URL for links (empty: taken from each request).
base_url = ""

# Where /map opens: "latitude,longitude" (WGS 84) and a zoom level.
map_center = "15.6,108.2"
map_zoom = 9

# CRS of local x/y coordinates that carry no CRS of their own (VN-2000 / TM-3 107°45′).
native_crs = "EPSG:5899"

# Capabilities to serve (docs/architecture.md). {capabilities_note}
capabilities = {capabilities}
# disabled_capabilities = ["reports"]

{datasets}

# The database: a SQLite file in instance/ unless database_url is set, e.g.
# database_url = "postgresql+psycopg://opengov@127.0.0.1/opengov"
instance_path = "instance"

# Upstream sources the gateway harvests (docs/gateway.md).
sources_file = "sources.toml"
"""


SOURCES_TEXT = """\
# Upstream sources `opengov harvest` fetches into batch collections (see docs/gateway.md).
# Each [[sources]] table feeds one collection; [defaults] holds keys shared by every source.
# No table, no sources.

# [defaults]
# interval = "1h"
#
# [[sources]]
# id = "city-bus-stops"
# collection = "bus-stops"               # a collection declared in datasets/
# connector = "geojson"                  # csv | json | geojson | ogcapi | arcgis | ckan | open311
# url = "https://gis.example.gov.vn/bus-stops.geojson"
#
# [sources.fields]                       # our field = upstream field
# id = "code"
#
# A feed pulls event batches instead of filling a collection: here the one-stop system's
# dossier events, read exactly like POST /dossiers/events (see docs/dossiers.md).
# [[sources]]
# id = "one-stop-export"
# feed = "dossier-events"
# connector = "json"                     # json | csv
# url = "https://motcua.example.gov.vn/export/events"
# agency = "so-xay-dung"                 # the agency it may write, or "*" for every agency
# since_param = "since"                  # ?since=<newest event time stored, less overlap>
# overlap = "1d"
# auth = { env = "MOTCUA_TOKEN", header = "Authorization", prefix = "Bearer " }
"""


def new_project(folder: Path, *, region: str, with_sample: bool = False) -> list[Path]:
    """Create a project in ``folder`` (absent or empty); return the paths written."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ProjectError(f"{folder} is not empty; give `opengov new` a new or empty folder")
    datasets = folder / "datasets"
    datasets.mkdir(parents=True)
    settings = folder / PROJECT_FILE
    settings.write_text(settings_text(region, with_sample=with_sample), encoding="utf-8")
    sources = folder / "sources.toml"
    sources.write_text(SOURCES_TEXT, encoding="utf-8")
    return [settings, datasets, sources]


def is_empty_datasets_folder(root: Path) -> bool:
    """A folder holding no dataset folder: a new project's ``datasets/``."""
    root = Path(root)
    return root.is_dir() and not any(p.is_dir() for p in root.iterdir())


# Licence pages of the SPDX ids open-data portals use most; any other id links to its SPDX page.
LICENCE_URLS = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
    "ODC-By-1.0": "https://opendatacommons.org/licenses/by/1-0/",
    "PDDL-1.0": "https://opendatacommons.org/licenses/pddl/1-0/",
}


def licence_record(spdx_id: str) -> dict | None:
    """``{id, url}`` for an SPDX licence id (None when empty)."""
    spdx_id = spdx_id.strip()
    if not spdx_id:
        return None
    return {"id": spdx_id,
            "url": LICENCE_URLS.get(spdx_id, f"https://spdx.org/licenses/{spdx_id}.html")}


def catalogue_defaults(settings) -> dict:
    """The project's publisher, contact point and licence (``opengov.toml``) as catalogue
    metadata: what ``opengov add`` writes into a new declaration and what the catalogue says
    of a dataset that names none. Without a publisher: "opengov – <region>"."""
    publisher = {"name": settings.publisher.strip() or f"opengov – {settings.region_name}"}
    contact = dict(publisher)
    if settings.contact_email.strip():
        contact["email"] = settings.contact_email.strip()
    return {"publisher": publisher, "contact_point": contact,
            "license": licence_record(settings.licence)}
