"""Mapbox Vector Tile 2.1 encoding, vectorised with numpy.

The message is the ``vector_tile.proto`` schema (shipped by the ``mapbox-vector-tile``
package). That package's encoder walks every coordinate and builds every feature in Python,
which costs more than the rest of a tile together, so this module computes geometry commands,
attribute tags *and the protobuf wire format* (varints, length-delimited fields; see
https://protobuf.dev/programming-guides/encoding/) for all features at once with numpy. The
tests decode our tiles with ``mapbox_vector_tile.decode`` and compare them with its encoder's
output for the same geometries.

Geometry commands follow the specification (https://github.com/mapbox/vector-tile-spec, 2.1,
§4.3): ``MoveTo``/``LineTo``/``ClosePath`` with a command integer ``(count << 3) | id``, and
zigzag-encoded coordinate deltas from a cursor that starts at (0, 0) for every feature.
Coordinates are rounded to the integer grid point by point (shared vertices of neighbours land
on the same grid point). Polygon exterior rings have a positive area in tile units (y down),
interior rings a negative one; rings that rounding collapsed or turned over are left out (with
the holes of a dropped exterior).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from datetime import date, datetime

import numpy as np
import shapely

from opengov.tiles.grid import EXTENT

MOVE_TO, LINE_TO, CLOSE_PATH = 1, 2, 7
POINT, LINESTRING, POLYGON = 1, 2, 3
_TYPE_OF = {shapely.GeometryType.POINT: POINT, shapely.GeometryType.MULTIPOINT: POINT,
            shapely.GeometryType.LINESTRING: LINESTRING,
            shapely.GeometryType.MULTILINESTRING: LINESTRING,
            shapely.GeometryType.POLYGON: POLYGON, shapely.GeometryType.MULTIPOLYGON: POLYGON}


def _zigzag(values: np.ndarray) -> np.ndarray:
    return (values << 1) ^ (values >> 63)


def _grid(coords: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates rounded to the tile grid, without vertices that repeat their predecessor
    in the same ring or line (``owner``): MVT forbids zero-length ``LineTo`` steps."""
    coords = np.rint(coords).astype(np.int64)
    repeat = np.zeros(len(coords), dtype=bool)
    repeat[1:] = (owner[1:] == owner[:-1]) & np.all(coords[1:] == coords[:-1], axis=1)
    return coords[~repeat], owner[~repeat]


def _starts(groups: np.ndarray) -> np.ndarray:
    """Mask of the first element of each run of equal group numbers."""
    first = np.ones(len(groups), dtype=bool)
    first[1:] = groups[1:] != groups[:-1]
    return first


class _Commands:
    """Command integers of many features: one flat array, each feature a slice of it."""

    def __init__(self, n_features: int):
        self.parts: list[np.ndarray] = []
        self.lengths = np.zeros(n_features, dtype=np.int64)
        self.order: list[np.ndarray] = []  # feature number of each part's block

    def add(self, features: np.ndarray, commands: np.ndarray, lengths: np.ndarray) -> None:
        """Commands of ``features`` (ascending, each in one block only), back to back."""
        self.parts.append(commands)
        self.order.append(features)
        self.lengths[features] += lengths


def _paths(coords: np.ndarray, path: np.ndarray, feature_of_path: np.ndarray, n_paths: int,
           closed: bool, commands: _Commands) -> None:
    """Encode rings (``closed``, closing vertex already dropped) or line parts."""
    if len(coords) == 0:
        return
    counts = np.bincount(path, minlength=n_paths)
    used = np.flatnonzero(counts)
    counts = counts[used]
    feature = feature_of_path[used]
    # Deltas from the cursor: the previous vertex, or (0, 0) at each feature's first vertex.
    vertex_feature = feature_of_path[path]
    deltas = np.diff(coords, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    first_of_feature = _starts(vertex_feature)
    deltas[first_of_feature] = coords[first_of_feature]
    zz = _zigzag(deltas)
    lengths = 2 * counts + (3 if closed else 2)
    start = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    out = np.empty(int(lengths.sum()), dtype=np.int64)
    out[start] = (1 << 3) | MOVE_TO
    out[start + 3] = ((counts - 1) << 3) | LINE_TO
    if closed:
        out[start + lengths - 1] = (1 << 3) | CLOSE_PATH
    path_rank = np.searchsorted(used, path)  # path number → position among used paths
    first_vertex = np.concatenate(([0], np.cumsum(counts)[:-1]))
    j = np.arange(len(coords)) - first_vertex[path_rank]
    pos = start[path_rank] + 1 + 2 * j + (j > 0)
    out[pos] = zz[:, 0]
    out[pos + 1] = zz[:, 1]
    per_feature = np.bincount(feature, weights=lengths).astype(np.int64)
    features = np.flatnonzero(per_feature)
    commands.add(features, out, per_feature[features])


def _polygons(geoms: np.ndarray, feature: np.ndarray, commands: _Commands) -> None:
    polygons, part_of = shapely.get_parts(geoms, return_index=True)
    rings, polygon_of_ring = shapely.get_rings(polygons, return_index=True)
    coords, ring = _grid(*shapely.get_coordinates(rings, return_index=True))
    n_rings = len(rings)
    # Signed area per ring (shoelace over the closed ring), and vertex counts without closure.
    same = ring[:-1] == ring[1:]
    terms = coords[:-1, 0] * coords[1:, 1] - coords[1:, 0] * coords[:-1, 1]
    area = np.bincount(ring[:-1][same], weights=terms[same], minlength=n_rings)
    last = np.ones(len(ring), dtype=bool)
    last[:-1] = ~same
    coords, ring = coords[~last], ring[~last]
    counts = np.bincount(ring, minlength=n_rings)
    exterior = _starts(polygon_of_ring)
    keep = (counts >= 3) & np.where(exterior, area > 0, area < 0)
    shell_kept = np.zeros(len(polygons), dtype=bool)
    shell_kept[polygon_of_ring[exterior]] = keep[exterior]
    keep &= shell_kept[polygon_of_ring]  # holes go with their exterior ring
    vertex_kept = keep[ring]
    feature_of_ring = feature[part_of[polygon_of_ring]]
    _paths(coords[vertex_kept], ring[vertex_kept], feature_of_ring, n_rings, True, commands)


def _lines(geoms: np.ndarray, feature: np.ndarray, commands: _Commands) -> None:
    lines, part_of = shapely.get_parts(geoms, return_index=True)
    coords, line = _grid(*shapely.get_coordinates(lines, return_index=True))
    counts = np.bincount(line, minlength=len(lines))
    kept = (counts >= 2)[line]
    _paths(coords[kept], line[kept], feature[part_of], len(lines), False, commands)


def _points(geoms: np.ndarray, feature: np.ndarray, commands: _Commands) -> None:
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    coords = np.rint(coords).astype(np.int64)
    counts = np.bincount(owner, minlength=len(geoms))
    used = np.flatnonzero(counts)
    counts = counts[used]
    deltas = np.diff(coords, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    first = _starts(owner)
    deltas[first] = coords[first]
    lengths = 1 + 2 * counts
    start = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    out = np.empty(int(lengths.sum()), dtype=np.int64)
    out[start] = (counts << 3) | MOVE_TO
    rank = np.searchsorted(used, owner)
    j = np.arange(len(coords)) - np.concatenate(([0], np.cumsum(counts)[:-1]))[rank]
    pos = start[rank] + 1 + 2 * j
    zz = _zigzag(deltas)
    out[pos], out[pos + 1] = zz[:, 0], zz[:, 1]
    commands.add(feature[used], out, lengths)


def geometry_commands(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(commands, offsets, types)``: feature ``i``'s commands are
    ``commands[offsets[i]:offsets[i + 1]]`` (empty when nothing survived)."""
    types = np.array([_TYPE_OF.get(k, 0) for k in shapely.get_type_id(geoms).tolist()],
                     dtype=np.int64)
    commands = _Commands(len(geoms))
    for mvt_type, encode in ((POLYGON, _polygons), (LINESTRING, _lines), (POINT, _points)):
        mask = types == mvt_type
        if mask.any():
            encode(geoms[mask], np.flatnonzero(mask), commands)
    offsets = np.concatenate(([0], np.cumsum(commands.lengths)))
    flat = np.empty(int(offsets[-1]), dtype=np.int64)
    for features, block in zip(commands.order, commands.parts, strict=True):
        # A feature has one geometry type, so its commands are one run inside one block.
        sizes = commands.lengths[features]
        flat[np.repeat(offsets[features], sizes) + _ranks(sizes)] = block
    return flat, offsets, types


def _ranks(sizes: np.ndarray) -> np.ndarray:
    """``0..n-1`` restarted for every size: the position inside each block."""
    total = int(sizes.sum())
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    return np.arange(total) - np.repeat(starts, sizes)



# -- protobuf wire format ---------------------------------------------------------------------
_VARINT_LIMITS = np.array([1 << (7 * k) for k in range(1, 10)], dtype=np.uint64)


def _varint_sizes(values: np.ndarray) -> np.ndarray:
    return np.searchsorted(_VARINT_LIMITS, values.astype(np.uint64), side="right") + 1


def _varints(values: np.ndarray) -> bytes:
    """Base-128 varints of non-negative integers, back to back."""
    values = values.astype(np.uint64)
    sizes = _varint_sizes(values)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    out = np.zeros(int(sizes.sum()), dtype=np.uint8)
    for k in range(int(sizes.max(initial=0))):
        m = sizes > k
        low = (values[m] >> np.uint64(7 * k)) & np.uint64(0x7F)
        more = (sizes[m] > k + 1).astype(np.uint64) << np.uint64(7)
        out[starts[m] + k] = (low | more).astype(np.uint8)
    return out.tobytes()


def _varint(value: int) -> bytes:
    """One varint (scalar path: value tables are built one entry at a time)."""
    if value < 0x80:
        return _SMALL[value]
    if value < 0x4000:
        return bytes(((value & 0x7F) | 0x80, value >> 7))
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


_SMALL = [bytes((i,)) for i in range(0x80)]


def _field(key: int, payload: bytes) -> bytes:
    """A length-delimited field (wire type 2) with field number ``key``."""
    return bytes([(key << 3) | 2]) + _varint(len(payload)) + payload


def _string_value(value: str) -> bytes:
    raw = value.encode()
    if len(raw) < 126:
        return _STRING_HEADS[len(raw)] + raw
    return _field(4, _field(1, raw))


def _int_value(value: int) -> bytes:
    if value >= 0:
        return _field(4, bytes([5 << 3]) + _varint(value))
    return _field(4, bytes([6 << 3]) + _varint(((value << 1) ^ (value >> 63)) & (2**64 - 1)))


def _datetime_value(value: datetime) -> bytes:
    return _string_value(value.isoformat().replace("+00:00", "Z"))


# The layer's ``values`` field (4) holds a Value: string (1), double (3), uint64 (5),
# sint64 (6) or bool (7). Dates and times travel as ISO 8601 text.
_STRING_HEADS = [bytes([(4 << 3) | 2, n + 2, (1 << 3) | 2, n]) for n in range(126)]
_VALUE_ENCODERS = {
    str: _string_value,
    bool: lambda v: bytes([(4 << 3) | 2, 2, 7 << 3, int(v)]),
    int: _int_value,
    float: lambda v: bytes([(4 << 3) | 2, 9, (3 << 3) | 1]) + struct.pack("<d", v),
    datetime: _datetime_value,
    date: lambda v: _string_value(v.isoformat()),
}


def _value_message(value: object) -> bytes:
    encode = _VALUE_ENCODERS.get(type(value))
    return encode(value) if encode else _string_value(str(value))


def _tags(columns: Sequence[str], values: Sequence[Sequence], rows: list[int]):
    """``(keys, values, tags, counts)``: the layer's ``keys`` and ``values`` fields and, per
    feature, the key/value index pairs of its non-null properties (flattened, ``counts[i]``
    integers for feature ``i``)."""
    keys: list[str] = []
    table: dict[tuple, int] = {}  # (type, value) → index in the layer's value table
    messages: list[bytes] = []
    pairs = np.full((len(rows), 2 * len(columns)), -1, dtype=np.int64)
    for name, column in zip(columns, values, strict=True):
        local: dict = {}  # value → its code in this column, None included
        codes = np.array([local.setdefault(column[r], len(local)) for r in rows], dtype=np.int64)
        to_global = np.full(len(local), -1, dtype=np.int64)
        for code, value in enumerate(local):
            if value is None:
                continue
            key = (type(value), value)
            found = table.get(key)
            if found is None:
                found = table[key] = len(messages)
                messages.append(_value_message(value))
            to_global[code] = found
        if len(local):
            codes = to_global[codes]
        if (codes >= 0).any():
            k = len(keys)
            keys.append(name)
            pairs[:, 2 * k] = np.where(codes >= 0, k, -1)
            pairs[:, 2 * k + 1] = codes
    pairs = pairs[:, : 2 * len(keys)]
    present = pairs >= 0
    return keys, messages, pairs[present], present.sum(axis=1)


def _ragged_positions(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Positions ``starts[i] + 0 .. counts[i] - 1`` for every ``i``, concatenated."""
    return np.repeat(starts, counts) + _ranks(counts)


def _features(ids, types, tags, tag_counts, geometry, geometry_counts) -> bytes:
    """Every ``Tile.Feature`` as a ``features`` field of the layer, encoded at once.

    Each feature is the token sequence ``[2:LEN, flen, 1:VARINT, id, 2:LEN, tlen, tags…,
    3:VARINT, type, 4:LEN, glen, geometry…]``; every token is a varint, so the whole run is
    assembled as integers and encoded in one pass.
    """
    tag_sizes = np.concatenate(([0], np.cumsum(_varint_sizes(tags))))
    geo_sizes = np.concatenate(([0], np.cumsum(_varint_sizes(geometry))))
    tag_ends, geo_ends = np.cumsum(tag_counts), np.cumsum(geometry_counts)
    tlen = tag_sizes[tag_ends] - tag_sizes[tag_ends - tag_counts]
    glen = geo_sizes[geo_ends] - geo_sizes[geo_ends - geometry_counts]
    flen = (4 + _varint_sizes(ids) + _varint_sizes(tlen) + tlen + 1 + _varint_sizes(glen)
            + glen)
    counts = 10 + tag_counts + geometry_counts
    start = np.concatenate(([0], np.cumsum(counts)[:-1]))
    tokens = np.empty(int(counts.sum()), dtype=np.uint64)
    after_tags = start + 6 + tag_counts
    for offset, value in ((start, 0x12), (start + 1, flen), (start + 2, 0x08), (start + 3, ids),
                          (start + 4, 0x12), (start + 5, tlen), (after_tags, 0x18),
                          (after_tags + 1, types), (after_tags + 2, 0x22),
                          (after_tags + 3, glen)):
        tokens[offset] = value
    tokens[_ragged_positions(start + 6, tag_counts)] = tags
    tokens[_ragged_positions(after_tags + 4, geometry_counts)] = geometry
    return _varints(tokens)


def encode_layer(name: str, geoms: np.ndarray, ids: Sequence[int], rows: np.ndarray,
                 columns: Sequence[str], values: Sequence[Sequence]) -> bytes:
    """A one-layer tile of ``geoms`` (tile units, y down) with feature ids and the properties
    ``values[column][row]`` of each geometry's input row; b"" when no feature is left."""
    commands, offsets, types = geometry_commands(geoms)
    kept = np.flatnonzero(offsets[1:] > offsets[:-1])
    if len(kept) == 0:
        return b""
    source_rows = rows[kept].tolist()
    keys, value_messages, tags, tag_counts = _tags(columns, values, source_rows)
    geometry_counts = (offsets[kept + 1] - offsets[kept])
    geometry = commands[_ragged_positions(offsets[kept], geometry_counts)]
    ids_arr = np.array([ids[r] for r in source_rows], dtype=np.uint64)
    layer = b"".join((
        _field(1, name.encode()),
        _features(ids_arr, types[kept], tags, tag_counts, geometry, geometry_counts),
        *(_field(3, k.encode()) for k in keys),
        *value_messages,
        bytes([5 << 3]) + _varint(EXTENT),
        bytes([15 << 3, 2]),
    ))
    return _field(3, layer)
