"""Datasets published by declaration: ``datasets/<id>/metadata.yaml`` read into the same
:class:`~opengov.collections.Collection` the built-in collections use (:mod:`.model`), inferred
from a data file by ``opengov add`` (:mod:`.infer`, :mod:`.readers`, :mod:`.add`).
"""
