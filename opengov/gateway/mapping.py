"""Field mapping: an upstream record → a record of our collection, with code and unit
conversion and type coercion (CSV gives strings, ArcGIS gives epoch milliseconds).

Only mapped fields are carried over, so upstream columns nobody mapped (personal data
included) never reach the public record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import shapely
from shapely.geometry import Point, shape

from opengov.collections import Collection, Field
from opengov.gateway.errors import SourceError
from opengov.gateway.units import UnitError, converter
from opengov.geo.crs import CrsError, from_crs, parse_crs
from opengov.store.records import RecordError

_MISSING = object()
_TRUE, _FALSE = {"true", "1", "yes", "y", "t"}, {"false", "0", "no", "n", "f"}
FEATURE_CONNECTORS = ("geojson", "ogcapi", "arcgis")


class MappingError(SourceError):
    """A mapping declaration that cannot work for its collection."""


@dataclass(frozen=True)
class FieldMap:
    """How one of our columns is filled: from an upstream field or a constant."""

    target: str
    field: Field
    source: str | None = None
    value: object = None
    codes: dict | None = None
    unit: str | None = None
    to_unit: str | None = None
    timezone: str | None = None
    default: object = _MISSING

    def convert(self, record: dict) -> object:
        """The target value for ``record`` (raises :class:`RecordError` with a reason)."""
        if self.source is None:
            return self.value
        raw = lookup(record, self.source)
        if raw is None or raw == "":
            return None if self.default is _MISSING else self.default
        if self.codes is not None:
            key = str(raw)
            if key not in self.codes:
                if self.default is _MISSING:
                    raise RecordError(f"{self.target}: upstream code {raw!r} in "
                                      f"{self.source!r} is not mapped")
                return self.default
            raw = self.codes[key]
        value = coerce(self.field, raw, self.target, self.timezone)
        if self.unit and value is not None:
            value = converter(self.unit, self.to_unit)(value)
            if self.field.type == "integer":
                value = round(value)
        return value


@dataclass(frozen=True)
class GeometryMap:
    """Where a record's geometry comes from, and its CRS."""

    kind: str  # feature | lonlat | wkt | geojson
    lon: str | None = None
    lat: str | None = None
    source: str | None = None
    crs: str | None = None

    def geometry(self, record: dict, feature_geometry: dict | None):
        """A shapely geometry in CRS84 (raises :class:`RecordError`)."""
        try:
            geom = self._read(record, feature_geometry)
        except (TypeError, ValueError, shapely.errors.ShapelyError) as exc:
            raise RecordError(f"geometry: {exc}") from exc
        if geom is None:
            raise RecordError("geometry: missing")
        return from_crs(geom, parse_crs(self.crs)) if self.crs else geom

    def _read(self, record, feature_geometry):
        if self.kind == "feature":
            return shape(feature_geometry) if feature_geometry else None
        if self.kind == "lonlat":
            lon, lat = lookup(record, self.lon), lookup(record, self.lat)
            if lon in (None, "") or lat in (None, ""):
                return None
            return Point(float(lon), float(lat))
        raw = lookup(record, self.source)
        if raw in (None, ""):
            return None
        if self.kind == "wkt":
            return shapely.from_wkt(str(raw))
        return shape(json.loads(raw) if isinstance(raw, str) else raw)


def lookup(record: dict, path: str) -> object:
    """``record[path]``, or a dotted path into nested objects (``"attributes.NAME"``)."""
    if path in record:
        return record[path]
    value: object = record
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _datetime(value: object, target: str, timezone: str | None) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if abs(value) > 1e11 else value  # epoch ms (ArcGIS) or s
        return datetime.fromtimestamp(seconds, UTC)
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise RecordError(f"{target}: {value!r} is not an ISO 8601 time") from exc
    if parsed.tzinfo is None and timezone:
        parsed = parsed.replace(tzinfo=ZoneInfo(timezone))
    return parsed


def coerce(f: Field, value: object, target: str, timezone: str | None = None) -> object:
    """``value`` as the target field's type, when it is an unambiguous spelling of one."""
    try:
        if f.type == "integer" and isinstance(value, str):
            return int(value.strip())
        if f.type == "integer" and isinstance(value, float) and value.is_integer():
            return int(value)
        if f.type == "number" and isinstance(value, str):
            return float(value.strip())
    except ValueError as exc:
        raise RecordError(f"{target}: {value!r} is not a {f.type}") from exc
    if f.type == "boolean" and isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value).strip().lower()
        if text in _TRUE | _FALSE:
            return text in _TRUE
        raise RecordError(f"{target}: {value!r} is not a boolean")
    if f.type in ("string", "text", "i18n") and isinstance(value, int | float) \
            and not isinstance(value, bool):
        return str(value)
    if f.type == "datetime":
        return _datetime(value, target, timezone)
    return value


def _target_field(collection: Collection, target: str, where: str) -> Field:
    for f in collection.fields:
        if target == f.name and f.type != "i18n" or target in f.columns and f.type == "i18n":
            return f
    names = [c for f in collection.fields for c in f.columns]
    raise MappingError(f"{where}.fields: {collection.id} has no field {target!r} "
                       f"(fields: {', '.join(names)})")


def _field_map(collection: Collection, target: str, raw: object, where: str) -> FieldMap:
    f = _target_field(collection, target, where)
    if isinstance(raw, str):
        return FieldMap(target, f, source=raw)
    if not isinstance(raw, dict) or ("from" in raw) == ("value" in raw):
        raise MappingError(f"{where}.fields.{target}: an upstream field name, or a table with "
                           "exactly one of `from` and `value`")
    unknown = set(raw) - {"from", "value", "codes", "unit", "to", "timezone", "default"}
    if unknown:
        raise MappingError(f"{where}.fields.{target}: unknown keys {sorted(unknown)}")
    if "value" in raw:
        return FieldMap(target, f, value=raw["value"])
    unit, to_unit = raw.get("unit"), raw.get("to") or f.unit
    if unit:
        if not to_unit:
            raise MappingError(f"{where}.fields.{target}: `unit` needs `to` ({target} "
                               "declares no unit)")
        try:
            converter(unit, to_unit)
        except UnitError as exc:
            raise MappingError(f"{where}.fields.{target}: {exc}") from exc
    timezone = raw.get("timezone")
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise MappingError(f"{where}.fields.{target}: unknown time zone {timezone!r}") \
                from exc
    codes = raw.get("codes")
    if codes is not None and not isinstance(codes, dict):
        raise MappingError(f"{where}.fields.{target}: codes must be a table")
    return FieldMap(target, f, source=str(raw["from"]), codes=codes, unit=unit,
                    to_unit=to_unit if unit else None, timezone=timezone,
                    default=raw.get("default", _MISSING))


def parse_fields(raw: dict, collection: Collection, where: str) -> tuple[FieldMap, ...]:
    """The ``fields`` table of a source; the id field must be mapped."""
    maps = tuple(_field_map(collection, t, r, where) for t, r in raw.items())
    if collection.id_field not in {m.target for m in maps}:
        raise MappingError(f"{where}.fields: map the id field {collection.id_field!r}")
    return maps


def parse_geometry(raw: object, collection: Collection, connector: str,
                   where: str) -> GeometryMap | None:
    """The ``geometry`` table: ``lon``/``lat``, ``wkt`` or ``geojson`` field, optional ``crs``."""
    if not collection.spatial:
        return None
    raw = dict(raw or {})
    crs = raw.pop("crs", None)
    if crs:
        try:
            parse_crs(crs)
        except CrsError as exc:
            raise MappingError(f"{where}.geometry.crs: {exc}") from exc
    if not raw:
        if connector in FEATURE_CONNECTORS:
            return GeometryMap("feature", crs=crs)
        if connector == "open311":
            return GeometryMap("lonlat", lon="long", lat="lat", crs=crs)
        raise MappingError(f"{where}: {collection.id} is spatial; declare geometry "
                           "(lon/lat, wkt or geojson field)")
    if set(raw) == {"lon", "lat"}:
        return GeometryMap("lonlat", lon=raw["lon"], lat=raw["lat"], crs=crs)
    if len(raw) == 1 and next(iter(raw)) in ("wkt", "geojson"):
        kind, source = next(iter(raw.items()))
        return GeometryMap(kind, source=source, crs=crs)
    raise MappingError(f"{where}.geometry: give lon and lat, or wkt, or geojson")


def map_record(maps: tuple[FieldMap, ...], record: dict) -> dict:
    """Our record from an upstream one (raises :class:`RecordError` with a reason)."""
    if not isinstance(record, dict):
        raise RecordError(f"upstream record is a {type(record).__name__}, not an object")
    return {m.target: m.convert(record) for m in maps}
