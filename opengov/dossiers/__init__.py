"""Dossier tracking (hồ sơ TTHC) and service-delivery statistics (issue 20)."""

from opengov.capability import Capability


def _tables(metadata):
    from opengov.dossiers.tables import define

    define(metadata)


def _blueprints(_registry):
    from opengov.dossiers.routes import blp

    return [blp]


CAPABILITY = Capability(name="dossiers", summary="dossier tracking and service statistics",
                        blueprints=_blueprints, tables=_tables, requires=("procedures",))
