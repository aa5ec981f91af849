"""Vector tiles (MVT) and TileJSON for every spatial collection of the registry."""

from opengov.capability import Capability


def _blueprints(registry):
    from opengov.tiles.routes import build

    return [build(tuple(c for c in registry if c.spatial))]


CAPABILITY = Capability(name="tiles", summary="vector tiles", blueprints=_blueprints)
