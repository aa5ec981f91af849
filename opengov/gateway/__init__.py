"""The gateway: harvest upstream systems (CSV/JSON, GeoJSON, OGC API – Features, ArcGIS REST,
CKAN DataStore, Open311) through one cached HTTP session, validate, version and republish them.

``opengov harvest`` runs sources; ``GET /sources`` shows their state. See docs/gateway.md.
"""

from opengov.capability import Capability


def _tables(metadata):
    """Declare the gateway's tables (source state, leases) on ``metadata``."""
    from opengov.gateway import tables

    tables.define_tables(metadata)


def _blueprints(_registry):
    from opengov.gateway.routes import blp

    return [blp]


def _commands():
    from opengov.gateway.cli import harvest

    return [harvest]


def _metrics_collectors(ctx):
    from opengov.gateway.metrics import SourceCollector

    return [SourceCollector(ctx)]


CAPABILITY = Capability(name="gateway", summary="an upstream gateway", tables=_tables,
                        blueprints=_blueprints, commands=_commands,
                        metrics_collectors=_metrics_collectors)
