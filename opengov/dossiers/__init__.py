"""Dossier tracking (hồ sơ TTHC) and service-delivery statistics (issue 20)."""

from opengov.capability import Capability


def _tables(metadata):
    from opengov.dossiers.tables import define

    define(metadata)


CAPABILITY = Capability(name="dossiers", summary="dossier tracking and service statistics",
                        tables=_tables, requires=("procedures",))
