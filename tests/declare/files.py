"""Data files of domains the sample does not have, written by the tests themselves.

Bus stops (GeoJSON), schools (CSV with ``;`` and a BOM, lon/lat as kinh độ/vĩ độ), markets (CSV
with a WKT column and no id), flood zones (GeoPackage in VN-2000 / TM-3 107-45, two layers),
bike lanes (zipped Shapefile with .prj and .cpg), water supply points (GeoParquet), bridges
(FlatGeobuf) and a commune budget table (XLSX and Parquet, no geometry).
"""

from __future__ import annotations

import json
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point, Polygon

ICT = timezone(timedelta(hours=7))
ROUTES = ("bus", "express", "school")
LEVELS = ("Tiểu học", "THCS", "THPT")


def bus_stops(folder: Path) -> Path:
    """12 stops; string feature ids; codes with leading zeros; dates; times with +07:00."""
    features = [{
        "type": "Feature", "id": f"BS-{i:03d}",
        "geometry": {"type": "Point", "coordinates": [108.20 + i / 1000, 16.05 + i / 1000]},
        "properties": {"stop_code": f"{i:05d}", "name": f"Trạm {i} – Lê Duẩn",
                       "route_type": ROUTES[i % 3], "opened": f"2024-03-{i + 1:02d}",
                       "updated": f"2025-06-{i + 1:02d}T08:30:00+07:00",
                       "shelter": i % 2 == 0, "boardings": 100 + 7 * i,
                       "commune": f"2034{i % 2}"}}
        for i in range(12)]
    path = folder / "bus-stops.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               ensure_ascii=False), encoding="utf-8")
    return path


def schools_csv(folder: Path) -> Path:
    """Semicolon-separated, UTF-8 with a BOM, coordinates in Kinh độ / Vĩ độ."""
    rows = ["Mã trường;Tên trường;Cấp;Kinh độ;Vĩ độ;Số học sinh;Ngày thành lập"]
    rows += [f"0490{i:02d};Trường {i};{LEVELS[i % 3]};{108.1 + i / 100:.4f};"
             f"{15.9 + i / 100:.4f};{300 + i * 11};19{70 + i}-09-05" for i in range(9)]
    path = folder / "truong-hoc.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(rows) + "\r\n").encode("utf-8"))
    return path


def markets_wkt_csv(folder: Path) -> Path:
    """Comma-separated with a WKT column; names repeat, so no column can be the id."""
    rows = ["name,kind,wkt"]
    rows += [f"Chợ {i % 4},{('daily', 'night')[i % 2]},\"POINT ({108.3 + i / 100} 15.88)\""
             for i in range(8)]
    path = folder / "markets.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _square(x: float, y: float, size: float) -> Polygon:
    return Polygon([(x, y), (x + size, y), (x + size, y + size), (x, y + size)])


def flood_zones_gpkg(folder: Path) -> Path:
    """Polygons in VN-2000 / TM-3 107-45 (EPSG:5899, metres); a second layer of rivers."""
    path = folder / "ngap-lut.gpkg"
    zones = gpd.GeoDataFrame({
        "zone_id": [f"FZ{i}" for i in range(6)],
        "risk": ["high", "low", "medium", "high", "low", "medium"],
        "depth_m": [1.5, 0.2, 0.8, 2.1, 0.3, 0.9],
        "surveyed": pd.to_datetime([f"2023-10-{10 + i}" for i in range(6)]).date,
    }, geometry=[_square(560_000 + i * 500, 1_760_000, 400) for i in range(6)], crs="EPSG:5899")
    zones.to_file(path, layer="flood_zones", driver="GPKG")
    rivers = gpd.GeoDataFrame({"river": ["Thu Bồn"]},
                              geometry=[LineString([(560_000, 1_759_000),
                                                    (563_000, 1_761_000)])], crs="EPSG:5899")
    rivers.to_file(path, layer="rivers", driver="GPKG")
    return path


def bike_lanes_zip(folder: Path, crs: str = "EPSG:5899") -> Path:
    """A zipped Shapefile with .prj and .cpg (UTF-8 Vietnamese street names)."""
    shp = folder / "shp"
    shp.mkdir()
    lanes = gpd.GeoDataFrame({
        "lane_id": [1, 2, 3, 4],
        "street": ["Bạch Đằng", "Trần Phú", "Nguyễn Văn Linh", "Hùng Vương"],
        "surface": ["asphalt", "paint", "asphalt", "paint"],
        "length_m": [1200.5, 800.0, 2300.25, 950.75],
    }, geometry=[LineString([(560_000 + i * 100, 1_760_000), (560_500 + i * 100, 1_760_800)])
                 for i in range(4)], crs=crs)
    lanes.to_file(shp / "bike_lanes.shp", driver="ESRI Shapefile", encoding="UTF-8")
    path = folder / "bike-lanes.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for part in sorted(shp.iterdir()):
            archive.write(part, part.name)
    return path


def water_points_geoparquet(folder: Path) -> Path:
    """Points in EPSG:4326 with time-zone-aware readings and an integer id column."""
    path = folder / "water-points.parquet"
    frame = gpd.GeoDataFrame({
        "point_id": [f"WP{i:02d}" for i in range(5)],
        "operator": ["DAWACO"] * 5,
        "pressure_bar": [2.5, 3.1, 2.8, 2.9, 3.0],
        "checked_at": [datetime(2025, 5, 1, 9, i, tzinfo=ICT) for i in range(5)],
    }, geometry=[Point(108.21 + i / 100, 16.06) for i in range(5)], crs="EPSG:4326")
    frame.to_parquet(path)
    return path


def bridges_fgb(folder: Path) -> Path:
    """Bridges as FlatGeobuf lines in CRS84."""
    path = folder / "bridges.fgb"
    frame = gpd.GeoDataFrame({
        "code": ["CR-01", "CR-02", "CR-03"],
        "name": ["Cầu Rồng", "Cầu Sông Hàn", "Cầu Trần Thị Lý"],
        "length_m": [666, 487, 731],
    }, geometry=[LineString([(108.22 + i / 100, 16.06), (108.23 + i / 100, 16.06)])
                 for i in range(3)], crs="OGC:CRS84")
    frame.to_file(path, driver="FlatGeobuf")
    return path


def budget_frame() -> pd.DataFrame:
    """A commune budget table: chapter codes with leading zeros, long descriptions, dates."""
    long_text = "Chi đầu tư phát triển cơ sở hạ tầng giao thông nông thôn, " * 5
    return pd.DataFrame({
        "Mã chương": ["012", "013", "012", "014", "013", "012"],
        "Nội dung": [long_text + str(i) for i in range(6)],
        "Năm": [2024, 2024, 2025, 2025, 2025, 2025],
        "Dự toán (triệu đồng)": [1500.5, 230.0, 980.25, 40.0, 75.5, 12.0],
        "Ngày phê duyệt": [datetime(2024, 1, 15), datetime(2024, 2, 1), datetime(2025, 1, 10),
                           datetime(2025, 1, 12), datetime(2025, 3, 3), datetime(2025, 4, 4)],
        "Đã giải ngân": [True, False, True, True, False, False],
    })


def budget_xlsx(folder: Path) -> Path:
    path = folder / "ngan-sach.xlsx"
    budget_frame().to_excel(path, index=False, sheet_name="2024-2025")
    return path


def budget_parquet(folder: Path) -> Path:
    path = folder / "ngan-sach.parquet"
    frame = budget_frame()
    frame["Ngày phê duyệt"] = [d.date() for d in frame["Ngày phê duyệt"]]
    frame.to_parquet(path)
    return path
