"""The mixed load of the faults-and-load benchmark: N client threads, each with its own
``requests`` session, sending map viewports, OGC items pages, tiles, searches, small downloads,
report submissions and readings batches through nginx, as the residents, GIS desktops and
station operators of issue 19 would.

Clients behave as careful real clients do: a GET that fails (connection error or 5xx) is sent
once more; a POST that fails is sent again with the same ``Idempotency-Key`` (reports) or the
same batch (readings, whose key (station, parameter, time) makes a resend harmless) with a
short backoff, until acknowledged or out of tries. Every acknowledged write goes into a
:class:`Ledger` that the checks compare with the database afterwards.
"""

from __future__ import annotations

import itertools
import math
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import requests

# The small sample's parcels lie in this box (lon/lat); viewports and tiles are drawn inside it.
PARCELS_BOX = (108.3277, 15.8746, 108.3383, 15.8834)
SEARCH_WORDS = ("khai sinh", "dang ky", "dat dai", "giay phep", "ho tich", "xay dung",
                "thue", "doanh nghiep")
CATEGORIES = ("pothole", "flooding", "illegal-dumping", "street-light", "fallen-tree")
INGEST_SERIES = (("aq-001", "pm25"), ("aq-002", "pm10"), ("aq-003", "no2"), ("aq-004", "so2"))
INGEST_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)  # before the sample's readings: never collide
BATCH_READINGS = 12
REPORT_MARK = "bench-h19"  # starts every submitted description, with the idempotency key

# kind → weight in the mix
MIX = {"viewport": 24, "ogc": 14, "tile": 24, "search": 14, "download": 4, "report": 10,
       "ingest": 10}
KINDS = tuple(MIX)
POST_TRIES = 8  # attempts of one submission (backoff 0.25 s doubling, at most 2 s)


@dataclass
class Outcome:
    """One logical request: when it started and ended (monotonic), its final status, the
    attempts it took and whether its first attempt succeeded."""

    kind: str
    start: float
    end: float
    status: int  # 0: no answer (connection error, timeout)
    attempts: int
    first_ok: bool

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def ms(self) -> float:
        return (self.end - self.start) * 1000


@dataclass
class Ledger:
    """Writes the service acknowledged: report ids by idempotency key, readings batches."""

    reports: dict[str, str] = field(default_factory=dict)  # idempotency key → report id
    batches: list[dict] = field(default_factory=list)  # {station, parameter, times, values}
    lock: threading.Lock = field(default_factory=threading.Lock)

    def snapshot(self) -> tuple[dict[str, str], list[dict]]:
        with self.lock:
            return dict(self.reports), list(self.batches)


class Requests:
    """Builds the requests of each kind (random but reproducible per seed)."""

    def __init__(self, ingest_token: str, batch_numbers: itertools.count, seed: int = 19):
        """``batch_numbers`` numbers the readings batches: share one counter between loads of
        the same database, or a later load resends the minutes of an earlier one (stored
        already: the first write wins)."""
        self.token = ingest_token
        self.rng = random.Random(seed)
        self.batch_numbers = batch_numbers
        self.lock = threading.Lock()

    def _uniform(self, low: float, high: float) -> float:
        with self.lock:
            return self.rng.uniform(low, high)

    def _choice(self, items):
        with self.lock:
            return self.rng.choice(items)

    def viewport(self) -> str:
        west, south, east, north = PARCELS_BOX
        width = self._uniform(0.002, 0.006)
        lon, lat = self._uniform(west, east - width / 2), self._uniform(south, north - width / 2)
        return (f"/land/parcels?bbox={lon:.5f},{lat:.5f},{lon + width:.5f},"
                f"{lat + width / 1.5:.5f}&limit=200")

    def ogc(self) -> str:
        collection = self._choice(("parcels", "cameras", "service-centres", "admin-units"))
        offset = self._choice((0, 0, 0, 50, 100))
        return f"/ogc/collections/{collection}/items?limit=50&offset={offset}"

    def tile(self) -> str:
        zoom = self._choice((15, 16, 17))
        west, south, east, north = PARCELS_BOX
        x, y = lonlat_tile(self._uniform(west, east), self._uniform(south, north), zoom)
        return f"/tiles/parcels/{zoom}/{x}/{y}.mvt"

    def search(self) -> str:
        return f"/procedures?q={self._choice(SEARCH_WORDS).replace(' ', '+')}&limit=10"

    def download(self) -> str:
        return self._choice(("/datasets/cameras/download.csv",
                             "/datasets/report-categories/download.csv"))

    def report(self) -> tuple[str, dict]:
        key = uuid.uuid4().hex
        west, south, east, north = PARCELS_BOX
        return key, {"category": self._choice(CATEGORIES),
                     "description": f"{REPORT_MARK} {key}",
                     "lon": round(self._uniform(west, east), 6),
                     "lat": round(self._uniform(south, north), 6)}

    def batch(self) -> dict:
        """A readings batch no other batch overlaps: its own 12 minutes of one series."""
        number = next(self.batch_numbers)
        station, parameter = INGEST_SERIES[number % len(INGEST_SERIES)]
        first = INGEST_EPOCH + timedelta(minutes=BATCH_READINGS * (number // len(INGEST_SERIES)))
        times = [first + timedelta(minutes=i) for i in range(BATCH_READINGS)]
        values = [round(self._uniform(5, 80), 1) for _ in times]
        return {"station": station, "parameter": parameter,
                "times": [int(t.timestamp()) for t in times], "values": values,
                "body": {"readings": [{"station": station, "parameter": parameter,
                                       "time": t.isoformat(), "value": v}
                                      for t, v in zip(times, values, strict=True)]}}


def lonlat_tile(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The XYZ (Web Mercator) tile holding a point."""
    n = 2 ** zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def _failed(status: int) -> bool:
    return status == 0 or status >= 500


class Client(threading.Thread):
    """One simulated client: picks a kind by weight, sends it, records the outcome."""

    def __init__(self, base: str, build: Requests, ledger: Ledger, outcomes: list,
                 stop: threading.Event, seed: int, kinds: dict[str, int] = MIX):
        super().__init__(daemon=True)
        self.base, self.build, self.ledger = base, build, ledger
        self.outcomes, self.stop = outcomes, stop
        self.rng = random.Random(seed)
        self.kinds, self.weights = list(kinds), list(kinds.values())
        self.session = requests.Session()
        self.last: requests.Response | None = None

    def run(self) -> None:
        while not self.stop.is_set():
            kind = self.rng.choices(self.kinds, self.weights)[0]
            self.outcomes.append(getattr(self, kind)())

    def _send(self, method: str, path: str, **kwargs) -> int:
        """One attempt; its status (0 without an answer). The answer is kept in ``last``."""
        self.last = None
        try:
            response = self.session.request(method, self.base + path, timeout=30, **kwargs)
            response.content  # noqa: B018 - read the whole body, as a client does
            self.last = response
            return response.status_code
        except requests.RequestException:
            self.session.close()  # start over with fresh connections
            self.session = requests.Session()
            return 0

    def _get(self, kind: str, path: str) -> Outcome:
        start = time.monotonic()
        status = self._send("GET", path)
        first_ok, attempts = not _failed(status), 1
        if not first_ok:  # once more
            status, attempts = self._send("GET", path), 2
        return Outcome(kind, start, time.monotonic(), status, attempts, first_ok)

    def _post(self, kind: str, path: str, body: dict,
              headers: dict) -> tuple[Outcome, int]:
        start = time.monotonic()
        status, attempts, first_ok, pause = 0, 0, False, 0.25
        while attempts < POST_TRIES:
            attempts += 1
            status = self._send("POST", path, json=body, headers=headers)
            if not _failed(status) and status != 429:
                first_ok = attempts == 1
                break
            time.sleep(pause)
            pause = min(pause * 2, 2.0)
        return Outcome(kind, start, time.monotonic(), status, attempts,
                       first_ok and 200 <= status < 300), status

    def viewport(self) -> Outcome:
        return self._get("viewport", self.build.viewport())

    def ogc(self) -> Outcome:
        return self._get("ogc", self.build.ogc())

    def tile(self) -> Outcome:
        return self._get("tile", self.build.tile())

    def search(self) -> Outcome:
        return self._get("search", self.build.search())

    def download(self) -> Outcome:
        return self._get("download", self.build.download())

    def report(self) -> Outcome:
        key, body = self.build.report()
        outcome, status = self._post("report", "/reports", body, {"Idempotency-Key": key})
        if status == 201:
            with self.ledger.lock:
                self.ledger.reports[key] = self.last.json()["id"]
        return outcome

    def ingest(self) -> Outcome:
        batch = self.build.batch()
        outcome, status = self._post("ingest", "/monitoring/readings", batch.pop("body"),
                                     {"Authorization": f"Bearer {self.build.token}"})
        if status in (200, 201):  # 200: a resend of a batch already stored
            with self.ledger.lock:
                self.ledger.batches.append(batch)
        return outcome
