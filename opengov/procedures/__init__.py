"""Administrative procedures (thủ tục hành chính): search, detail and statistics."""


def collections():
    from opengov.procedures.collection import PROCEDURES

    return (PROCEDURES,)


def blueprints():
    from opengov.procedures.routes import blp

    return [blp]
