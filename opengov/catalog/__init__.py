"""Open-data catalogue and bulk downloads (issue 7): a view over every registered collection.

Datasets, DCAT-AP 3.0, a CKAN-compatible read API, Frictionless data packages and reproducible
whole-dataset distributions. Nothing here is per-collection: a new collection appears as a
dataset automatically.
"""

from opengov.capability import Capability


def _blueprints(_registry):
    from opengov.catalog.ckan import blueprints as ckan_blueprints
    from opengov.catalog.routes import blp

    return [blp, *ckan_blueprints()]


def _commands():
    from opengov.catalog.extract_cli import extracts_command

    return [extracts_command]


def _error_families():
    """CKAN clients (``ckanapi``, harvesters) parse CKAN's error envelope under its prefixes."""
    from opengov.catalog.ckan import PREFIXES, ckan_error

    return [(prefix, ckan_error) for prefix in PREFIXES]


def _after_load(app, collection_ids, echo):
    """Build the download files of the loaded versions and the due monthly extracts."""
    from opengov.catalog.prebuild import build_current, build_extracts

    return build_current(app, collection_ids, echo=echo) + build_extracts(app, echo=echo)


CAPABILITY = Capability(name="catalog", summary="an open-data catalogue (DCAT, CKAN)",
                        blueprints=_blueprints, commands=_commands,
                        error_families=_error_families, after_load=_after_load)
