"""Administrative procedures (thủ tục hành chính): search, detail and statistics."""

from opengov.capability import Capability


def _collections():
    from opengov.procedures.collection import PROCEDURES

    return (PROCEDURES,)


def _blueprints(_registry):
    from opengov.procedures.routes import blp

    return [blp]


CAPABILITY = Capability(name="procedures", summary="administrative procedures",
                        collections=_collections, blueprints=_blueprints)
