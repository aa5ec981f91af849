"""Public administration service centres (one-stop shops)."""


def collections():
    from opengov.servicecentres.collection import SERVICE_CENTRES

    return (SERVICE_CENTRES,)


def blueprints():
    from opengov.servicecentres.routes import blp

    return [blp]
