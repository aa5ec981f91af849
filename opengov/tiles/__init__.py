"""Vector tiles (MVT) and TileJSON for every spatial collection of the registry."""


def blueprints():
    from opengov.tiles.routes import blp

    return [blp]
