"""Dossier tracking (hồ sơ TTHC) and service-delivery statistics (issue 20)."""

from opengov.capability import Capability


def _collections():
    from opengov.dossiers.dataset import DOSSIER_STATISTICS

    return (DOSSIER_STATISTICS,)


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


def _live_sources(store):
    """The statistics dataset's own extract months (only months whose figures are final)."""
    from opengov.dossiers.dataset import DATASET_ID, live_source

    return [live_source()] if DATASET_ID in store.registry else []


def _commands():
    from opengov.dossiers.commands import dossiers

    return (dossiers,)


def _load_sample(store, profile: str):
    """Two years of synthetic dossiers and their statistics dataset (``opengov load``/``serve``)."""
    from opengov.dossiers.sample import load_sample_dossiers

    return load_sample_dossiers(store, profile)


CAPABILITY = Capability(name="dossiers", summary="dossier tracking and service statistics",
                        collections=_collections, blueprints=_blueprints, tables=_tables,
                        commands=_commands, synth_commands=_synth_commands,
                        sample_loader=_load_sample, live_sources=_live_sources,
                        requires=("procedures",))
