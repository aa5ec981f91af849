"""Land: cadastral parcels, planning zones, land price zones and the versioned code table."""


def collections():
    from opengov.land.collection import LAND_COLLECTIONS

    return LAND_COLLECTIONS


def blueprints():
    from opengov.land.routes import blp

    return [blp]


def load_sample(store, profile: str):
    """Generate the parcels, zones and price zones sample (``opengov load``/``serve``)."""
    from opengov.land.sample import load_land_sample

    return load_land_sample(store, profile)


def synth_commands():
    from opengov.land.cli import synth_parcels

    return [synth_parcels]
