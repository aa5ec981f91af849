"""OGC API – Features over every spatial collection, and the ``/map`` viewer."""


def blueprints():
    from opengov.map.routes import blp as map_blp
    from opengov.ogcapi.routes import build

    return [build(), map_blp]
