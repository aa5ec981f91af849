"""The ``/map`` viewer: Leaflet (from the ``xstatic-leaflet`` package, served locally) over the
OGC items endpoints. Its blueprint is registered by :mod:`opengov.ogcapi`."""
