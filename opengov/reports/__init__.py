"""Citizen feedback reports (phản ánh): native API and Open311 GeoReport v2 (issue 6)."""


def collections():
    from opengov.reports.collection import CATEGORIES, REPORTS

    return (CATEGORIES, REPORTS)


def blueprints():
    from opengov.reports import officials  # noqa: F401  (adds the officials' routes)
    from opengov.reports.open311 import blp as open311_blp
    from opengov.reports.open311_discovery import blp as discovery_blp
    from opengov.reports.routes import blp

    return [blp, open311_blp, discovery_blp]


def commands():
    from opengov.reports.commands import reports

    return (reports,)


def define_tables(metadata):
    from opengov.reports.private_tables import define

    define(metadata)
