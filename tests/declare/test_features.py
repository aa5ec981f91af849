"""A batch's Feature texts joined from serialised columns are, byte for byte, those of
:func:`opengov.store.records.row_values` (a record at a time), awkward values included:
quotes, backslashes, ``","`` and ``%`` inside strings, missing values, i18n, dates, lists,
objects, geometries other than points and a native CRS."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import orjson
import pytest
import shapely

from opengov.collections import Collection, Field
from opengov.declare.features import json_texts
from opengov.declare.geometries import Geometries, round_geometries
from opengov.declare.rows import batch_rows
from opengov.geo.geojson import geometry_json
from opengov.jsontext import dumps
from opengov.store.records import row_values

AWKWARD = ['a","b', 'x"', "\\", '\\",\\"', "100%", "%s", "%%", "Điểm Đà Nẵng", "emoji 😀",
           '","', '"', "nl\nx", "tab\t", "\u2028", "<&>", "'"]
FIELDS = (
    Field("code", "string", "", "", required=True),
    Field("text", "string", "", "", searchable=True),
    Field("label", "i18n", "", "", searchable=True),
    Field("count", "integer", "", ""),
    Field("share", "number", "", ""),
    Field("open", "boolean", "", ""),
    Field("day", "date", "", ""),
    Field("at", "datetime", "", ""),
    Field("tags", "array", "", ""),
    Field("extra", "object", "", ""),
)
ICT = timezone(timedelta(hours=7))


def columns(count: int) -> dict[str, list]:
    def pick(values, i, blank_every=3):
        return None if i % blank_every == 0 else values[i % len(values)]

    return {
        "code": [f"C{i}" for i in range(count)],
        "text": [pick(AWKWARD, i) for i in range(count)],
        "label": [{"vi": AWKWARD[i % len(AWKWARD)], "en": pick(AWKWARD, i + 1, 2)}
                  for i in range(count)],
        "count": [pick([0, -7, 2**40], i) for i in range(count)],
        "share": [pick([0.1, -0.0, 1e-7, 1e22, 3.0], i) for i in range(count)],
        "open": [pick([True, False], i) for i in range(count)],
        "day": [pick([date(2024, 3, 1)], i) for i in range(count)],
        "at": [pick([datetime(2025, 6, 1, 8, 30, tzinfo=ICT),
                     datetime(2025, 6, 1, 1, 30, tzinfo=UTC)], i) for i in range(count)],
        "tags": [pick([[1, 'a,"b', None]], i) for i in range(count)],
        "extra": [pick([{"k": 'v",{"type":', "n": 1}], i) for i in range(count)],
    }


def one_by_one(collection: Collection, cols: dict[str, list], geoms) -> list[str]:
    rows = []
    for i in range(len(cols["code"])):
        record = {name: values[i] for name, values in cols.items()}
        rows.append(row_values(collection, record, None if geoms is None else geoms[i]))
    return rows


POINTS = shapely.points(np.round(np.random.default_rng(1).uniform(105, 109, (40, 2)), 6))
SHAPES = round_geometries(np.array([*shapely.buffer(POINTS[:-2], 0.01, quad_segs=2),
                                    shapely.MultiPoint(POINTS[:3]), POINTS[5]], dtype=object))


@pytest.mark.parametrize("geometry_type, geoms", [(None, None), ("Point", POINTS),
                                                  ("Polygon", SHAPES)])
def test_batch_features_are_those_made_one_record_at_a_time(geometry_type, geoms):
    collection = Collection("c", {}, {}, FIELDS, id_field="code", geometry_type=geometry_type)
    cols = columns(40)
    batch = batch_rows(collection, dict(cols), None if geoms is None else Geometries(geoms, None),
                       "f", 1)
    expected = one_by_one(collection, cols, geoms)
    for name in ("_feature", "_hash", "_search"):
        assert batch[name] == [row[name] for row in expected], name


def test_native_point_features_round_as_geojson_does():
    native = shapely.points(np.random.default_rng(2).uniform(400_000, 600_000, (40, 2)))
    collection = Collection("c", {}, {}, FIELDS, id_field="code", geometry_type="Point",
                            native_crs="EPSG:5899")
    batch = batch_rows(collection, columns(40), Geometries(POINTS, native), "f", 1)
    expected = [dumps({**orjson.loads(text), "geometry": geometry_json(geom)})
                for text, geom in zip(batch["_feature"], native, strict=True)]
    assert batch["_feature_native"] == expected


@pytest.mark.parametrize("values", [AWKWARD, [*AWKWARD, None], [1, None, 2.5, True, -0.0],
                                    [], [""], [{"a": 1}, [2], None]])
def test_json_texts_give_each_value_its_text(values):
    texts, quoted = json_texts(values)
    assert [f'"{t}"' if quoted else t for t in texts] == [dumps(v) for v in values]
