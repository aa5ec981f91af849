"""Query-argument and response schemas of the monitoring endpoints (also their OpenAPI docs)."""

from __future__ import annotations

import marshmallow as ma

from opengov.monitoring.catalogue import FLAGS, PARAMETERS
from opengov.monitoring.standards import PERIODS
from opengov.params import AwareDateTime, ListArg

RESOLUTIONS = ("raw", "hour", "day", "month")
MAX_RAW_PAGE = 10_000


# Each code is read without surrounding spaces: one of spaces only is empty (documented as
# ``pattern: \S``, so a client knows a blank code is refused).
_NOT_BLANK = ma.validate.Regexp(r"\S", error="A code cannot be blank.")


def _codes(description: str, *, required: bool = False, choices=None) -> ListArg:
    inner = ma.fields.String(validate=ma.validate.OneOf(choices)) if choices else \
        ma.fields.String(validate=[ma.validate.Length(1, 64), _NOT_BLANK])
    return ListArg(inner, required=required, metadata={"description": description})


def _window(what: str) -> dict[str, ma.fields.Field]:
    return {
        "start": AwareDateTime(data_key="from", metadata={
            "description": f"Start of the {what} (ISO 8601 with offset, inclusive).",
            "example": "2025-12-21T00:00:00+07:00"}),
        "end": AwareDateTime(data_key="to", metadata={
            "description": f"End of the {what} (ISO 8601 with offset, exclusive).",
            "example": "2026-01-11T00:00:00+07:00"}),
    }


def _format(formats: tuple[str, ...]) -> ma.fields.Field:
    return ma.fields.String(validate=ma.validate.OneOf(formats), metadata={
        "description": f"Output format: {', '.join(formats)} (overrides the Accept header)."})


PARAMETER_CODES = tuple(PARAMETERS)

ReadingsArgs = ma.Schema.from_dict({
    "station": _codes("Station id(s), comma-separated.", required=True),
    "parameter": _codes("Parameter code(s), comma-separated (default: all).",
                        choices=PARAMETER_CODES),
    **_window("time range"),
    "resolution": ma.fields.String(load_default="raw", validate=ma.validate.OneOf(RESOLUTIONS),
                                   metadata={"description": "raw readings, or hourly, daily "
                                             "(local days, UTC+7) or monthly aggregates."}),
    "agg": ma.fields.String(load_default="avg", validate=ma.validate.OneOf(
        ("avg", "min", "max", "count")), metadata={
        "description": "Aggregate for hour/day/month (valid readings only); daily and monthly "
                       "means are means of hourly means."}),
    "limit": ma.fields.Integer(validate=ma.validate.Range(1, MAX_RAW_PAGE), metadata={
        "description": f"Page size (maximum {MAX_RAW_PAGE}): raw JSON readings (default 1000), "
                       "or aggregate buckets (default: all of the range); the `next` link "
                       "and `Link` header give the following page. CSV streams the whole "
                       "range unless a limit is given."}),
    "cursor": ma.fields.String(metadata={
        "description": "Opaque position from a `next` link."}),
    "f": _format(("json", "csv")),
}, name="ReadingsArgs")

LatestArgs = ma.Schema.from_dict({
    "station": _codes("Station id(s), comma-separated (default: all)."),
    "parameter": _codes("Parameter code(s), comma-separated (default: all).",
                        choices=PARAMETER_CODES),
    "f": _format(("json", "csv")),
}, name="LatestArgs")

AqiArgs = ma.Schema.from_dict({
    "station": _codes("Air station id(s), comma-separated (default: every air station)."),
    **_window("period (default: the 24 hours, or 30 days, up to now)"),
    "resolution": ma.fields.String(load_default="hour", validate=ma.validate.OneOf(
        ("hour", "day")), metadata={"description": "Hourly (NowCast for PM) or daily index."}),
}, name="AqiArgs")

AqiLatestArgs = ma.Schema.from_dict({
    "station": _codes("Air station id(s), comma-separated (default: every air station)."),
    "f": _format(("geojson", "json")),
}, name="AqiLatestArgs")

ExceedanceArgs = ma.Schema.from_dict({
    "station": _codes("Air station id(s), comma-separated (default: every air station)."),
    "parameter": _codes("Parameter code(s) with QCVN 05:2023 limits (default: all of them).",
                        choices=("so2", "co", "no2", "o3", "tsp", "pm10", "pm25")),
    "averaging": _codes("Averaging period(s): 1h, 8h, 24h, year (default: all).",
                        choices=PERIODS),
    **_window("period (required, at most 5 years)"),
}, name="ExceedanceArgs")


class ReadingSchema(ma.Schema):
    station = ma.fields.String(metadata={"description": "Station id"})
    parameter = ma.fields.String(metadata={"description": "Parameter code"})
    time = ma.fields.String(metadata={"description": "Start of the reading's hour (or of the "
                                                     "bucket), ISO 8601 UTC"})
    value = ma.fields.Float(metadata={"description": "Value in the parameter's unit"})
    unit = ma.fields.String(metadata={"description": "Unit"})
    flag = ma.fields.String(metadata={"description": f"Quality flag: {', '.join(FLAGS)} (raw)"})
    count = ma.fields.Integer(metadata={"description": "Readings (hour) or hours (day, month) "
                                                       "in the bucket (aggregates)"})


class ReadingsPageSchema(ma.Schema):
    meta = ma.fields.Dict(metadata={"description": "Resolution, aggregate, returned count"})
    links = ma.fields.List(ma.fields.Dict(), metadata={"description": "self / next links"})
    results = ma.fields.List(ma.fields.Nested(ReadingSchema))


class CategorySchema(ma.Schema):
    name = ma.fields.Dict(metadata={"description": "Category name {vi, en} (QĐ 1459 Table 1)"})
    colour = ma.fields.String(metadata={"description": "Official colour, hex"})
    rgb = ma.fields.List(ma.fields.Integer(), metadata={"description": "Official colour, RGB"})


class AqiValueSchema(ma.Schema):
    time = ma.fields.String(metadata={"description": "Start of the hour or local day, UTC"})
    aqi = ma.fields.Integer(metadata={"description": "VN_AQI, rounded half up"})
    category = ma.fields.Nested(CategorySchema)
    dominant = ma.fields.String(metadata={"description": "Pollutant with the highest sub-index"})
    subindices = ma.fields.Dict(metadata={"description": "Sub-index per pollutant"})


class StationAqiSchema(ma.Schema):
    station = ma.fields.String()
    values = ma.fields.List(ma.fields.Nested(AqiValueSchema))


class AqiSeriesSchema(ma.Schema):
    method = ma.fields.String(metadata={"description": "The index and its legal basis"})
    resolution = ma.fields.String()
    stations = ma.fields.List(ma.fields.Nested(StationAqiSchema))


class ExceedanceSchema(ma.Schema):
    station = ma.fields.String()
    parameter = ma.fields.String()
    averaging = ma.fields.String(metadata={"description": "1h, 8h, 24h or year"})
    unit = ma.fields.String()
    limits = ma.fields.List(ma.fields.Float(), metadata={"description": "Limit(s) applied"})
    evaluated = ma.fields.Integer(metadata={"description": "Periods with enough data"})
    exceeded = ma.fields.Integer(metadata={"description": "Periods above the limit"})
    worst = ma.fields.Dict(allow_none=True, metadata={"description": "Highest period value"})
    items = ma.fields.List(ma.fields.Dict(), metadata={"description": "Exceeding periods"})
    truncated = ma.fields.Boolean(metadata={"description": "More than 1000 items"})


class ExceedancePageSchema(ma.Schema):
    standard = ma.fields.String()
    results = ma.fields.List(ma.fields.Nested(ExceedanceSchema))


class IngestResultSchema(ma.Schema):
    received = ma.fields.Integer(metadata={"description": "Readings in the batch"})
    inserted = ma.fields.Integer(metadata={"description": "Readings newly stored"})
    duplicates = ma.fields.Integer(metadata={"description": "Readings already stored (skipped)"})
    resend = ma.fields.Boolean(metadata={"description": "True when nothing was new"})
