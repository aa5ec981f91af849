"""Marshmallow schemas of the lookup and statistics endpoints (arguments and documented bodies)."""

from __future__ import annotations

import marshmallow as ma

from opengov.params import ListArg


class LandLookupArgs(ma.Schema):
    lon = ma.fields.Float(required=True, allow_nan=False, validate=ma.validate.Range(-180, 180),
                          metadata={"description": "Longitude (WGS 84)", "example": 108.4745})
    lat = ma.fields.Float(required=True, allow_nan=False, validate=ma.validate.Range(-90, 90),
                          metadata={"description": "Latitude (WGS 84)", "example": 15.5735})


class LandFeature(ma.Schema):
    type = ma.fields.String()
    id = ma.fields.String()
    geometry = ma.fields.Dict()
    properties = ma.fields.Dict()


class LandLookupSchema(ma.Schema):
    point = ma.fields.Dict(metadata={"description": "The point asked about (GeoJSON Point)"})
    parcel = ma.fields.Nested(LandFeature, metadata={
        "description": "The parcel containing the point (as in /land/parcels)"})
    zone = ma.fields.Nested(LandFeature, allow_none=True, metadata={
        "description": "The planning zone at the point, if any (as in /land/zones)"})
    price = ma.fields.Nested(LandFeature, allow_none=True, metadata={
        "description": "The land price zone at the point, if any (as in /land/prices)"})


class LandStatsArgs(ma.Schema):
    commune = ListArg(ma.fields.String(), metadata={
        "description": "Current (2025) commune code(s), comma-separated; default all."})


class LandUseArea(ma.Schema):
    code = ma.fields.String(metadata={"description": "Land-use value as recorded (ODT+CLN…)"})
    area_m2 = ma.fields.Float(metadata={"description": "Total area, m²"})
    parcels = ma.fields.Integer()


class LandCommuneArea(ma.Schema):
    commune = ma.fields.String(metadata={"description": "Current (2025) commune code"})
    area_m2 = ma.fields.Float()
    parcels = ma.fields.Integer()
    landuse = ma.fields.List(ma.fields.Nested(LandUseArea))


class LandStatsSchema(ma.Schema):
    version = ma.fields.Integer(metadata={"description": "Version of the parcels collection"})
    area_m2 = ma.fields.Float(metadata={"description": "Total area of the parcels counted, m²"})
    parcels = ma.fields.Integer()
    communes = ma.fields.List(ma.fields.Nested(LandCommuneArea))
