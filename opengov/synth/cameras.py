"""Synthetic public camera listings, placed along a region's roads, rivers and sights.

:func:`generate_cameras` yields GeoJSON-like features and scales to 100,000+ cameras (vectorised
with numpy; the random stream is a seeded ``random.Random`` so runs are reproducible). Placement:

* ``traffic`` (most): along the region's road sketches, denser near towns and on urban streets;
  some at road junctions ("Nút giao QL1A – Hùng Vương, Tam Kỳ");
* ``flood``: where a road crosses a river (bridges, low areas);
* ``tourism``: around the region's sights (old towns, heritage sites, beaches);
* ``security``: around town centres.

``direction`` is the 8-point compass direction the camera faces (``N``, ``NE``, ``E``, ``SE``,
``S``, ``SW``, ``W``, ``NW``); a traffic camera on a road faces one of the two travel directions.
``commune`` is the code of the sample admin unit polygon containing the camera. ``last_seen`` is
derived from the fixed :data:`REFERENCE_TIME`, never from the clock. All URLs use ``.invalid``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely import STRtree

from . import adminunits
from .geo_sample import (
    QUANG_NAM,
    Region,
    ascii_fold,
    bbox,
    common_metadata,
    outline,
    rng_for,
    write_feature_collection,
    write_metadata,
)

SEED = 4903
COUNT = 200  # cameras in the committed sample
REFERENCE_TIME = 1759276800  # 2025-10-01T00:00:00Z
KINDS = ("traffic", "flood", "tourism", "security")
KIND_SHARE = (0.78, 0.08, 0.07, 0.07)
STATUS = ("online", "offline", "maintenance")
STATUS_SHARE = (0.85, 0.10, 0.05)
STREAMS = ("hls", "mjpeg", "jpeg")
STREAM_SHARE = (0.5, 0.2, 0.3)
REFRESH = (15, 30, 60)
COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
COMPASS_VI = ("Bắc", "Đông Bắc", "Đông", "Đông Nam", "Nam", "Tây Nam", "Tây", "Tây Bắc")
OWNERS = {"traffic": "Sở Xây dựng (mẫu)", "flood": "Ban Chỉ huy phòng thủ dân sự (mẫu)",
          "tourism": "Sở Văn hóa, Thể thao và Du lịch (mẫu)", "security": "Công an (mẫu)"}
JUNCTION_SHARE = 0.15  # of traffic cameras
BASE = "https://cameras.sample.invalid"


@dataclass(frozen=True)
class _Model:
    """Everything precomputed once per region (numpy arrays, label tables, spatial index)."""

    seg: np.ndarray  # per road segment: x0, y0, dx, dy, chainage_m, length_m, bearing_deg
    seg_road: np.ndarray
    seg_cdf: np.ndarray
    junctions: list  # (x, y, road b); the other road is in junction_other
    junction_other: list
    crossings: list  # (x, y, road); the river is in crossing_river
    crossing_river: list
    sites: list  # (x, y, road)
    towns: list  # (x, y, nearest road)
    town_spread: np.ndarray  # metres
    town_cdf: np.ndarray
    scale: tuple[float, float]  # metres per degree (lon, lat)
    road_lines: np.ndarray
    tree: STRtree
    codes: np.ndarray


def _scale(region: Region) -> tuple[float, float]:
    lat = outline(region).centroid.y
    return 111_320.0 * math.cos(math.radians(lat)), 110_574.0


def _segments(region: Region, shape, mx: float, my: float):
    rows, owners = [], []
    for r, road in enumerate(region.roads):
        line = shapely.LineString(road.coords)
        for part in shapely.get_parts(shapely.intersection(line, shape)):
            if part.geom_type != "LineString":
                continue
            xy = shapely.get_coordinates(shapely.segmentize(part, 0.002))
            start = shapely.line_locate_point(line, shapely.points(xy[:-1]))
            d = np.diff(xy, axis=0)
            length = np.hypot(d[:, 0] * mx, d[:, 1] * my)
            bearing = np.degrees(np.arctan2(d[:, 0] * mx, d[:, 1] * my)) % 360
            rows.append(np.column_stack([xy[:-1], d, start * mx, length, bearing]))
            owners.append(np.full(len(d), r))
    return np.vstack(rows), np.concatenate(owners)


def _intersections(lines_a, lines_b, same: bool) -> list:
    out = []
    for i, a in enumerate(lines_a):
        for j, b in enumerate(lines_b):
            if (same and j <= i) or not a.intersects(b):
                continue
            for p in shapely.get_parts(shapely.intersection(a, b)):
                x, y = shapely.get_coordinates(p)[0]
                out.append((float(x), float(y), i, j))
    return out


def _road_index(region: Region, name: str) -> int:
    for i, road in enumerate(region.roads):
        if road.name_vi == name:
            return i
    raise ValueError(f"unknown road {name!r} in region {region.slug}")


@functools.lru_cache(maxsize=8)
def _model(region: Region) -> _Model:
    shape = outline(region)
    mx, my = _scale(region)
    seg, seg_road = _segments(region, shape, mx, my)
    towns = region.towns
    tx, ty = np.array([t.lon for t in towns]), np.array([t.lat for t in towns])
    mid_x, mid_y = seg[:, 0] + seg[:, 2] / 2, seg[:, 1] + seg[:, 3] / 2
    d_km = np.hypot((mid_x[:, None] - tx) * mx, (mid_y[:, None] - ty) * my) / 1000
    radius = np.array([t.radius_km for t in towns])
    urban = (np.array([t.weight for t in towns]) * np.exp(-((d_km / radius) ** 2))).sum(axis=1)
    weight = np.array([r.weight for r in region.roads])[seg_road] * seg[:, 5] * (1 + 6 * urban)
    roads = np.array([shapely.intersection(shapely.LineString(r.coords), shape)
                      for r in region.roads])
    rivers = [shapely.LineString(r.coords) for r in region.rivers]
    junctions = _intersections(roads, roads, True)
    crossings = [c for c in _intersections(rivers, roads, False)
                 if shape.contains(shapely.Point(c[0], c[1]))]
    near = shapely.distance(shapely.points(tx, ty)[:, None], roads[None, :]).argmin(axis=1)
    geoms = adminunits.unit_geometries(region)
    return _Model(
        seg=seg, seg_road=seg_road, seg_cdf=np.cumsum(weight) / weight.sum(),
        junctions=[(x, y, b) for x, y, _, b in junctions],
        junction_other=[a for _, _, a, _ in junctions],
        crossings=[(x, y, road) for x, y, _, road in crossings],
        crossing_river=[river for _, _, river, _ in crossings],
        sites=[(s.lon, s.lat, _road_index(region, s.road)) for s in region.sites],
        towns=[(t.lon, t.lat, int(near[i])) for i, t in enumerate(towns)],
        town_spread=radius * 300.0,
        town_cdf=np.cumsum([t.weight for t in towns]) / sum(t.weight for t in towns),
        scale=(mx, my), road_lines=roads,
        tree=STRtree(list(geoms.values())), codes=np.array(list(geoms)),
    )


def _uniform(rnd, n: int, k: int) -> np.ndarray:
    r = rnd.random
    return np.array([r() for _ in range(n * k)], dtype=np.float64).reshape(n, k)


def _on_roads(mask, u, m: _Model, out) -> None:
    """Traffic cameras along road segments, ±15 m off the centre line, facing along the road."""
    x, y, road, _, ref, facing = out
    mx, my = m.scale
    s = np.minimum(np.searchsorted(m.seg_cdf, u[mask, 2]), len(m.seg_cdf) - 1)
    row = m.seg[s]
    t, side = u[mask, 3], (u[mask, 4] - 0.5) * 30
    nx, ny = row[:, 3] * my, -row[:, 2] * mx
    norm = np.hypot(nx, ny)
    x[mask] = row[:, 0] + row[:, 2] * t + nx / norm * side / mx
    y[mask] = row[:, 1] + row[:, 3] * t + ny / norm * side / my
    road[mask], ref[mask] = m.seg_road[s], (row[:, 4] + row[:, 5] * t).astype(np.int64)
    back = u[mask, 6] < 0.5
    facing[mask] = (np.round((row[:, 6] + 180 * back) / 45) % 8).astype(np.int64)


def _around(mask, u, group, m: _Model, out) -> None:
    """Cameras scattered (Gaussian, ``spread_m``) around entries (x, y, road) of ``table``."""
    table, spread_m, code, cdf = group
    x, y, road, label, ref, _ = out
    mx, my = m.scale
    if cdf is None:
        idx = np.minimum((u[mask, 2] * len(table)).astype(np.int64), len(table) - 1)
    else:
        idx = np.minimum(np.searchsorted(cdf, u[mask, 2]), len(table) - 1)
    pts = np.asarray(table, dtype=np.float64)[idx]
    radius = np.sqrt(-2 * np.log(1 - u[mask, 4]))
    spread = spread_m if np.isscalar(spread_m) else np.asarray(spread_m)[idx]
    x[mask] = pts[:, 0] + radius * np.cos(2 * math.pi * u[mask, 5]) * spread / mx
    y[mask] = pts[:, 1] + radius * np.sin(2 * math.pi * u[mask, 5]) * spread / my
    road[mask], label[mask], ref[mask] = pts[:, 2].astype(np.int64), code, idx


def _place(kind: np.ndarray, u: np.ndarray, m: _Model):
    """Candidate positions (x, y, road index, label code, label ref, facing) per camera.

    Label codes: 0 road segment (ref = chainage in m), 1 junction, 2 river crossing, 3 site,
    4 town centre (ref = index into the matching table).
    """
    n = len(kind)
    out = (np.zeros(n), np.zeros(n), np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64),
           np.zeros(n, dtype=np.int64), (u[:, 7] * 8).astype(np.int64) % 8)
    rest = np.ones(n, dtype=bool)
    groups = (((kind == 0) & (u[:, 1] < JUNCTION_SHARE), (m.junctions, 20.0, 1, None)),
              (kind == 1, (m.crossings, 80.0, 2, None)),
              (kind == 2, (m.sites, 250.0, 3, None)),
              (kind == 3, (m.towns, m.town_spread, 4, m.town_cdf)))
    for mask, group in groups:
        if group[0] and mask.any():
            _around(mask, u, group, m, out)
            rest &= ~mask
    _on_roads(rest, u, m, out)
    x, y = np.round(out[0], 6), np.round(out[1], 6)
    town = out[3] == 4
    if town.any():  # security cameras: label with the nearest road
        dist = shapely.distance(shapely.points(x[town], y[town])[:, None], m.road_lines[None, :])
        out[2][town] = dist.argmin(axis=1)
    return (x, y, *out[2:])


def _locate(x, y, m: _Model, shape) -> np.ndarray:
    """Index of the containing unit for each point, -1 if none or outside the outline."""
    hits = m.tree.query(shapely.points(x, y), predicate="intersects")
    found = np.full(len(x), -1)
    order = np.lexsort((hits[1], hits[0]))
    first = np.unique(hits[0][order], return_index=True)[1]
    found[hits[0][order][first]] = hits[1][order][first]  # the lowest unit index wins
    found[~shapely.contains_xy(shape, x, y)] = -1
    return found


def _labels(label, ref, road, x, y, facing, m: _Model, region: Region) -> Iterator[tuple]:
    """(name_vi, name_en) per camera, from its label code and the nearest town."""
    txy = np.asarray(m.towns)
    near = np.hypot((x[:, None] - txy[:, 0]) * m.scale[0],
                    (y[:, None] - txy[:, 1]) * m.scale[1]).argmin(axis=1).tolist()
    roads, towns = region.roads, region.towns
    plain = [ascii_fold(r.name_vi) for r in roads]
    for k, i, rd, t_i, f in zip(label.tolist(), ref.tolist(), road.tolist(), near, facing.tolist(),
                                strict=True):
        r, t = roads[rd], towns[t_i]
        if k == 0 and r.kind == "urban":
            number = 2 * (i // 20) + 1
            yield f"{number} {r.name_vi}, {t.name_vi}", f"{number} {r.name_en}, {t.name_en}"
        elif k == 0:
            post = f"Km{r.km0 + i // 1000}+{i % 1000:03d}"
            yield f"{r.name_vi} {post}, {t.name_vi}", f"{r.name_en} {post}, {t.name_en}"
        elif k == 1:
            a = m.junction_other[i]
            view = COMPASS_VI[f]
            yield (f"Nút giao {roads[a].name_vi} – {r.name_vi}, {t.name_vi} (hướng {view})",
                   f"Junction {plain[a]} – {plain[rd]}, {t.name_en} ({COMPASS[f]})")
        elif k == 2:
            river = region.rivers[m.crossing_river[i]]
            yield (f"Mực nước sông {river.name_vi} – {r.name_vi}, {t.name_vi}",
                   f"{river.name_en} River water level – {r.name_en}, {t.name_en}")
        elif k == 3:
            site = region.sites[i]
            yield f"Du lịch – {site.name_vi}", f"Tourism – {site.name_en}"
        else:
            yield f"An ninh – {r.name_vi}, {t.name_vi}", f"Security – {r.name_en}, {t.name_en}"


def _pick(u: np.ndarray, shares) -> np.ndarray:
    return np.minimum(np.searchsorted(np.cumsum(shares), u, side="right"), len(shares) - 1)


def _chunk(n: int, rnd, m: _Model, region: Region, shape):
    u = _uniform(rnd, n, 12)
    kind = _pick(u[:, 0], KIND_SHARE)
    x, y, road, label, ref, facing = _place(kind, u, m)
    unit = _locate(x, y, m, shape)
    for _ in range(100):
        bad = np.flatnonzero(unit < 0)
        if not len(bad):
            break
        redo = _place(kind[bad], _uniform(rnd, len(bad), 12), m)
        for arr, new in zip((x, y, road, label, ref, facing), redo, strict=True):
            arr[bad] = new
        unit[bad] = _locate(x[bad], y[bad], m, shape)
    else:
        raise RuntimeError("could not place cameras inside the region")
    return kind, x, y, road, label, ref, facing, unit, u


def _columns(kind, road, facing, unit, u, m: _Model, region: Region) -> dict[str, list]:
    """Per-camera property values that need no per-row logic, as Python lists."""
    status, stream = _pick(u[:, 8], STATUS_SHARE), _pick(u[:, 9], STREAM_SHARE)
    refresh = np.array(REFRESH)[np.minimum((u[:, 10] * len(REFRESH)).astype(np.int64),
                                           len(REFRESH) - 1)]
    age = np.where(status == 0, u[:, 11] * refresh * 2,
                   np.where(status == 1, 3600 + u[:, 11] * 30 * 86400,
                            86400 + u[:, 11] * 13 * 86400)).astype(np.int64)
    seen = np.datetime_as_string((REFERENCE_TIME - age).astype("datetime64[s]"), unit="s")
    names = [r.name_vi for r in region.roads]
    return {
        "kind": [KINDS[k] for k in kind.tolist()],
        "road": [names[r] for r in road.tolist()],
        "direction": [COMPASS[f] for f in facing.tolist()],
        "commune": m.codes[unit].tolist(),
        "status": [STATUS[s] for s in status.tolist()],
        "stream_type": [STREAMS[s] for s in stream.tolist()],
        "refresh_interval_s": refresh.tolist(),
        "last_seen": [f"{t}Z" for t in seen.tolist()],
    }


def generate_cameras(count: int, seed: int, region: Region = QUANG_NAM) -> Iterator[dict]:
    """Yield ``count`` synthetic camera features (ids ``cam-00001`` …, wider past 99,999)."""
    rnd = rng_for(seed, region.slug, "cameras")
    m, shape = _model(region), outline(region)
    width = max(5, len(str(count)))
    done = 0
    while done < count:
        n = min(50_000, count - done)
        kind, x, y, road, label, ref, facing, unit, u = _chunk(n, rnd, m, region, shape)
        col = _columns(kind, road, facing, unit, u, m, region)
        names = _labels(label, ref, road, x, y, facing, m, region)
        rows = zip(names, x.tolist(), y.tolist(), col["kind"], col["road"], col["direction"],
                   col["commune"], col["status"], col["stream_type"], col["refresh_interval_s"],
                   col["last_seen"], strict=True)
        for i, ((name_vi, name_en), lon, lat, kd, rd, dr, cm, st, stt, rf, ls) in enumerate(rows):
            cid = f"cam-{done + i + 1:0{width}d}"
            url = (f"{BASE}/{cid}/live.m3u8" if stt == "hls" else
                   f"{BASE}/{cid}/stream.mjpg" if stt == "mjpeg" else None)
            yield {"type": "Feature", "id": cid, "properties": {
                "id": cid, "name_vi": name_vi, "name_en": name_en, "kind": kd, "road": rd,
                "direction": dr, "commune": cm, "status": st,
                "snapshot_url": f"{BASE}/{cid}/snapshot.jpg", "stream_url": url,
                "stream_type": stt, "refresh_interval_s": rf, "last_seen": ls,
                "owner": OWNERS[kd],
            }, "geometry": {"type": "Point", "coordinates": [lon, lat]}}
        done += n


def metadata(region: Region, features: list[dict], seed: int) -> dict:
    seen = sorted(f["properties"]["last_seen"] for f in features)
    return {
        "id": "cameras",
        "title": {"vi": f"Camera công cộng (dữ liệu mẫu) – {region.name_vi}",
                  "en": f"Public cameras (sample) – {region.name_en}"},
        "description": {
            "vi": "Danh sách camera giao thông, cảnh báo ngập, du lịch và an ninh TỔNG HỢP: vị trí "
                  "dọc theo các tuyến đường có thật nhưng được sinh ngẫu nhiên; đường dẫn ảnh và "
                  "luồng video không tồn tại. Vị trí không có giá trị pháp lý.",
            "en": "SYNTHETIC list of traffic, flood, tourism and security cameras: positions "
                  "follow real road names but are randomly generated; snapshot and stream URLs "
                  "do not exist. Geometry is not authoritative.",
        },
        **common_metadata(),
        "keywords": {"vi": ["camera", "giao thông", "ngập lụt", "du lịch", "dữ liệu mẫu"],
                     "en": ["cameras", "traffic", "flooding", "tourism", "sample"]},
        "themes": ["TRAN", "GOVE"],
        "update_frequency": "irregular",
        "spatial": {"bbox": bbox(features)},
        "temporal": {"start": seen[0], "end": seen[-1]},
        "synthetic": True,
        "sources": [{**adminunits.SOURCE,
                     "used_for": "commune codes (via the admin-units sample)"}],
        "generator": {"module": "opengov.synth.cameras", "seed": seed, "count": len(features),
                      "command": "python -m opengov.synth.geo_sample datasets/"},
    }


def write_dataset(out_dir: Path, region: Region = QUANG_NAM, seed: int = SEED,
                  count: int = COUNT) -> int:
    features = list(generate_cameras(count, seed, region))
    write_feature_collection(out_dir / "cameras.geojson", "cameras", features)
    write_metadata(out_dir / "metadata.yaml", metadata(region, features, seed))
    return len(features)
