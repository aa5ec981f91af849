"""Dossier tracking (hồ sơ TTHC) and service-delivery statistics (issue 20)."""

from opengov.capability import Capability


def _tables(metadata):
    from opengov.dossiers.tables import define

    define(metadata)


def _blueprints(_registry):
    from opengov.dossiers.dashboard import blp as dashboard
    from opengov.dossiers.routes import blp

    return [blp, dashboard]


def _synth_commands():
    from opengov.dossiers.commands import synth_dossiers

    return (synth_dossiers,)


CAPABILITY = Capability(name="dossiers", summary="dossier tracking and service statistics",
                        blueprints=_blueprints, tables=_tables,
                        synth_commands=_synth_commands, requires=("procedures",))
