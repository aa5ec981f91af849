"""`add_dataset` on files of every supported format: what it infers and what it writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from opengov.declare.add import add_dataset
from opengov.declare.model import load_declaration
from opengov.declare.readers import ReadError
from tests.declare import files


def declare(tmp_path: Path, maker, collection_id: str, **options):
    """Write the file with ``maker``, add it, and read the written metadata.yaml back."""
    source = tmp_path / "in"
    source.mkdir(exist_ok=True)
    added = add_dataset(str(maker(source)), collection_id, tmp_path / "datasets", **options)
    written = load_declaration(added.folder / "metadata.yaml")
    assert written == added.declaration
    return added, written.collection


def types(collection) -> dict[str, str]:
    return {f.name: f.type for f in collection.fields}


def test_geojson_bus_stops(tmp_path):
    added, c = declare(tmp_path, files.bus_stops, "bus-stops", title="Điểm dừng xe buýt")
    assert types(c) == {"id": "string", "stop_code": "string", "name": "string",
                        "route_type": "string", "opened": "date", "updated": "datetime",
                        "shelter": "boolean", "boardings": "integer", "commune": "string"}
    assert c.field("route_type").enum == ("bus", "express", "school")
    assert c.field("route_type").filterable
    assert c.field("name").searchable and c.field("name").sortable
    assert c.field("stop_code").example == "00000"
    assert (c.id_field, c.geometry_type, c.native_crs, c.time_field, c.commune_field) == (
        "id", "Point", "OGC:CRS84", "updated", "commune")
    assert "commune: digits in a code column: kept as text" in added.guesses
    assert c.title == {"vi": "Điểm dừng xe buýt", "en": "Điểm dừng xe buýt"}
    assert (c.field("opened").vi, c.field("opened").en) == ("opened", "opened")
    assert "stop_code: kept as text: codes with leading zeros (e.g. '00000')" in added.guesses
    assert "updated: date-times with UTC offsets" in added.guesses
    assert sorted(p.name for p in added.folder.iterdir()) == ["bus-stops.geojson",
                                                               "metadata.yaml"]


def test_csv_with_semicolons_bom_and_vietnamese_coordinates(tmp_path):
    added, c = declare(tmp_path, files.schools_csv, "schools")
    assert types(c) == {"ma_truong": "string", "ten_truong": "string", "cap": "string",
                        "so_hoc_sinh": "integer", "ngay_thanh_lap": "date"}
    assert c.id_field == "ma_truong" and c.field("ma_truong").example == "049000"
    assert c.field("cap").enum == ("THCS", "THPT", "Tiểu học")
    assert (c.geometry_type, c.native_crs, c.time_field) == ("Point", "OGC:CRS84",
                                                             "ngay_thanh_lap")
    source = load_declaration(added.folder / "metadata.yaml").source
    assert (source.separator, source.encoding, source.x, source.y) == (
        ";", "utf-8-sig", "Kinh độ", "Vĩ độ")
    assert source.column("ten_truong") == "Tên trường"
    assert "column: Tên trường" in added.text


def test_csv_with_wkt_and_no_id_gets_generated_ids(tmp_path):
    added, c = declare(tmp_path, files.markets_wkt_csv, "markets")
    assert c.fields[0].name == "id" and c.fields[0].type == "integer"
    assert c.id_field == "id" and c.geometry_type == "Point"
    source = load_declaration(added.folder / "metadata.yaml").source
    assert source.generated_id and source.wkt == "wkt"
    assert any("records are numbered 1, 2, …" in g for g in added.guesses)


def test_geopackage_in_vn2000_with_a_chosen_layer(tmp_path):
    added, c = declare(tmp_path, files.flood_zones_gpkg, "flood-zones")
    assert (c.geometry_type, c.native_crs, c.id_field) == ("Polygon", "EPSG:5899", "zone_id")
    assert types(c) == {"zone_id": "string", "risk": "string", "depth_m": "number",
                        "surveyed": "date"}
    assert any("read the first, 'flood_zones'" in g for g in added.guesses)
    _, rivers = declare(tmp_path, files.flood_zones_gpkg, "rivers", layer="rivers")
    assert rivers.geometry_type == "LineString" and rivers.has_field("river")


@pytest.mark.parametrize(("crs", "expected"), [("EPSG:5899", "EPSG:5899"),
                                               ("EPSG:9210", "EPSG:9210")])
def test_zipped_shapefile_reads_prj_and_cpg(tmp_path, crs, expected):
    added, c = declare(tmp_path, lambda folder: files.bike_lanes_zip(folder, crs), "bike-lanes")
    assert (c.geometry_type, c.native_crs, c.id_field) == ("LineString", expected, "lane_id")
    assert c.field("street").example == "Bạch Đằng"  # UTF-8 by the .cpg
    assert types(c)["lane_id"] == "integer" and c.field("surface").enum == ("asphalt", "paint")


def test_geoparquet_crs_and_offsets(tmp_path):
    _, c = declare(tmp_path, files.water_points_geoparquet, "water-points")
    assert (c.geometry_type, c.native_crs, c.id_field, c.time_field) == (
        "Point", "OGC:CRS84", "point_id", "checked_at")
    assert c.field("checked_at").type == "datetime"
    assert c.field("checked_at").example == "2025-05-01T09:00:00+07:00"


def test_flatgeobuf(tmp_path):
    _, c = declare(tmp_path, files.bridges_fgb, "bridges")
    assert (c.geometry_type, c.id_field) == ("LineString", "code")
    assert types(c) == {"code": "string", "name": "string", "length_m": "integer"}


@pytest.mark.parametrize("maker", [files.budget_xlsx, files.budget_parquet])
def test_budget_table_without_geometry(tmp_path, maker):
    added, c = declare(tmp_path, maker, "budget")
    assert not c.spatial
    assert types(c) == {"id": "integer", "ma_chuong": "string", "noi_dung": "text",
                        "nam": "integer", "du_toan_trieu_dong": "number",
                        "ngay_phe_duyet": "date", "da_giai_ngan": "boolean"}
    assert c.field("ma_chuong").enum == ("012", "013", "014")
    assert c.field("noi_dung").searchable and not c.field("nam").filterable
    assert c.time_field == "ngay_phe_duyet"
    assert "no geometry: a table of records" in added.guesses
    assert "native_crs" not in added.text


def test_a_file_that_cannot_be_read_writes_nothing(tmp_path):
    bad = tmp_path / "broken.gpkg"
    bad.write_bytes(b"not a geopackage")
    with pytest.raises(ReadError, match=r"^broken\.gpkg: cannot be read as gpkg "
                                        r"\('broken\.gpkg' not recognized"):
        add_dataset(str(bad), "broken", tmp_path / "datasets")
    assert list((tmp_path / "datasets").iterdir()) == []


def test_a_csv_with_a_bad_coordinate_names_the_record(tmp_path):
    bad = tmp_path / "stops.csv"
    bad.write_text("code,lon,lat\nA,108.1,16.0\nB,east,16.1\n", encoding="utf-8")
    with pytest.raises(ReadError, match=r"record #2: lon = 'east' is not a number"):
        add_dataset(str(bad), "stops", tmp_path / "datasets")


def test_a_non_unique_id_column_is_kept_under_another_name(tmp_path):
    def reused_ids(folder):
        path = folder / "kiosks.csv"
        path.write_text("id,lon,lat\n7,108.1,16.0\n7,108.2,16.1\n8,108.3,16.2\n",
                        encoding="utf-8")
        return path

    added, c = declare(tmp_path, reused_ids, "kiosks")
    assert [f.name for f in c.fields] == ["record_id", "id_value"]
    assert c.id_field == "record_id"
    source = load_declaration(added.folder / "metadata.yaml").source
    assert source.generated_id and source.column("id_value") == "id"


def test_vi_and_en_columns_make_one_bilingual_field(tmp_path):
    def markets(folder):
        path = folder / "cho.csv"
        path.write_text("ma,ten_vi,ten_en,lon,lat\nC1,Chợ Hàn,Han Market,108.22,16.07\n"
                        "C2,Chợ Cồn,Con Market,108.21,16.07\n", encoding="utf-8")
        return path

    added, c = declare(tmp_path, markets, "cho")
    assert [(f.name, f.type) for f in c.fields] == [("ma", "string"), ("ten", "i18n")]
    assert c.field("ten").searchable and c.field("ten").required
    assert c.field("ten").example == {"vi": "Chợ Hàn", "en": "Han Market"}
    assert "ten: columns ten_vi and ten_en form one bilingual (i18n) field" in added.guesses
