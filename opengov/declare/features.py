"""A batch's Feature texts built column by column: each column serialised once, the texts
joined row by row through one ``%`` template.

The text of a record is exactly what :func:`opengov.jsontext.dumps` makes of its Feature
dict (keys in order, compact, non-ASCII kept), so stored rows compare (``_hash``) equal to
those of :func:`opengov.store.records.row_values` and of earlier loads. A column of plain
strings or numbers costs one ``orjson`` call for the whole batch, cut at its separators (a
``"`` inside a JSON string is always escaped, so ``","`` only separates strings); any other
column is serialised value by value.
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from opengov.jsontext import dumps

_NUMERIC = {int, float, bool, type(None)}


def json_texts(values: Sequence) -> tuple[list[str], bool]:
    """The JSON text of every value, and whether the texts are strings' *contents* (to be
    put between quotes) rather than whole JSON values."""
    if not values:
        return [], False
    kinds = set(map(type, values))
    if kinds == {str}:
        parts = orjson.dumps(values).decode()[2:-2].split('","')
        if len(parts) == len(values):
            return parts, True
    elif kinds <= _NUMERIC:
        parts = orjson.dumps(values).decode()[1:-1].split(",")
        if len(parts) == len(values):
            return parts, False
    elif kinds == {str, type(None)}:
        blanks = [i for i, v in enumerate(values) if v is None]
        filled = [v if v is not None else "" for v in values]
        parts = orjson.dumps(filled).decode()[2:-2].split('","')
        if len(parts) == len(values):
            parts = ['"' + p + '"' for p in parts]
            for i in blanks:
                parts[i] = "null"
            return parts, False
    return list(map(dumps, values)), False


def point_texts(coords: list) -> list[str]:
    """``x,y`` of each 2-D point (``coords``: ``[[x, y], …]``), as JSON writes them."""
    if not coords:
        return []
    return orjson.dumps(coords).decode()[2:-2].split("],[")


def _key(name: str) -> str:
    return orjson.dumps(name).decode().replace("%", "%%")


class Template:
    """A row's text as literal pieces and ``%s`` slots, filled from columns of texts."""

    def __init__(self):
        self.pieces: list[str] = []
        self.columns: list[list[str]] = []

    def literal(self, text: str) -> None:
        self.pieces.append(text.replace("%", "%%"))

    def slot(self, texts: list[str], quoted: bool = False) -> None:
        self.pieces.append('"%s"' if quoted else "%s")
        self.columns.append(texts)

    def value(self, values: Sequence) -> None:
        """A slot for a column of values, serialised by :func:`json_texts`."""
        self.slot(*json_texts(values))

    def rows(self, count: int) -> list[str]:
        template = "".join(self.pieces)
        if not self.columns:
            return [template.replace("%%", "%")] * count
        return [template % texts for texts in zip(*self.columns, strict=True)]


def add_properties(template: Template, properties: list[tuple[str, str, list]],
                   first: bool) -> None:
    """Append ``"name":value`` for each ``(name, type, values)`` (``i18n`` values:
    ``{"vi", "en"}`` dicts); ``first``: no comma before the first."""
    for i, (name, kind, values) in enumerate(properties):
        template.literal(("" if first and i == 0 else ",") + _key(name) + ":")
        if kind == "i18n":
            template.literal('{"vi":')
            template.value([v["vi"] for v in values])
            template.literal(',"en":')
            template.value([v["en"] for v in values])
            template.literal("}")
        else:
            template.value(values)


def feature_texts(ids: list[str], geometries: tuple[list[str], bool] | None,
                  properties: list[tuple[str, str, list]]) -> list[str]:
    """The stored Feature text of every record: ``geometries`` is ``(texts, points)``, the
    geometry objects' JSON texts or (``points``) each point's ``x,y``; None for a table,
    whose record is ``{"id": …, <properties>}``."""
    template = Template()
    if geometries is None:
        template.literal('{"id":')
        template.value(ids)
        add_properties(template, properties, first=False)
        template.literal("}")
        return template.rows(len(ids))
    texts, points = geometries
    template.literal('{"type":"Feature","id":')
    template.value(ids)
    if points:
        template.literal(',"geometry":{"type":"Point","coordinates":[')
        template.slot(texts)
        template.literal(']},"properties":{')
    else:
        template.literal(',"geometry":')
        template.slot(texts)
        template.literal(',"properties":{')
    add_properties(template, properties, first=True)
    template.literal("}}")
    return template.rows(len(ids))
