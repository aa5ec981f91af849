"""CQL2-text (OGC 21-065) → the :mod:`opengov.query` filter tree.

pygeofilter parses the text into its AST; this module walks that AST and builds our nodes, so the
same backend compiler turns it into SQL with bound parameters. Nothing is evaluated and no text
reaches SQL: property names are checked against the collection's queryables, values are bound.
Supported: comparisons, ``AND``/``OR``/``NOT``, ``LIKE``, ``IN``, ``BETWEEN``, ``IS NULL`` and
``S_INTERSECTS`` with a ``BBOX(…)`` or a WKT geometry.

A filter is bounded before it is translated: at most :data:`MAX_LENGTH` characters,
:data:`MAX_DEPTH` nested ``AND``/``OR``/``NOT`` levels (a chain of one operator is one level)
and :data:`MAX_TERMS` predicates; literals within :mod:`opengov.bounds`. So no filter reaches
Python's recursion limit or the SQL parser's stack.
"""

from __future__ import annotations

import logging
import math
import os
from datetime import date, datetime
from functools import cache

import lark
import shapely
from lark.exceptions import LarkError
from pygeofilter import ast, values
from pygeofilter.parsers.cql2_text import parser as pygeofilter_cql2
from shapely.geometry import box, shape

from opengov import bounds
from opengov import query as q
from opengov.collections import Collection
from opengov.geo.crs import Crs, from_crs
from opengov.ogcapi.queryables import GEOMETRY, queryable_names

MAX_LENGTH = 4000
MAX_DEPTH = 10
MAX_TERMS = 100

# pygeofilter sets lark's logger to DEBUG when imported; lark's messages are not ours to show.
lark.logger.setLevel(logging.WARNING)

_COMPARISONS = {
    ast.Equal: "=", ast.NotEqual: "<>", ast.LessThan: "<", ast.LessEqual: "<=",
    ast.GreaterThan: ">", ast.GreaterEqual: ">=",
}


class Cql2Error(ValueError):
    """The filter is not valid CQL2-text or uses something this service does not support."""


@lark.v_args(meta=False, inline=True)
class _QuietTransformer(pygeofilter_cql2.CQLTransformer):
    """pygeofilter's transformer without the prints it leaves in two WKT rules."""

    def wkt__geometry_with_srid(self, srid, geometry):
        geometry["crs"] = {"type": "name",
                           "properties": {"name": f"urn:ogc:def:crs:EPSG::{srid}"}}
        return geometry

    def wkt__multipoint_2(self, *coordinates):
        return {"type": "MultiPoint", "coordinates": coordinates}


@cache
def _parser() -> lark.Lark:
    """pygeofilter's CQL2-text grammar, built without ``debug``: pygeofilter's own parser prints
    an 11 KB state dump to stdout on every failure inside a rule. Built on first use (0.8 s)."""
    here = os.path.dirname(pygeofilter_cql2.__file__)
    return lark.Lark.open("grammar.lark", rel_to=pygeofilter_cql2.__file__, parser="lalr",
                          debug=False, maybe_placeholders=False,
                          transformer=_QuietTransformer(),
                          import_paths=[os.path.dirname(here)])


def parse_filter(text: str, collection: Collection, crs: Crs) -> q.Filter:
    """Translate CQL2-text into a filter tree; geometries are given in ``crs``."""
    if len(text) > MAX_LENGTH:
        raise Cql2Error(f"filter is longer than {MAX_LENGTH} characters")
    try:
        tree = _parser().parse(text)
    except (LarkError, ValueError, TypeError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else "syntax error"
        raise Cql2Error(f"filter is not valid CQL2-text: {first_line}") from exc
    check_size(tree)
    return _Translator(collection, crs).node(tree)


def check_size(tree) -> None:
    """Refuse a filter nested more than MAX_DEPTH levels or with more than MAX_TERMS predicates.

    Walks the tree without recursion (the tree of a long ``OR`` chain is as deep as the chain).
    """
    terms = 0
    stack: list[tuple[object, int, type | None]] = [(tree, 0, None)]
    while stack:
        node, depth, parent = stack.pop()
        if isinstance(node, ast.And | ast.Or | ast.Not):
            kind = type(node)
            level = depth if kind is parent and kind is not ast.Not else depth + 1
            if level > MAX_DEPTH:
                raise Cql2Error(f"filter is nested more than {MAX_DEPTH} levels deep "
                                "(AND/OR/NOT)")
            children = (node.sub_node,) if kind is ast.Not else (node.lhs, node.rhs)
            stack.extend((child, level, kind) for child in children)
        else:
            terms += 1
            if terms > MAX_TERMS:
                raise Cql2Error(f"filter has more than {MAX_TERMS} predicates; use IN (…) for "
                                "lists of values")


# Literal types each property type accepts (bool is not a number here; strings are parsed as
# ISO dates/times by the filter compiler). Anything else is refused before it reaches SQL,
# where PostgreSQL would reject e.g. ``varchar = integer``.
_ACCEPTS: dict[str, tuple[type, ...]] = {
    "string": (str,), "text": (str,), "integer": (int,), "number": (int, float),
    "boolean": (bool,), "date": (date, str), "datetime": (datetime, str),
}


def _property_types(collection: Collection) -> dict[str, str]:
    types = {"id": "string"}
    for f in collection.fields:
        if f.type == "i18n":
            types.update({name: "string" for name in (f.name, *f.columns)})
        elif f.scalar:
            types[f.name] = f.type
    return types


class _Translator:
    def __init__(self, collection: Collection, crs: Crs):
        self.collection = collection
        self.crs = crs
        self.names = queryable_names(collection)
        self.types = _property_types(collection)

    def typed(self, name: str, value: object) -> object:
        """``value`` when it is a literal of the property's type, else a Cql2Error."""
        value = self.value(value)
        kind = self.types[name]
        ok = _ACCEPTS[kind]
        wrong = isinstance(value, bool) and bool not in ok
        if kind == "date" and isinstance(value, datetime):
            wrong = True
        if wrong or not isinstance(value, ok):
            raise Cql2Error(f"{name} is a {kind}; {value!r} is not")
        problem = bounds.value_problem(value)
        if problem:
            raise Cql2Error(f"{name}: {problem}")
        return value

    def prop(self, node) -> str:
        if not isinstance(node, ast.Attribute):
            raise Cql2Error("the left side of a predicate must be a property name")
        if node.name not in self.names:
            raise Cql2Error(f"unknown queryable {node.name!r}; see the queryables document")
        if node.name == GEOMETRY:
            raise Cql2Error("the geometry can only be used in S_INTERSECTS")
        return node.name

    @staticmethod
    def value(node) -> object:
        if isinstance(node, bool | int | float | str | date | datetime) or node is None:
            return node
        raise Cql2Error(f"unsupported value {node!r}: give a literal")

    def node(self, node) -> q.Filter:  # noqa: C901 - one branch per CQL2 construct
        if isinstance(node, ast.And | ast.Or):
            return self.chain(node)
        if isinstance(node, ast.Not):
            return q.Not(self.node(node.sub_node))
        if type(node) in _COMPARISONS:
            return self.compare(node)
        if isinstance(node, ast.Between):
            name = self.prop(node.lhs)
            out: q.Filter = q.Between(name, self.typed(name, node.low),
                                      self.typed(name, node.high))
            return q.Not(out) if node.not_ else out
        if isinstance(node, ast.Like):
            name = self.prop(node.lhs)
            if _ACCEPTS[self.types[name]] != (str,) or not isinstance(node.pattern, str):
                raise Cql2Error(f"LIKE needs a text property and a text pattern ({name})")
            out = q.Like(name, node.pattern, bool(node.nocase))
            return q.Not(out) if node.not_ else out
        if isinstance(node, ast.In):
            name = self.prop(node.lhs)
            out = q.In(name, tuple(self.typed(name, v) for v in node.sub_nodes))
            return q.Not(out) if node.not_ else out
        if isinstance(node, ast.IsNull):
            out = q.IsNull(self.prop(node.lhs))
            return q.Not(out) if node.not_ else out
        if isinstance(node, ast.GeometryIntersects):
            return self.intersects(node)
        raise Cql2Error(f"{type(node).__name__} is not supported; supported: comparisons, "
                        "AND/OR/NOT, LIKE, IN, BETWEEN, IS NULL, S_INTERSECTS")

    def chain(self, node) -> q.Filter:
        """``a OR b OR c`` (a left-deep tree in pygeofilter) as one flat node."""
        kind = type(node)
        parts, stack = [], [node]
        while stack:
            item = stack.pop()
            if type(item) is kind:
                stack.extend((item.rhs, item.lhs))
            else:
                parts.append(self.node(item))
        return (q.And if kind is ast.And else q.Or)(tuple(parts))

    def compare(self, node) -> q.Filter:
        name, op = self.prop(node.lhs), _COMPARISONS[type(node)]
        if node.rhs is None:
            if op not in ("=", "<>"):
                raise Cql2Error("NULL can only be compared with = or <> (or use IS NULL)")
            return q.IsNull(name) if op == "=" else q.Not(q.IsNull(name))
        if self.types[name] == "boolean" and op not in ("=", "<>"):
            raise Cql2Error(f"{name} is a boolean: compare it with = or <>")
        return q.Compare(name, op, self.typed(name, node.rhs))

    def intersects(self, node) -> q.Filter:
        lhs, rhs = node.lhs, node.rhs
        if isinstance(rhs, ast.Attribute):
            lhs, rhs = rhs, lhs
        if not (isinstance(lhs, ast.Attribute) and lhs.name == GEOMETRY):
            raise Cql2Error(f"S_INTERSECTS needs the {GEOMETRY!r} property and a geometry")
        if isinstance(rhs, ast.Function) and rhs.name.lower() == "bbox":
            try:
                args = [float(a) for a in rhs.arguments]
            except (TypeError, ValueError) as exc:
                raise Cql2Error("BBOX takes numbers") from exc
            if not all(map(math.isfinite, args)):
                raise Cql2Error("BBOX takes finite numbers")
            if len(args) == 6:
                args = [args[0], args[1], args[3], args[4]]
            if len(args) != 4 or args[0] > args[2] or args[1] > args[3]:
                raise Cql2Error("BBOX needs minx, miny, maxx, maxy with min <= max")
            geom = box(*args)
        elif isinstance(rhs, values.Geometry):
            try:
                geom = shape(rhs.geometry)
            except (ValueError, TypeError, AttributeError) as exc:
                raise Cql2Error(f"invalid geometry: {exc}") from exc
        elif isinstance(rhs, values.Envelope):
            geom = box(rhs.x1, rhs.y1, rhs.x2, rhs.y2)
        else:
            raise Cql2Error("S_INTERSECTS needs a BBOX(…) or a WKT geometry")
        if geom.is_empty or not geom.is_valid:
            raise Cql2Error("the S_INTERSECTS geometry is empty or invalid")
        return q.Intersects(shapely.to_wkb(from_crs(geom, self.crs)))
