"""Administrative units: the current (2025) commune-level units, with legacy codes."""


def collections():
    from opengov.adminunits.collection import ADMIN_UNITS

    return (ADMIN_UNITS,)


def blueprints():
    from opengov.adminunits.routes import blp

    return [blp]
