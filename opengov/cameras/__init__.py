"""Public cameras: traffic, flood, tourism and security cameras with snapshot/stream links."""

from opengov.capability import Capability


def _collections():
    from opengov.cameras.collection import CAMERAS

    return (CAMERAS,)


def _blueprints(_registry):
    from opengov.cameras.routes import blp

    return [blp]


def _commands():
    from opengov.cameras.cli import cameras

    return [cameras]


CAPABILITY = Capability(name="cameras", summary="cameras", collections=_collections,
                        blueprints=_blueprints, commands=_commands)
