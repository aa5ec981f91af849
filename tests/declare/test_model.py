"""The declaration model: every built-in collection is expressible as a declaration, YAML round
trips, and every invalid declaration is one line naming the file, the key and the problem."""

from __future__ import annotations

import copy
import dataclasses

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from opengov.cli import main
from opengov.collections import Collection, Field
from opengov.declare.model import (
    FIELD_TYPES,
    Catalog,
    Declaration,
    DeclarationError,
    Source,
    collection_values,
    load_declaration,
    parse_declaration,
)
from opengov.declare.render import render_declaration
from opengov.modules import all_capabilities

VALID = {
    "id": "bus-stops",
    "title": {"vi": "Điểm dừng xe buýt", "en": "Bus stops"},
    "geometry_type": "Point",
    "native_crs": "EPSG:5899",
    "id_field": "code",
    "time_field": "opened",
    "source": {"file": "stops.geojson"},
    "fields": [
        {"name": "code", "type": "string", "required": True},
        {"name": "kind", "type": "string", "enum": ["bus", "express"], "filterable": True},
        {"name": "opened", "type": "date"},
        {"name": "name", "type": "i18n", "searchable": True},
    ],
}


def round_trip(declaration: Declaration) -> Declaration:
    return parse_declaration(yaml.safe_load(render_declaration(declaration)), "metadata.yaml")


@pytest.mark.parametrize("collection", list(all_capabilities().registry), ids=lambda c: c.id)
def test_every_built_in_collection_round_trips_as_a_declaration(collection):
    # The endpoint names a built-in's own Flask view: the one thing a declaration cannot say.
    # A built-in's update frequency travels in the declaration's catalogue block.
    declared = dataclasses.replace(collection, endpoint=None, update_frequency=None)
    catalog = Catalog(update_frequency=collection.update_frequency or "irregular")
    back = round_trip(Declaration(declared, catalog, Source("data.geojson")))
    assert collection_values(back.collection) == collection_values(declared)
    assert back.catalog.update_frequency == catalog.update_frequency


def test_a_full_declaration_round_trips():
    doc = {**VALID, "keywords": {"vi": ["xe buýt"], "en": ["bus"]}, "license": "CC-BY-4.0",
           "publisher": {"name": "Sở Xây dựng", "url": "https://sxd.example.gov.vn"},
           "contact_point": "Phòng dữ liệu", "update_frequency": "weekly", "themes": ["TRAN"],
           "kind": "live", "cache_seconds": 30, "default_limit": 50, "max_limit": 500,
           "min_zoom": 12, "description": {"vi": "Các điểm dừng", "en": "Stops"}}
    declaration = parse_declaration(doc, "metadata.yaml")
    assert declaration.collection.keywords == ("bus", "xe buýt")
    assert declaration.catalog.license == {"id": "CC-BY-4.0"}
    assert declaration.catalog.contact_point == {"name": "Phòng dữ liệu"}
    assert round_trip(declaration) == declaration


def test_the_rendering_comments_unset_knobs():
    text = render_declaration(parse_declaration(VALID, "metadata.yaml"))
    assert "# commune_field:" in text and "\ntime_field: opened\n" in text


def _mutated(path: str, value):
    doc = copy.deepcopy(VALID)
    *parents, last = path.split("/")
    target = doc
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is KeyError:
        del target[last if not last.isdigit() else int(last)]
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return doc


INVALID = [
    ("id", KeyError, "id: is required"),
    ("id", "Bus Stops", "id: 'Bus Stops' does not match"),
    ("titel", "x", "titel: unknown key (expected one of: id, title,"),
    ("title", {"vi": "Trạm"}, "title.en: is required"),
    ("fields", [], "fields: expected a non-empty list of fields"),
    ("fields/1/type", "enumeration", "fields.kind.type: 'enumeration' is not one of: string,"),
    ("fields/1/filterible", True, "fields[1].filterible: unknown key"),
    ("fields/2/name", "Opened", "fields[2].name: 'Opened' does not match"),
    ("fields/2/name", "code", "fields.code.name: 'code' is declared twice"),
    ("fields/0/required", "yes", "fields.code.required: expected true or false, got the text"),
    ("fields/2/enum", ["a"], "fields.opened.enum: an enum is a non-empty list of values of a "
                             "string field"),
    ("fields/2/searchable", True, "fields.opened.searchable: only string, text and i18n"),
    ("fields/3/filterable", True, "fields.name.filterable: a field of type i18n cannot be "
                                  "filtered on"),
    ("fields/1/name", "geometry", "fields.geometry.name: 'geometry' is reserved"),
    ("id_field", "ma", "id_field: no field named 'ma'"),
    ("fields/2", {"name": "id", "type": "string"}, "fields.id.name: a field named id must be "
                                                   "the id field (id_field is code)"),
    ("time_field", "code", "time_field: field 'code' is string; expected date or datetime"),
    ("geometry_type", "Circle", "geometry_type: 'Circle' is not one of: Point,"),
    ("native_crs", "EPSG:999999", "native_crs: 'EPSG:999999' is not a coordinate reference "
                                  "system PROJ knows"),
    ("default_limit", 5000, "default_limit: 5000 is larger than max_limit (1000)"),
    ("max_limit", 0, "max_limit: 0 is outside 1…10000"),
    ("cache_seconds", "60s", "cache_seconds: expected an integer, got the text '60s'"),
    ("kind", "stream", "kind: 'stream' is not one of: batch, live"),
    ("update_frequency", "sometimes", "update_frequency: 'sometimes' is not one of:"),
    ("license", {"url": "https://x"}, "license.id: is required"),
    ("source", KeyError, "source: is required"),
    ("source/file", "../stops.geojson", "source.file: '../stops.geojson' must be a file name"),
    ("source/x", "lon", "source.y: x and y go together"),
]


@pytest.mark.parametrize(("path", "value", "message"), INVALID,
                         ids=[f"{p}={v!r}" for p, v, _ in INVALID])
def test_an_invalid_declaration_is_one_line_naming_file_key_and_problem(path, value, message):
    with pytest.raises(DeclarationError) as caught:
        parse_declaration(_mutated(path, value), "datasets/bus-stops/metadata.yaml")
    text = str(caught.value)
    assert text.startswith(f"datasets/bus-stops/metadata.yaml: {message}"), text
    assert "\n" not in text


def test_the_folder_name_must_be_the_id_and_yaml_must_parse(tmp_path):
    folder = tmp_path / "schools"
    folder.mkdir()
    meta = folder / "metadata.yaml"
    meta.write_text(yaml.safe_dump(VALID), encoding="utf-8")
    with pytest.raises(DeclarationError, match=r"metadata\.yaml: id: 'bus-stops' differs from "
                                               r"the folder name 'schools'$"):
        load_declaration(meta)
    meta.write_text("id: schools\nfields: [\n", encoding="utf-8")
    with pytest.raises(DeclarationError, match=r"metadata\.yaml: line \d+: not valid YAML"):
        load_declaration(meta)


_names = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True).filter(
    lambda n: n not in ("geom", "geometry", "id"))  # a field named id is the id field
_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
                max_size=20).filter(str.strip)


@st.composite
def fields(draw):
    kind = draw(st.sampled_from(FIELD_TYPES))
    scalar = kind not in ("array", "object", "i18n")
    return Field(
        draw(_names), kind, draw(_text), draw(_text), unit=draw(st.none() | _text),
        enum=draw(st.none() | st.lists(_text, min_size=1, max_size=4).map(tuple))
        if kind == "string" else None,
        required=draw(st.booleans()), filterable=scalar and draw(st.booleans()),
        sortable=kind not in ("array", "object") and draw(st.booleans()),
        searchable=kind in ("string", "text", "i18n") and draw(st.booleans()),
        example=draw(st.none() | st.integers(-10**6, 10**6) | _text))


@st.composite
def declarations(draw):
    field_list = draw(st.lists(fields(), min_size=1, max_size=6,
                               unique_by=lambda f: f.name).filter(_distinct_columns))
    ids = [f.name for f in field_list if f.type in ("string", "integer")]
    if not ids:
        field_list.insert(0, Field("id", "string", "Mã", "Id", required=True))
        ids = ["id"]
    geometry = draw(st.none() | st.sampled_from(["Point", "LineString", "MultiPolygon"]))
    limit = draw(st.integers(1, 10_000))
    words = draw(st.none() | st.fixed_dictionaries(
        {"vi": st.lists(_text, max_size=3).map(tuple), "en": st.lists(_text, max_size=3)
         .map(tuple)}))
    collection = Collection(
        id=draw(st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)),
        title={"vi": draw(_text), "en": draw(_text)},
        description={"vi": draw(_text), "en": draw(_text)},
        fields=tuple(field_list), id_field=draw(st.sampled_from(ids)), geometry_type=geometry,
        native_crs=draw(st.sampled_from(["OGC:CRS84", "EPSG:5899", "EPSG:9210"]))
        if geometry else "OGC:CRS84",
        default_limit=draw(st.integers(1, limit)), max_limit=limit,
        kind=draw(st.sampled_from(["batch", "live"])), cache_seconds=draw(st.integers(0, 3600)),
        keywords=tuple(dict.fromkeys(words["en"] + words["vi"])) if words else
        tuple(draw(st.lists(_text, max_size=3))),
        min_zoom=draw(st.integers(0, 24)))
    catalog = Catalog(publisher=draw(st.none() | st.builds(lambda n: {"name": n}, _text)),
                      license=draw(st.none() | st.builds(lambda i: {"id": i}, _text)),
                      update_frequency=draw(st.sampled_from(["irregular", "daily"])),
                      keywords=words)
    source = Source(file=draw(_names) + ".csv", generated_id=draw(st.booleans()),
                    columns=tuple((f.name, f"{f.name.upper()} (gốc)") for f in field_list[:1]))
    return Declaration(collection, catalog, source)


def _distinct_columns(field_list) -> bool:
    columns = [c for f in field_list for c in dict.fromkeys((f.name, *f.columns))]
    return len(columns) == len(set(columns))


@settings(max_examples=150, deadline=None)
@given(declarations())
def test_any_declaration_round_trips_through_yaml(declaration):
    assert round_trip(declaration) == declaration


def test_the_cli_prints_a_declaration_error_without_a_traceback(tmp_path, monkeypatch):
    source = tmp_path / "x.csv"
    source.write_text("a,b\n1,2\n", encoding="utf-8")
    monkeypatch.setenv("OPENGOV_DATASETS_PATH", str(tmp_path / "datasets"))
    result = CliRunner().invoke(main, ["add", str(source), "--id", "Bad_Id"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: --id 'Bad_Id': use lower-case letters, digits and single hyphens (at most 50), "
        "e.g. bus-stops"]
