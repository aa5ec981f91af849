"""CQL2 (OGC 21-065) in text or JSON encoding → the :mod:`opengov.query` filter tree.

The ``cql2`` package (a Rust parser of both encodings, with the standard's JSON Schema) reads the
filter; CQL2-text is converted to CQL2-JSON, so both encodings reach one translator and give the
same answers. The translator walks the JSON and builds our nodes, which the backend compiler
(:mod:`opengov.store.filters`) turns into SQL with bound parameters: nothing is evaluated and no
text reaches SQL; property names are checked against the collection's queryables.

Supported: Basic CQL2 (comparisons, ``AND``/``OR``/``NOT`` in any combination, ``TRUE``/``FALSE``,
``IS NULL``, ``DATE(…)``/``TIMESTAMP(…)`` literals), the advanced comparison operators (``LIKE``,
case-sensitive on every backend; ``IN``; ``BETWEEN``) and ``S_INTERSECTS`` with a ``BBOX(…)`` or
any geometry. ``CASEI``/``ACCENTI``, arithmetic and other functions are refused.

A filter is bounded before and after it is parsed: at most :data:`MAX_LENGTH` characters (text;
four times that as JSON), :data:`MAX_NESTING` brackets or prefix operators deep (the Rust parser
recurses per level and a deep enough nest would overflow the thread's stack), then
:data:`MAX_DEPTH` nested ``AND``/``OR``/``NOT`` levels (a chain of one operator is one level)
and :data:`MAX_TERMS` predicates; literals within :mod:`opengov.bounds`.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime
from functools import cache

import cql2
import shapely
from shapely.geometry import box, shape

from opengov import bounds
from opengov import query as q
from opengov.collections import Collection
from opengov.geo.crs import Crs, from_crs
from opengov.ogcapi.queryables import GEOMETRY, queryable_names

LANGUAGES = ("cql2-text", "cql2-json")
MAX_LENGTH = 4000
MAX_NESTING = 40
MAX_DEPTH = 10
MAX_TERMS = 100

_COMPARISONS = ("=", "<>", "<", "<=", ">", ">=")
_MIRRORED = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_LOGICAL = ("and", "or", "not")
# Outside quoted literals: brackets and prefix operators, the constructs the parser nests on.
_TEXT_LITERAL = re.compile(r"'(?:[^']|'')*'?")
_JSON_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"?')
_NOT = re.compile(r"\bnot\b", re.IGNORECASE)


class Cql2Error(ValueError):
    """The filter is not valid CQL2 or uses something this service does not support."""


def parse_filter(text: str, collection: Collection, crs: Crs,
                 lang: str = "cql2-text") -> q.Filter:
    """Translate a CQL2-text or CQL2-JSON filter into a filter tree; geometries are in ``crs``.

    ``TRUE`` becomes an empty :class:`~opengov.query.And`, ``FALSE`` an empty ``Or``.
    """
    return translate(to_json(text, lang), collection, crs)


def to_json(text: str, lang: str = "cql2-text") -> object:
    """The CQL2-JSON form (parsed) of a filter given in ``lang``, after the size checks."""
    if lang not in LANGUAGES:
        raise Cql2Error(f"filter-lang must be one of {', '.join(LANGUAGES)}")
    limit = MAX_LENGTH * (4 if lang == "cql2-json" else 1)
    if len(text) > limit:
        raise Cql2Error(f"filter is longer than {limit} characters")
    _check_nesting(text, lang)
    try:
        # Not ``validate()``: it compiles the standard's JSON Schema on every call (0.4 s);
        # the translator checks each operator and operand itself.
        expr = cql2.parse_json(text) if lang == "cql2-json" else cql2.parse_text(text)
        tree = expr.to_json()
    except (ValueError, TypeError, cql2.ParseError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else "syntax error"
        raise Cql2Error(f"filter is not valid {lang.upper()}: {first_line}") from exc
    check_size(tree)
    return tree


def _check_nesting(text: str, lang: str) -> None:
    """Refuse more than MAX_NESTING brackets or prefix operators (``-``, ``NOT``) before the
    recursive parser sees them."""
    bare = (_JSON_LITERAL if lang == "cql2-json" else _TEXT_LITERAL).sub("''", text)
    depth = deepest = 0
    if sum(map(bare.count, "([{")) > MAX_NESTING:  # else it cannot be deeper than that
        for ch in bare:
            if ch in "([{":
                depth += 1
                deepest = max(deepest, depth)
            elif ch in ")]}":
                depth -= 1
    prefixes = bare.count("-") + len(_NOT.findall(bare))
    if deepest > MAX_NESTING or prefixes > MAX_TERMS:
        raise Cql2Error(f"filter is nested too deeply (more than {MAX_NESTING} brackets or "
                        f"{MAX_TERMS} minus signs and NOTs)")


def _is_logical(node: object) -> bool:
    return isinstance(node, dict) and node.get("op") in _LOGICAL


def check_size(tree: object) -> None:
    """Refuse a filter nested more than MAX_DEPTH levels or with more than MAX_TERMS predicates.

    Walks the tree without recursion.
    """
    terms = 0
    stack: list[tuple[object, int, str | None]] = [(tree, 0, None)]
    while stack:
        node, depth, parent = stack.pop()
        if _is_logical(node):
            op = node["op"]
            level = depth if op == parent and op != "not" else depth + 1
            if level > MAX_DEPTH:
                raise Cql2Error(f"filter is nested more than {MAX_DEPTH} levels deep "
                                "(AND/OR/NOT)")
            stack.extend((child, level, op) for child in node.get("args", ()))
        else:
            terms += 1
            if terms > MAX_TERMS:
                raise Cql2Error(f"filter has more than {MAX_TERMS} predicates; use IN (…) for "
                                "lists of values")


# Literal types each property type accepts (bool is not a number here). Numbers of any kind are
# compared with integer properties (CQL2 has one numeric type). Anything else is refused before
# it reaches SQL, where PostgreSQL would reject e.g. ``varchar = integer``.
_ACCEPTS: dict[str, tuple[type, ...]] = {
    "string": (str,), "text": (str,), "integer": (int, float), "number": (int, float),
    "boolean": (bool,), "date": (date, str), "datetime": (datetime, str),
}


@cache
def _property_types(collection: Collection) -> dict[str, str]:
    types = {"id": "string"}
    for f in collection.fields:
        if f.type == "i18n":
            types.update({name: "string" for name in (f.name, *f.columns)})
        elif f.scalar:
            types[f.name] = f.type
    return types


def _instant(node: dict) -> date | datetime:
    """A ``{"date": …}`` or ``{"timestamp": …}`` literal as a Python value."""
    try:
        if "date" in node:
            return date.fromisoformat(node["date"])
        moment = datetime.fromisoformat(node["timestamp"].replace("Z", "+00:00"))
    except (TypeError, ValueError) as exc:
        raise Cql2Error(f"invalid date or timestamp {node!r}") from exc
    if moment.tzinfo is None:
        raise Cql2Error(f"timestamp {node['timestamp']!r} has no UTC offset")
    return moment


def translate(tree: object, collection: Collection, crs: Crs) -> q.Filter:
    """The filter tree of a parsed CQL2-JSON expression (see :func:`to_json`)."""
    try:
        return _Translator(collection, crs).node(tree)
    except Cql2Error:
        raise
    except (IndexError, KeyError, TypeError, ValueError) as exc:  # arity, shapes of args
        raise Cql2Error(f"filter has an unexpected structure: {exc}") from exc


class _Translator:
    def __init__(self, collection: Collection, crs: Crs):
        self.collection = collection
        self.crs = crs
        self.names = queryable_names(collection)
        self.types = _property_types(collection)

    # -- operands -----------------------------------------------------------------------------
    @staticmethod
    def is_property(node: object) -> bool:
        return isinstance(node, dict) and set(node) == {"property"}

    def prop(self, node: object) -> str:
        if not self.is_property(node):
            if isinstance(node, dict) and node.get("op") in ("casei", "accenti"):
                raise Cql2Error(f"{node['op'].upper()}() is not supported: comparisons are "
                                "case- and accent-sensitive")
            raise Cql2Error("one side of a predicate must be a property name")
        name = node["property"]
        if name not in self.names:
            raise Cql2Error(f"unknown queryable {name!r}; see the queryables document")
        if name == GEOMETRY:
            raise Cql2Error("the geometry can only be used in S_INTERSECTS")
        return name

    @staticmethod
    def value(node: object) -> object:
        if isinstance(node, dict) and len(node) == 1 and ("date" in node or "timestamp" in node):
            return _instant(node)
        if isinstance(node, bool | int | float | str) or node is None:
            return node
        raise Cql2Error(f"unsupported value {json.dumps(node)}: give a literal")

    def typed(self, name: str, node: object) -> object:
        """The literal ``node`` when it is of the property's type, else a Cql2Error."""
        value = self.value(node)
        kind = self.types[name]
        ok = _ACCEPTS[kind]
        wrong = isinstance(value, bool) and bool not in ok
        if kind == "date" and isinstance(value, datetime):
            wrong = True
        if wrong or not isinstance(value, ok):
            raise Cql2Error(f"{name} is a {kind}; {value!r} is not")
        if isinstance(value, float):
            if not math.isfinite(value):
                raise Cql2Error(f"{name}: {value!r} is not a finite number")
            if kind == "integer" and value.is_integer():
                value = int(value)
        problem = bounds.value_problem(value)
        if problem:
            raise Cql2Error(f"{name}: {problem}")
        return value

    # -- nodes --------------------------------------------------------------------------------
    def node(self, node: object) -> q.Filter:
        if node is True:
            return q.And(())
        if node is False:
            return q.Or(())
        if not isinstance(node, dict) or "op" not in node:
            raise Cql2Error(f"{json.dumps(node)} is not a predicate")
        op, args = node["op"], node.get("args", [])
        if op in ("and", "or"):
            return self.chain(node)
        if op == "not":
            return q.Not(self.node(args[0]))
        if op in _COMPARISONS:
            return self.compare(op, args)
        build = {"between": self.between, "like": self.like, "in": self.member,
                 "isNull": lambda a: q.IsNull(self.prop(a[0])),
                 "s_intersects": self.intersects}.get(op)
        if build is None:
            raise Cql2Error(f"{op} is not supported; supported: comparisons, AND/OR/NOT, "
                            "TRUE/FALSE, LIKE, IN, BETWEEN, IS NULL, S_INTERSECTS")
        return build(args)

    def between(self, args: list) -> q.Filter:
        name = self.prop(args[0])
        return q.Between(name, self.typed(name, args[1]), self.typed(name, args[2]))

    def member(self, args: list) -> q.Filter:
        name = self.prop(args[0])
        if not isinstance(args[1], list):
            raise Cql2Error("IN needs a list of values")
        return q.In(name, tuple(self.typed(name, v) for v in args[1]))

    def chain(self, node: dict) -> q.Filter:
        """``a OR b OR c``, however nested, as one flat node."""
        op = node["op"]
        parts, stack = [], [node]
        while stack:
            item = stack.pop()
            if isinstance(item, dict) and item.get("op") == op:
                stack.extend(reversed(item["args"]))
            else:
                parts.append(self.node(item))
        return (q.And if op == "and" else q.Or)(tuple(parts))

    def compare(self, op: str, args: list) -> q.Filter:
        lhs, rhs = args
        if not self.is_property(lhs) and self.is_property(rhs):
            lhs, rhs, op = rhs, lhs, _MIRRORED[op]
        name = self.prop(lhs)
        if rhs is None:
            if op not in ("=", "<>"):
                raise Cql2Error("NULL can only be compared with = or <> (or use IS NULL)")
            return q.IsNull(name) if op == "=" else q.Not(q.IsNull(name))
        if self.types[name] == "boolean" and op not in ("=", "<>"):
            raise Cql2Error(f"{name} is a boolean: compare it with = or <>")
        return q.Compare(name, op, self.typed(name, rhs))

    def like(self, args: list) -> q.Filter:
        name = self.prop(args[0])
        pattern = args[1]
        if isinstance(pattern, dict) and pattern.get("op") in ("casei", "accenti"):
            self.prop(pattern)  # refused with the CASEI/ACCENTI message
        if _ACCEPTS[self.types[name]] != (str,) or not isinstance(pattern, str):
            raise Cql2Error(f"LIKE needs a text property and a text pattern ({name})")
        if (len(pattern) - len(pattern.rstrip("\\"))) % 2:
            raise Cql2Error("a LIKE pattern cannot end with the escape character \\")
        return q.Like(name, pattern)

    def intersects(self, args: list) -> q.Filter:
        lhs, rhs = args
        if self.is_property(rhs):
            lhs, rhs = rhs, lhs
        if not (self.is_property(lhs) and lhs["property"] == GEOMETRY
                and GEOMETRY in self.names):
            raise Cql2Error(f"S_INTERSECTS needs the {GEOMETRY!r} property and a geometry")
        if isinstance(rhs, dict) and "bbox" in rhs:
            geom = self.bbox(rhs["bbox"])
        elif isinstance(rhs, dict) and "type" in rhs:
            try:
                geom = shape(rhs)
            except (ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
                raise Cql2Error(f"invalid geometry: {exc}") from exc
        else:
            raise Cql2Error("S_INTERSECTS needs a BBOX(…) or a geometry")
        if geom.is_empty or not geom.is_valid:
            raise Cql2Error("the S_INTERSECTS geometry is empty or invalid")
        out = from_crs(geom, self.crs)
        minx, miny, maxx, maxy = out.bounds
        if not (all(map(math.isfinite, out.bounds)) and -180 <= minx <= maxx <= 180
                and -90 <= miny <= maxy <= 90):
            raise Cql2Error(f"the S_INTERSECTS geometry lies outside the area of "
                            f"{self.crs.code} (filter-crs)")
        return q.Intersects(shapely.to_wkb(out))

    @staticmethod
    def bbox(values_: list) -> shapely.Geometry:
        try:
            coords = [float(a) for a in values_]
        except (TypeError, ValueError) as exc:
            raise Cql2Error("BBOX takes numbers") from exc
        if not all(map(math.isfinite, coords)):
            raise Cql2Error("BBOX takes finite numbers")
        if len(coords) == 6:
            coords = [coords[0], coords[1], coords[3], coords[4]]
        if len(coords) != 4 or coords[0] > coords[2] or coords[1] > coords[3]:
            raise Cql2Error("BBOX needs minx, miny, maxx, maxy with min <= max")
        return box(*coords)
