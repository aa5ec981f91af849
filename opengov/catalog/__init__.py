"""Open-data catalogue and bulk downloads (issue 7): a view over every registered collection.

Datasets, DCAT-AP 3.0, a CKAN-compatible read API, Frictionless data packages and reproducible
whole-dataset distributions. Nothing here is per-collection: a new collection appears as a
dataset automatically.
"""


def blueprints():
    from opengov.catalog.ckan import blueprints as ckan_blueprints
    from opengov.catalog.routes import blp

    return [blp, *ckan_blueprints()]


def commands():
    from opengov.catalog.extract_cli import extracts_command

    return [extracts_command]
