"""Administrative units: the current (2025) commune-level units, with legacy codes."""

from opengov.capability import Capability


def _collections():
    from opengov.adminunits.collection import ADMIN_UNITS

    return (ADMIN_UNITS,)


def _blueprints(_registry):
    from opengov.adminunits.routes import blp

    return [blp]


CAPABILITY = Capability(name="adminunits", summary="administrative units",
                        collections=_collections, blueprints=_blueprints)
