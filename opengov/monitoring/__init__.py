"""Environmental monitoring: stations, parameters, readings, VN_AQI and QCVN 05 exceedances."""

from opengov.capability import Capability


def _collections():
    from opengov.monitoring.collection import PARAMETERS, STATIONS

    return (STATIONS, PARAMETERS)


def _tables(metadata):
    """Declare the live readings table on ``metadata`` (the store's schema)."""
    from opengov.monitoring import readings_table

    readings_table.define_tables(metadata)


def _live_sources(store):
    """The readings table, published by the catalogue as monthly extracts."""
    from opengov.monitoring.extracts import sources

    return sources(store)


def _blueprints(_registry):
    from opengov.monitoring import views_aqi, views_readings  # noqa: F401  (register views)
    from opengov.monitoring.routes import blp

    return [blp]


def _load_sample(store, profile: str):
    """Generate the sample readings into an empty readings table (``opengov load``/``serve``)."""
    from opengov.monitoring.sample import load_sample_readings

    return load_sample_readings(store, profile)


CAPABILITY = Capability(name="monitoring", summary="environmental monitoring",
                        collections=_collections, blueprints=_blueprints, tables=_tables,
                        live_sources=_live_sources, sample_loader=_load_sample)
