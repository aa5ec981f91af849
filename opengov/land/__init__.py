"""Land: cadastral parcels, planning zones, land price zones and the versioned code table."""

from opengov.capability import Capability


def _collections():
    from opengov.land.collection import LAND_COLLECTIONS

    return LAND_COLLECTIONS


def _blueprints(_registry):
    from opengov.land.routes import blp

    return [blp]


def _load_sample(store, profile: str):
    """Generate the parcels, zones and price zones sample (``opengov load``/``serve``)."""
    from opengov.land.sample import load_land_sample

    return load_land_sample(store, profile)


def _synth_commands():
    from opengov.land.cli import synth_parcels

    return [synth_parcels]


CAPABILITY = Capability(name="land", summary="land (parcels, planning and price zones)",
                        collections=_collections, blueprints=_blueprints,
                        sample_loader=_load_sample, synth_commands=_synth_commands)
