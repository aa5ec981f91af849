"""The sources file and field mapping: what is accepted, what is refused and why."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from opengov.gateway.config import duration, parse_sources
from opengov.gateway.errors import SourceError
from opengov.gateway.mapping import map_record
from opengov.gateway.units import UnitError, converter
from opengov.modules import all_capabilities
from opengov.store.records import RecordError
from tests.gateway.conftest import fixture_text

REGISTRY = all_capabilities().registry
BASE = """
[[sources]]
id = "s"
collection = "cameras"
connector = "geojson"
url = "https://gis.example.org/cams.geojson"
{extra}
[sources.fields]
id = "ID"
name_vi = "NAME"
kind = {{ value = "traffic" }}
status = {{ value = "online" }}
{fields}
"""


def parse(extra: str = "", fields: str = "", text: str | None = None):
    return parse_sources(tomllib.loads(text or BASE.format(extra=extra, fields=fields)),
                         REGISTRY)


def test_the_documented_sample_parses():
    sources = parse(text=fixture_text("sources.toml").replace("{upstream}", "http://x")
                    .replace("{expire}", "5m"))
    source = sources["dn-cameras"]
    assert (source.interval, source.expire_after, source.stale_after) == (900, 300, 3600)
    assert source.retries == 1 and source.geometry.kind == "feature"


@pytest.mark.parametrize("extra, fields, message", [
    ('title = "T"\ntimeout = "forever"', "", "timeout: 'forever' is not a duration"),
    ("", 'colour = "C"', "no field 'colour'"),
    ('interval = "soon"', "", "not a duration"),
    ("", 'refresh_interval_s = { from = "R", unit = "km" }', "cannot convert km"),
    ("", 'refresh_interval_s = { from = "R", unit = "fortnight" }', "unknown unit"),
    ("", 'last_seen = { from = "T", timezone = "Mars/Olympus" }', "unknown time zone"),
    ("", 'road = { from = "R", value = "x" }', "exactly one of"),
])
def test_bad_declarations_are_refused_with_the_reason(extra, fields, message):
    with pytest.raises(SourceError, match=message):
        parse(extra, fields)


def test_structural_rules():
    with pytest.raises(SourceError, match="connector 'ftp' is not one of csv, json"):
        parse(text=BASE.format(extra="", fields="").replace('"geojson"', '"ftp"'))
    with pytest.raises(SourceError, match="live collection"):
        parse(text=BASE.format(extra="", fields="").replace('"cameras"', '"reports"'))
    with pytest.raises(SourceError, match="one source per collection"):
        parse(text=BASE.format(extra="", fields="") +
              BASE.format(extra="", fields="").replace('id = "s"', 'id = "t"'))
    with pytest.raises(SourceError, match="map the id field"):
        parse(text=BASE.format(extra="", fields="").replace('id = "ID"\n', ""))
    with pytest.raises(SourceError, match="is spatial; declare geometry"):
        parse(text=BASE.format(extra="", fields="").replace('"geojson"', '"csv"'))
    with pytest.raises(SourceError, match="exactly one of header or query"):
        parse('[sources.auth]\nenv = "T"\nheader = "A"\nquery = "q"')
    with pytest.raises(SourceError, match="unknown keys"):
        parse('password = "hunter2"')


def test_durations():
    assert [duration(v, "x") for v in (90, "90s", "15m", "2h", "1d", "1.5h")] == \
        [90, 90, 900, 7200, 86400, 5400]


def test_units_convert_within_a_dimension():
    assert converter("ft", "m")(1000) == pytest.approx(304.8)
    assert converter("degF", "degC")(212) == pytest.approx(100)
    assert converter("mg/m3", "µg/m³")(0.035) == pytest.approx(35)
    assert converter("km/h", "m/s")(36) == pytest.approx(10)
    with pytest.raises(UnitError):
        converter("m", "s")


def test_mapping_converts_codes_units_types_and_times():
    source = parse(fields='refresh_interval_s = { from = "MIN", unit = "min" }\n'
                          'last_seen = { from = "SEEN", timezone = "Asia/Ho_Chi_Minh" }\n'
                          'road = { from = "ROAD", default = "unknown" }\n'
                          'direction = { from = "DIR", codes = { "1" = "N", "2" = "S" } }')["s"]
    record = map_record(source.fields, {"ID": 17, "NAME": "A", "MIN": "2", "DIR": 2,
                                        "SEEN": "2026-01-01T07:00:00"})
    assert record["id"] == "17" and record["refresh_interval_s"] == 120
    assert record["last_seen"] == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    assert record["road"] == "unknown" and record["direction"] == "S"
    with pytest.raises(RecordError, match="upstream code 3 in 'DIR' is not mapped"):
        map_record(source.fields, {"ID": 1, "NAME": "A", "DIR": 3})
    with pytest.raises(RecordError, match="'x' is not a integer"):
        map_record(source.fields, {"ID": 1, "NAME": "A", "MIN": "x"})


def test_nested_upstream_fields_and_epoch_times():
    source = parse(fields='road = "attributes.ROAD"\nlast_seen = "attributes.EDITED"')["s"]
    record = map_record(source.fields, {"ID": "a", "NAME": "n", "attributes": {
        "ROAD": "QL1A", "EDITED": 1767225600000}})
    assert record["road"] == "QL1A"
    assert record["last_seen"] == datetime(2026, 1, 1, tzinfo=UTC)


def test_geometry_in_a_national_grid_is_transformed():
    text = BASE.format(extra="", fields="").replace('"geojson"', '"csv"') + \
        '[sources.geometry]\nlon = "X"\nlat = "Y"\ncrs = "EPSG:5899"\n'
    source = parse(text=text)["s"]
    point = source.geometry.geometry({"X": 548_000.0, "Y": 1_774_000.0}, None)
    assert 108.0 < point.x < 108.5 and 16.0 < point.y < 16.1


def test_the_sample_in_docs_parses():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "gateway.md").read_text("utf-8")
    sample = docs.split("```toml\n", 1)[1].split("```", 1)[0]
    sources = parse(text=sample)
    assert list(sources) == ["dn-cameras", "qn-centres"]
    assert sources["dn-cameras"].auth.header == "Authorization"
    assert sources["qn-centres"].geometry.crs == "EPSG:5899"
