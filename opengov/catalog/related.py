"""Nested records as related CSV tables: one zipped Frictionless data package.

Every ``array`` field of a collection becomes a child table, one row per list item, keyed by
the record's id (``record_id``) and the item's place in the list (``position``, from 1); a list
inside an item becomes a grandchild table keyed by the ancestors' positions too (for procedures:
``procedures-cases.csv`` and ``procedures-cases-documents.csv``). The parent table is the
dataset's CSV without its array fields. Each Table Schema declares its primary key and the
foreign key to its parent, so ``frictionless validate`` checks the relations.

Item keys and their types are read from the data in a first pass (records in id order, keys
in the order first seen), so the same rows always give the same columns and bytes; the rows are
written in a second pass. Nothing here names a collection.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from opengov.catalog import datapackage
from opengov.catalog.checksums import sha256_file
from opengov.catalog.zipfiles import write_zip
from opengov.collections import Collection
from opengov.encoders import csv as csv_encoder

KEY = "record_id"
MEDIA_TYPE = "application/zip"


def nested_fields(collection: Collection) -> list[str]:
    """The fields that become child tables."""
    return [f.name for f in collection.fields if f.type == "array"]


def offered(collection: Collection) -> bool:
    return bool(nested_fields(collection))


def _kind(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, dict):
        return "object"
    return "string"


@dataclass
class Table:
    """One child table: where its items sit in a record, and their columns' kinds."""

    path: tuple[str, ...]
    kinds: dict[str, set[str]] = field(default_factory=dict)

    def name(self, collection: Collection) -> str:
        return "-".join((collection.id, *self.path))

    @property
    def keys(self) -> list[str]:
        return [KEY, *(f"{p}_position" for p in self.path[:-1]), "position"]

    def column(self, key: str) -> str:
        """The column of an item key (renamed if it would clash with a key column)."""
        return f"item_{key}" if key in self.keys else key

    def schema_type(self, key: str) -> str:
        kinds = self.kinds[key] - {None}
        if kinds == {"integer", "number"}:
            return "number"
        return kinds.pop() if len(kinds) == 1 else "string"


def _items(values: list) -> Iterator[tuple[int, dict]]:
    for position, item in enumerate(values, start=1):
        yield position, item if isinstance(item, dict) else {"value": item}


def _scan(tables: dict[tuple, Table], path: tuple[str, ...], values: list) -> None:
    table = tables.setdefault(path, Table(path))
    for _, item in _items(values):
        for key, value in item.items():
            if isinstance(value, list):
                _scan(tables, (*path, key), value)
            else:
                table.kinds.setdefault(key, set()).add(_kind(value))


def _emit(writers: dict[tuple, csv.writer], tables: dict[tuple, Table], path: tuple[str, ...],
          values: list, parents: list) -> None:
    table, writer = tables[path], writers[path]
    for position, item in _items(values):
        writer.writerow([*parents, position,
                         *(csv_encoder._cell(item.get(k)) for k in table.kinds)])
        for key, value in item.items():
            if isinstance(value, list):
                _emit(writers, tables, (*path, key), value, [*parents, position])


def _child_schema(collection: Collection, table: Table, tables: dict[tuple, Table]) -> dict:
    keys = table.keys
    fields = [{"name": KEY, "type": "string", "description": "id of the record",
               "constraints": {"required": True}}]
    fields += [{"name": k, "type": "integer", "description": f"position in {k[:-9]} (from 1)",
                "constraints": {"required": True}} for k in keys[1:-1]]
    fields.append({"name": "position", "type": "integer", "constraints": {"required": True},
                   "description": f"position of the item in {table.path[-1]} (from 1)"})
    fields += [{"name": table.column(k), "type": table.schema_type(k)} for k in table.kinds]
    if len(table.path) == 1:
        parent, reference = collection.id, ["id"]
    else:
        parent_table = tables[table.path[:-1]]
        parent, reference = parent_table.name(collection), parent_table.keys
    return {"$schema": datapackage.SCHEMA_PROFILE, "fields": fields, "primaryKey": keys,
            "foreignKeys": [{"fields": keys[:-1],
                             "reference": {"resource": parent, "fields": reference}}]}


def _resource(name: str, path: Path, schema: dict, description: str | None = None) -> dict:
    return datapackage.csv_resource(name, path.name, path.stat().st_size, sha256_file(path),
                                    schema, description)


Batches = Callable[[list[str] | None], Iterable[list]]


def write(collection: Collection, batches: Batches, path: Path, stamp: datetime,
          properties: dict | None = None) -> None:
    """The zipped package: ``datapackage.json``, the parent CSV and one CSV per child table."""
    nested = nested_fields(collection)
    parent = replace(collection, fields=tuple(f for f in collection.fields
                                              if f.name not in nested))
    tables: dict[tuple, Table] = {(name,): Table((name,)) for name in nested}
    for batch in batches(nested):
        for record in batch:
            for name, values in zip(nested, record, strict=True):
                _scan(tables, (name,), values or [])
    columns = nested + csv_encoder.source_columns(parent)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        folder = Path(tmp)
        files = {p: folder / f"{t.name(collection)}.csv" for p, t in tables.items()}
        handles = {p: f.open("w", encoding="utf-8", newline="") for p, f in files.items()}
        parent_file = folder / f"{collection.id}.csv"
        try:
            writers = {p: csv.writer(h, lineterminator="\r\n") for p, h in handles.items()}
            for p, t in tables.items():
                writers[p].writerow([*t.keys, *(t.column(k) for k in t.kinds)])
            with parent_file.open("w", encoding="utf-8", newline="") as out:
                out.writelines(csv_encoder.rows(parent, _split(
                    batches(columns), nested, writers, tables)))
        finally:
            for h in handles.values():
                h.close()
        descriptions = {f.name: f.en for f in collection.fields}
        resources = [_resource(collection.id, parent_file, datapackage.table_schema(parent))]
        resources += [_resource(t.name(collection), files[p],
                                _child_schema(collection, t, tables), descriptions.get(p[-1]))
                      for p, t in tables.items()]
        descriptor = {"$schema": datapackage.PROFILE, "name": collection.id,
                      **(properties or {}), "resources": resources}
        text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
        write_zip(path, [("datapackage.json", text.encode()), (parent_file.name, parent_file),
                         *((files[p].name, files[p]) for p in tables)], stamp)


def _split(batches: Iterable[list], nested: list[str], writers, tables) -> Iterator[tuple]:
    """Write each record's lists to the child tables; yield its parent columns."""
    width = len(nested)
    for batch in batches:
        for record in batch:
            for name, values in zip(nested, record[:width], strict=True):
                _emit(writers, tables, (name,), values or [], [record[width]])
            yield record[width:]
