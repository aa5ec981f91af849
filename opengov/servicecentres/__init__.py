"""Public administration service centres (one-stop shops)."""

from opengov.capability import Capability


def _collections():
    from opengov.servicecentres.collection import SERVICE_CENTRES

    return (SERVICE_CENTRES,)


def _blueprints(_registry):
    from opengov.servicecentres.routes import blp

    return [blp]


CAPABILITY = Capability(name="servicecentres", summary="service centres",
                        collections=_collections, blueprints=_blueprints)
