"""Whole-dataset files: read back by real tools, checksummed, cacheable, reproducible."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import geopandas as gpd
import pyarrow.parquet as pq
import pytest
import shapely

from opengov.catalog.distributions import Distributions

SPATIAL = ["cameras", "service-centres", "admin-units"]
GDAL_FORMATS = ["gpkg", "fgb", "shp.zip", "parquet", "geojson"]


def _record(get, dataset_id):
    _, body = get(f"/datasets/{dataset_id}")
    return json.loads(body)


def _frame(body: bytes, fmt: str, tmp_path) -> gpd.GeoDataFrame:
    path = tmp_path / f"file.{fmt}"
    path.write_bytes(body)
    if fmt == "parquet":
        return gpd.read_parquet(path)
    return gpd.read_file(f"/vsizip/{path}" if fmt == "shp.zip" else path)


@pytest.mark.parametrize("dataset_id", SPATIAL)
def test_spatial_formats_read_back_with_same_rows_and_geometries(get, tmp_path, dataset_id):
    count = _record(get, dataset_id)["record_count"]
    _, body = get(f"/datasets/{dataset_id}/download.geojson")
    reference = gpd.read_file(io.BytesIO(body)).sort_values("id").reset_index(drop=True)
    assert len(reference) == count > 0
    for fmt in GDAL_FORMATS:
        response, body = get(f"/datasets/{dataset_id}/download.{fmt}")
        assert response.status_code == 200, (fmt, body[:300])
        frame = _frame(body, fmt, tmp_path).sort_values("id").reset_index(drop=True)
        assert len(frame) == count, fmt
        assert list(frame["id"]) == list(reference["id"]), fmt
        # normalised: a shapefile stores exterior rings clockwise, GeoJSON counter-clockwise
        same = shapely.equals_exact(shapely.normalize(frame.geometry.values),
                                    shapely.normalize(reference.geometry.values), tolerance=1e-6)
        assert same.all(), f"{fmt}: {(~same).sum()} geometries differ"


def test_geoparquet_is_version_1_1_and_pyarrow_reads_it(get, tmp_path):
    _, body = get("/datasets/admin-units/download.parquet")
    table = pq.read_table(io.BytesIO(body))
    geo = json.loads(table.schema.metadata[b"geo"])
    assert geo["version"] == "1.1.0" and geo["primary_column"] == "geometry"
    assert "bbox" in table.column_names  # covering bbox column (GeoParquet 1.1)
    assert table.num_rows == _record(get, "admin-units")["record_count"]


def test_shapefile_zip_has_codepage_and_projection(get):
    _, body = get("/datasets/cameras/download.shp.zip")
    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert {n.rsplit(".", 1)[1] for n in names} >= {"shp", "shx", "dbf", "prj", "cpg"}
    assert zipfile.ZipFile(io.BytesIO(body)).read("cameras.cpg").strip() == b"UTF-8"


@pytest.mark.parametrize("fmt", ["csv", "gpkg", "parquet", "shp.zip", "ndjson"])
def test_sha256_and_size_in_the_catalogue_match_the_bytes_served(get, fmt):
    response, body = get(f"/datasets/cameras/download.{fmt}")
    dist = {d["format"]: d for d in _record(get, "cameras")["distributions"]}[fmt]
    assert dist["sha256"] == hashlib.sha256(body).hexdigest()
    assert dist["byte_size"] == len(body) == int(response.headers["Content-Length"])
    version = _record(get, "cameras")["version"]
    assert (response.headers["Content-Disposition"] ==
            f"attachment; filename=quang-nam-cameras-v{version}.{fmt}")


def test_etag_last_modified_and_ranges(get):
    response, body = get("/datasets/cameras/download.gpkg")
    etag = response.headers["ETag"]
    assert response.headers["Last-Modified"] and response.headers["Accept-Ranges"] == "bytes"
    again, _ = get("/datasets/cameras/download.gpkg", headers={"If-None-Match": etag})
    assert again.status_code == 304
    part, chunk = get("/datasets/cameras/download.gpkg", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and chunk == body[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(body)}"


def test_whole_download_is_not_capped_by_the_page_limit(get, loaded_app):
    collection = loaded_app.extensions["opengov"].registry.get("procedures")
    count = _record(get, "procedures")["record_count"]
    assert count > collection.max_limit
    _, body = get("/datasets/procedures/download.ndjson")
    assert len(body.splitlines()) == count


def test_builds_are_byte_for_byte_reproducible(loaded_app, tmp_path):
    store = loaded_app.extensions["opengov"].store
    collection = loaded_app.extensions["opengov"].registry.get("cameras")
    state = store.repo("cameras").state()
    for fmt in ["gpkg", "parquet", "shp.zip", "fgb", "csv"]:
        first = Distributions(tmp_path / "a", store).build(collection, fmt, state.version,
                                                           state.modified)
        second = Distributions(tmp_path / "b", store).build(collection, fmt, state.version,
                                                            state.modified)
        assert first.path.read_bytes() == second.path.read_bytes(), fmt


def test_excel_csv_starts_with_a_byte_order_mark(get):
    _, body = get("/datasets/cameras/download.csv?bom=1")
    _, plain = get("/datasets/cameras/download.csv")
    assert body.startswith(b"\xef\xbb\xbf") and body[3:] == plain


def test_filtered_subsets_stream_without_checksum(get, client):
    bbox = "108.3,15.5,108.7,16.0"
    api = client.get(f"/cameras?bbox={bbox}&kind=traffic&limit=1000").get_json()
    response, body = get(f"/datasets/cameras/download.geojson?bbox={bbox}&kind=traffic")
    assert response.status_code == 200 and "Repr-Digest" not in response.headers
    ids = [f["id"] for f in json.loads(body)["features"]]
    assert sorted(ids) == sorted(f["id"] for f in api["features"]) and ids
    assert "subset" in response.headers["Content-Disposition"]
    _, lines = get(f"/datasets/cameras/download.csv?bbox={bbox}&kind=traffic")
    assert len(lines.decode().splitlines()) == len(ids) + 1
    _, nd = get(f"/datasets/cameras/download.ndjson?bbox={bbox}&kind=traffic")
    assert len(nd.splitlines()) == len(ids)


@pytest.mark.parametrize("url, status", [
    ("/datasets/cameras/download.csv?kind=bogus", 400),
    ("/datasets/cameras/download.csv?nonsense=1", 400),
    ("/datasets/cameras/download.csv?bbox=1,2,3", 400),
    ("/datasets/cameras/download.csv?start_date=2025-01-01T00:00:00Z", 400),  # no time field
    ("/datasets/reports/download.csv?start_date=2025-01-01", 400),  # needs an offset
    ("/datasets/cameras/download.gpkg?kind=traffic", 400),
    ("/datasets/cameras/download.exe", 404),
    ("/datasets/procedures/download.gpkg", 404),
    ("/datasets/nope/download.csv", 404),
    ("/datasets/cameras/download.csv?version=9999", 404),
    ("/datasets/cameras/download.csv?version=0", 400),
])
def test_bad_downloads_are_problems(get, url, status):
    response, body = get(url)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    assert json.loads(body)["status"] == status
