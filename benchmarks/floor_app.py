"""The performance floor of DESIGN.md: a bare Flask view over pre-serialised feature JSON.

One SQL query per request selects the stored ``_feature`` bytes of a collection table (through the
R*Tree on SQLite, ``ST_Intersects`` on PostGIS when a bbox is given, ``ORDER BY id LIMIT n``) and
the bytes are joined into a FeatureCollection with the same envelope keys as opengov's. Each
server thread opens its database connection once and keeps it. ``numberMatched`` is counted once
per query and remembered (the floor is allowed a precomputed count).

Build it with ``create_app({"database_url": ..., "collections": ["cameras"]})`` (add
``"exact_bbox": ["parcels"]`` for polygon collections: see ``SQLITE_BBOX_EXACT``) and serve it with
the same gunicorn model as opengov (see :mod:`benchmarks.harness`). No request validation, no
content negotiation, no ETags: this is the least a server can do and still answer correctly.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request

MEDIA_TYPE = "application/geo+json"

SQLITE_PAGE = "SELECT _feature FROM {t} ORDER BY id LIMIT ?"
# Points only need the index plus the exact "inside" test on the stored bounds (the R*Tree keeps
# 32-bit floats, rounded outwards, so a few candidates just outside the box must be dropped).
SQLITE_BBOX = (
    "SELECT _feature FROM {t} WHERE _rowid IN (SELECT id FROM {t}_rtree "
    "WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?) "
    "AND _maxx >= ? AND _minx <= ? AND _maxy >= ? AND _miny <= ? ORDER BY id LIMIT ?"
)
# Polygons: the same index candidates, kept when their bounds lie inside the box or, for those
# crossing its edge, when the exact test says so (opengov/store/filters.py does the same).
SQLITE_BBOX_EXACT = (
    "SELECT _feature FROM {t} WHERE _rowid IN (SELECT id FROM {t}_rtree "
    "WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?) "
    "AND ((_minx >= ? AND _maxx <= ? AND _miny >= ? AND _maxy <= ?) "
    "OR og_bbox_intersects(geom, ?, ?, ?, ?) = 1) ORDER BY id LIMIT ?"
)
PG_PAGE = "SELECT _feature FROM {t} ORDER BY id LIMIT %s"
PG_BBOX = (
    "SELECT _feature FROM {t} WHERE ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, 4326)) "
    "ORDER BY id LIMIT %s"
)


def sqlite_path(url: str) -> str:
    """The file behind a ``sqlite:///path`` URL."""
    return url.split("sqlite:///", 1)[1]


def pg_conninfo(url: str) -> str:
    """A libpq URL from a SQLAlchemy one (drops the ``+psycopg`` driver suffix)."""
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest if scheme.startswith("postgresql") else url


class SqliteSource:
    """Pages of stored features from SQLite; one connection per thread, opened once.

    Tables in ``exact_tables`` (polygons) get the exact test for candidates crossing a bbox's
    edge; the others (points) only the index and the stored bounds.
    """

    def __init__(self, url: str, exact_tables: tuple[str, ...] = ()):
        self.path = sqlite_path(url)
        self.exact_tables = frozenset(exact_tables)
        self.local = threading.local()

    def connection(self):
        """This thread's connection (opened on first use and kept)."""
        conn = getattr(self.local, "conn", None)
        if conn is None:
            import sqlite3

            from opengov.store.engine import _bbox_intersects

            conn = sqlite3.connect(self.path)
            conn.text_factory = bytes  # the stored UTF-8 as is: no decode, no re-encode
            conn.create_function("og_bbox_intersects", 5, _bbox_intersects, deterministic=True)
            self.local.conn = conn
        return conn

    def _bbox_query(self, table: str, bbox: tuple) -> tuple[str, tuple]:
        """The bbox statement for ``table`` and its arguments (without the limit)."""
        minx, miny, maxx, maxy = bbox
        args = (maxx, minx, maxy, miny, minx, maxx, miny, maxy)
        if table in self.exact_tables:
            return SQLITE_BBOX_EXACT.format(t=table), (*args, *bbox)
        return SQLITE_BBOX.format(t=table), args

    def features(self, table: str, limit: int, bbox: tuple | None) -> list[bytes]:
        """Up to ``limit`` serialised features in id order, inside ``bbox`` when given."""
        if bbox is None:
            return [r[0] for r in self.connection().execute(SQLITE_PAGE.format(t=table),
                                                            (limit,))]
        sql, args = self._bbox_query(table, bbox)
        return [r[0] for r in self.connection().execute(sql, (*args, limit))]

    def count(self, table: str, bbox: tuple | None) -> int:
        """Exact number of features (inside ``bbox``)."""
        if bbox is None:
            return self.connection().execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        sql, args = self._bbox_query(table, bbox)
        sql = sql.replace("SELECT _feature", "SELECT count(*)")
        sql = sql.replace(" ORDER BY id LIMIT ?", "")
        return self.connection().execute(sql, args).fetchone()[0]


def _raw_text_loader():
    """A psycopg loader handing text columns over as the UTF-8 bytes received."""
    from psycopg.adapt import Loader

    class RawText(Loader):
        def load(self, data) -> bytes:
            return bytes(data)

    return RawText


class PostgresSource:
    """Pages of stored features from PostGIS; one psycopg connection per thread."""

    def __init__(self, url: str):
        self.conninfo = pg_conninfo(url)
        self.local = threading.local()

    def connection(self):
        """This thread's autocommit connection (opened on first use and kept)."""
        conn = getattr(self.local, "conn", None)
        if conn is None:
            import psycopg

            conn = psycopg.connect(self.conninfo, autocommit=True)
            conn.adapters.register_loader("text", _raw_text_loader())
            self.local.conn = conn
        return conn

    def features(self, table: str, limit: int, bbox: tuple | None) -> list[bytes]:
        """Up to ``limit`` serialised features in id order, intersecting ``bbox`` when given."""
        if bbox is None:
            rows = self.connection().execute(PG_PAGE.format(t=table), (limit,)).fetchall()
        else:
            rows = self.connection().execute(PG_BBOX.format(t=table), (*bbox, limit)).fetchall()
        return [r[0] for r in rows]

    def count(self, table: str, bbox: tuple | None) -> int:
        """Exact number of features (intersecting ``bbox``)."""
        if bbox is None:
            return self.connection().execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        sql = PG_BBOX.format(t=table).replace("SELECT _feature", "SELECT count(*)")
        sql = sql.replace(" ORDER BY id LIMIT %s", "")
        return self.connection().execute(sql, bbox).fetchone()[0]


def make_source(url: str, exact_tables: tuple[str, ...] = ()):
    """The feature source for a SQLite or PostgreSQL SQLAlchemy-style URL (PostGIS's
    ``ST_Intersects`` is always exact)."""
    scheme = urlsplit(url).scheme
    if scheme.startswith("sqlite"):
        return SqliteSource(url, exact_tables)
    if scheme.startswith("postgresql"):
        return PostgresSource(url)
    raise ValueError(f"unsupported database URL for the floor: {url!r}")


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """``minx,miny,maxx,maxy`` as floats (no validation beyond that: this is the floor)."""
    if not text:
        return None
    minx, miny, maxx, maxy = (float(v) for v in text.split(","))
    return (minx, miny, maxx, maxy)


def envelope_head(matched: int, returned: int, links: list[dict]) -> str:
    """The FeatureCollection up to ``"features":[``, with opengov's envelope keys."""
    head = {
        "type": "FeatureCollection",
        "numberMatched": matched,
        "numberReturned": returned,
        "timeStamp": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "links": links,
    }
    return json.dumps(head, separators=(",", ":"))[:-1] + ',"features":['


def create_app(config: dict | None = None) -> Flask:
    """The floor application: ``GET /<collection>?limit=n[&bbox=…]`` for the given collections."""
    config = config or {}
    tables = {name: f"c_{name}" for name in config.get("collections", ["cameras"])}
    exact = tuple(tables[name] for name in config.get("exact_bbox", ()))
    source = make_source(config["database_url"], exact)
    counts: dict[tuple, int] = {}
    app = Flask("floor")

    @app.get("/<collection>")
    def features(collection: str) -> Response:
        table = tables.get(collection) or abort(404)
        limit = int(request.args.get("limit", 100))
        bbox = parse_bbox(request.args.get("bbox"))
        key = (table, bbox)
        if key not in counts:
            counts[key] = source.count(table, bbox)
        rows = source.features(table, limit, bbox)
        links = [{"rel": "self", "type": MEDIA_TYPE, "href": request.url}]
        head = envelope_head(counts[key], len(rows), links)
        body = head.encode() + b",".join(rows) + b"]}"
        return Response(body, content_type=MEDIA_TYPE)

    @app.get("/")
    def ready() -> Response:
        return Response("ok", content_type="text/plain")

    return app
