"""Citizen feedback reports (phản ánh): native API and Open311 GeoReport v2 (issue 6)."""

from opengov.capability import Capability


def _collections():
    from opengov.reports.collection import CATEGORIES, REPORTS

    return (CATEGORIES, REPORTS)


def _blueprints(_registry):
    from opengov.reports import officials  # noqa: F401  (adds the officials' routes)
    from opengov.reports.open311 import blp as open311_blp
    from opengov.reports.open311_discovery import blp as discovery_blp
    from opengov.reports.routes import blp

    return [blp, open311_blp, discovery_blp]


def _commands():
    from opengov.reports.commands import reports

    return (reports,)


def _tables(metadata):
    from opengov.reports.private_tables import define

    define(metadata)


def _error_families():
    """Open311 clients parse its error array under ``/open311``."""
    from opengov.reports.open311_format import error_array

    return [("/open311", error_array)]


CAPABILITY = Capability(name="reports", summary="citizen reports (with Open311)",
                        collections=_collections, blueprints=_blueprints, commands=_commands,
                        tables=_tables, error_families=_error_families)
