"""Public cameras: traffic, flood, tourism and security cameras with snapshot/stream links."""


def collections():
    from opengov.cameras.collection import CAMERAS

    return (CAMERAS,)


def blueprints():
    from opengov.cameras.routes import blp

    return [blp]


def commands():
    from opengov.cameras.cli import cameras

    return [cameras]
