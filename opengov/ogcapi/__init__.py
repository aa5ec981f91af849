"""OGC API – Features over every spatial collection of the application."""

from opengov.capability import Capability


def _blueprints(registry):
    from opengov.ogcapi.routes import build

    return [build(tuple(c for c in registry if c.spatial))]


CAPABILITY = Capability(name="ogcapi", summary="OGC API – Features", blueprints=_blueprints)
