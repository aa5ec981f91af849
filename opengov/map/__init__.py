"""The ``/map`` viewer: Leaflet (from the ``xstatic-leaflet`` package, served locally) over the
OGC items endpoints, so it needs the ``ogcapi`` capability."""

from opengov.capability import Capability


def _blueprints(_registry):
    from opengov.map.routes import blp

    return [blp]


CAPABILITY = Capability(name="map", summary="a map viewer", blueprints=_blueprints,
                        requires=("ogcapi",))
