"""Which stored Features a request reads and what still changes in them.

Every spatial row keeps its Feature serialised in CRS84 (``_feature``, beside its WKB ``geom``,
in the layout of :func:`opengov.geo.geojson.feature_json`); a collection loaded in another CRS
keeps that Feature and WKB too (:data:`NATIVE_FEATURE`, :data:`NATIVE_GEOMETRY`), so
``crs=<native CRS>`` returns exactly the loaded coordinates, joined from stored text like the
default page. :func:`reading` picks the stored Feature for a request's ``crs`` and the
:class:`~opengov.geo.reshape.Reshape` still needed for its ``properties`` and ``simplify``; land,
OGC API and any other API family answer those arguments through it (the page encoder is
:mod:`opengov.encoders.stored`).
"""

from __future__ import annotations

from dataclasses import dataclass

from opengov.collections import Collection
from opengov.geo.crs import CRS84, SUPPORTED, Crs
from opengov.geo.reshape import Reshape
from opengov.geo.tolerance import METRES_PER_DEGREE

FEATURE, GEOMETRY = "_feature", "geom"  # the CRS84 Feature and WKB of every spatial row
NATIVE_FEATURE, NATIVE_GEOMETRY = "_feature_native", "_geom_native"  # as loaded, when not CRS84


def has_native_geometry(collection: Collection) -> bool:
    """Whether ``collection``'s table keeps its geometry in a native CRS besides CRS84."""
    return collection.spatial and collection.native_crs not in ("OGC:CRS84", "CRS84")


def native(collection: Collection, crs: Crs) -> bool:
    """Whether ``crs`` is the collection's stored native CRS (its Features are stored too)."""
    return has_native_geometry(collection) and crs.code == collection.native_crs


@dataclass(frozen=True)
class Reading:
    """The stored Feature and WKB columns a request reads, and what to change in them, to
    send geometries in ``crs`` (named in ``Content-Crs``)."""

    crs: Crs
    reshape: Reshape
    feature_column: str = FEATURE
    geometry_column: str = GEOMETRY

    @property
    def stored_as_is(self) -> bool:
        """Whether the default stored CRS84 Features are sent unchanged (the fast path)."""
        return self.feature_column == FEATURE and not self.reshape.needed

    def feature(self, stored: str | bytes) -> str | bytes:
        """One stored Feature (read from :attr:`feature_column`) as the request asked for it."""
        return self.reshape.feature(stored) if self.reshape.needed else stored


def reading(collection: Collection, crs: Crs, properties: tuple[str, ...] | None = None,
            simplify: float | None = None, *, metres: bool = False) -> Reading:
    """What to read and change for ``crs``, a ``properties`` selection and a ``simplify``
    tolerance, in degrees (OGC API) or, with ``metres``, in metres (land)."""
    if native(collection, crs):  # projected native geometries: the tolerance in metres
        if simplify and not metres:
            simplify *= METRES_PER_DEGREE
        return Reading(crs, Reshape(SUPPORTED[CRS84], properties, simplify or None),
                       NATIVE_FEATURE, NATIVE_GEOMETRY)
    if simplify and metres:
        simplify /= METRES_PER_DEGREE
    return Reading(crs, Reshape(crs, properties, simplify))
