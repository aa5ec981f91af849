"""Sample monitoring stations and the parameter list (``datasets/monitoring-*``).

Regenerate both dataset folders (byte-identical on every run)::

    python -m opengov.monitoring.synth_stations datasets/

Stations are placed at the representative point of a deterministic selection of the sample's
communes (``datasets/admin-units``), nudged so they do not sit on a centroid. Names, operators
and dates are invented; the readings are generated at load time by
:mod:`opengov.monitoring.synth_readings`.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import shapely
from shapely.geometry import shape

from opengov.monitoring.catalogue import PARAMETERS, parameters_of
from opengov.sample import sample_datasets
from opengov.synth.geo_sample import (
    bbox,
    common_metadata,
    feature,
    snap,
    write_feature_collection,
    write_metadata,
)

SEED = 5
# (kind, id prefix, how many, operator) — ≥ 30 stations, air first (the AQI network).
NETWORK = (
    ("air", "aq", 16, "so-nnmt"),
    ("surface-water", "sw", 10, "so-nnmt"),
    ("groundwater", "gw", 6, "cty-cap-nuoc"),
    ("coastal", "cw", 4, "bql-cang"),
)
KIND_NAMES = {
    "air": ("Trạm không khí", "air station"),
    "surface-water": ("Trạm nước mặt", "surface water station"),
    "groundwater": ("Giếng quan trắc nước dưới đất", "groundwater well"),
    "coastal": ("Trạm nước biển ven bờ", "coastal water station"),
}


def _units() -> list[dict]:
    path = sample_datasets() / "admin-units" / "admin-units.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    return sorted(doc["features"], key=lambda f: f["properties"]["code"])


def station_features(seed: int = SEED, air: int | None = None) -> list[dict]:
    """The sample stations as GeoJSON features (``air`` overrides the number of air stations)."""
    rnd = random.Random(seed)
    units = _units()
    out = []
    for kind, prefix, count, operator in NETWORK:
        count = air if kind == "air" and air is not None else count
        chosen = rnd.sample(units, count)
        for number, unit in enumerate(chosen, 1):
            props = unit["properties"]
            point = shape(unit["geometry"]).representative_point()
            point = shapely.Point(snap(point.x + rnd.uniform(-0.004, 0.004)),
                                  snap(point.y + rnd.uniform(-0.004, 0.004)))
            if not shape(unit["geometry"]).contains(point):
                point = shape(unit["geometry"]).representative_point()
                point = shapely.Point(snap(point.x), snap(point.y))
            vi, en = KIND_NAMES[kind]
            place_vi = props["name_vi"].split(" ", 1)[1] if " " in props["name_vi"] else \
                props["name_vi"]
            place_en = props["name_en"].rsplit(" ", 1)[0]
            year = rnd.randint(2015, 2023)
            status = "maintenance" if rnd.random() < 0.08 else "active"
            sid = f"{prefix}-{number:03d}"
            out.append(feature(sid, {
                "id": sid,
                "name_vi": f"{vi} {place_vi} (mẫu)",
                "name_en": f"{place_en} {en} (sample)",
                "kind": kind,
                "operator": operator,
                "commune": props["code"],
                "parameters": list(parameters_of(kind)),
                "active_from": f"{year}-{rnd.randint(1, 12):02d}-01",
                "active_to": None,
                "status": status,
            }, {"type": "Point", "coordinates": [point.x, point.y]}))
    return out


def _metadata(features: list[dict] | None, collection: str, seed: int) -> dict:
    stations = collection == "monitoring-stations"
    meta = {
        "id": collection,
        "title": ({"vi": "Trạm quan trắc môi trường (dữ liệu mẫu)",
                   "en": "Environmental monitoring stations (sample)"} if stations else
                  {"vi": "Thông số quan trắc môi trường (dữ liệu mẫu)",
                   "en": "Monitored environmental parameters (sample)"}),
        "description": ({
            "vi": "Trạm quan trắc không khí, nước mặt, nước dưới đất và nước biển ven bờ TỔNG HỢP "
                  "đặt tại các xã, phường có thật; tên, đơn vị vận hành và thời gian hoạt động là "
                  "giả định. Số liệu đo được sinh tự động khi nạp dữ liệu, không phải số liệu "
                  "thật.",
            "en": "SYNTHETIC air, surface water, groundwater and coastal stations placed in real "
                  "communes; names, operators and dates are invented. Readings are generated at "
                  "load time and are not real measurements."} if stations else {
            "vi": "Danh sách thông số đo, đơn vị và khoảng giá trị hợp lệ dùng khi nhận dữ liệu.",
            "en": "Parameters measured, their units and the value ranges accepted on ingestion."}),
        **common_metadata(),
        "keywords": {"vi": ["quan trắc", "chất lượng không khí", "chất lượng nước", "dữ liệu mẫu"],
                     "en": ["monitoring", "air quality", "water quality", "sample"]},
        "themes": ["ENVI"],
        "update_frequency": "hourly" if stations else "irregular",
    }
    if features:
        meta["spatial"] = {"bbox": bbox(features)}
    # The generated readings start here (opengov.monitoring.sample, "full" profile); live after.
    meta["temporal"] = {"start": "2025-03-01T00:00:00+07:00", "end": None}
    meta["synthetic"] = True
    meta["sources"] = [{"title": "QĐ 1459/QĐ-TCMT (2019), VN_AQI",
                        "url": "https://vea.mae.gov.vn/Data/files/QD%201459%20TCMT%20ngay%2012_11_"
                               "2019%20AQI(1).pdf", "used_for": "parameters of the air index"}]
    meta["generator"] = {"module": "opengov.monitoring.synth_stations", "seed": seed,
                         "command": "python -m opengov.monitoring.synth_stations datasets/"}
    return meta


def write_datasets(out_dir: Path, seed: int = SEED) -> dict[str, int]:
    """Write ``monitoring-stations/`` and ``monitoring-parameters/`` under ``out_dir``."""
    features = station_features(seed)
    stations = out_dir / "monitoring-stations"
    count = write_feature_collection(stations / "stations.geojson", "monitoring-stations",
                                     features)
    write_metadata(stations / "metadata.yaml", _metadata(features, "monitoring-stations", seed))
    params = out_dir / "monitoring-parameters"
    params.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(p.record(), ensure_ascii=False, separators=(",", ":"))
             for p in PARAMETERS.values()]
    (params / "parameters.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8",
                                              newline="\n")
    write_metadata(params / "metadata.yaml", _metadata(None, "monitoring-parameters", seed))
    return {"monitoring-stations": count, "monitoring-parameters": len(lines)}


if __name__ == "__main__":  # pragma: no cover
    print(write_datasets(Path(sys.argv[1] if len(sys.argv) > 1 else "datasets")))
