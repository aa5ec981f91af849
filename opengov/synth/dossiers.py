"""Synthetic dossier events (hồ sơ TTHC) consistent with a procedures catalogue.

:func:`generate` yields the events a one-stop system would send for ``count`` dossiers received
between ``start`` and ``end``: only the channels a procedure offers (postal only where the
catalogue approves it; online only where it has an online method), each dossier at its
procedure's agency (a delegated procedure at its department), and step dates placed on working
days of the ``calendar`` it is given (any object with ``add(day, n)``, ``count(start, end)``
and ``is_working(day)``, such as :class:`opengov.dossiers.workdays.WorkCalendar`; this module
imports no capability).

Shares (documented in docs/dossiers.md, invented but plausible): about 45% online where
possible, 8% received and 15% returned by post where approved, 12% asked for a supplement,
2% withdrawn, 3% refused, and about 9% of results ready after their due date. Demand is
skewed as it is at a one-stop centre, where a few procedures (certified copies, civil status,
land registration) make most of the dossiers: the procedures, in an order drawn from the seed
with the real-coded ones first, are chosen with Zipf weights ``1 / rank ** 1.1`` (times 3 for a
commune-level one), so the first ten take about 40% of the dossiers. Events after
``end`` are not sent, so recent dossiers are still in progress. One ``random.Random(seed)``:
the same arguments give the same events.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
PIN_ALPHABET = "".join(c for c in string.ascii_uppercase + string.digits if c not in "O0I1")
SHARES = {"online": 0.45, "postal_in": 0.08, "postal_out": 0.15, "supplement": 0.12,
          "never_supplied": 0.2, "withdrawn": 0.02, "refused": 0.03, "late": 0.09}
LEVEL_WEIGHT = {"commune": 3.0, "province": 1.0}
ZIPF = 1.1  # exponent of the popularity ranks


def _methods(procedure: dict) -> dict[str, tuple[int, str]]:
    return {m["method"]: (int(m["processing_time"]), m["processing_time_unit"])
            for m in procedure.get("methods") or ()
            if m.get("processing_time_unit") in ("working_day", "day")
            and m.get("processing_time") is not None}


class _Dossier:
    """One synthetic dossier's events, built step by step."""

    def __init__(self, rng: random.Random, calendar, code: str):
        self.rng, self.calendar, self.code = rng, calendar, code
        self.events: list[dict] = []

    def add(self, kind: str, day: date, **fields) -> None:
        minutes = self.rng.randint(7 * 60 + 30, 16 * 60 + 30)
        moment = datetime.combine(day, time(minutes // 60, minutes % 60), LOCAL)
        if self.events and moment <= datetime.fromisoformat(self.events[-1]["at"]):
            moment = datetime.fromisoformat(self.events[-1]["at"]) + timedelta(minutes=5)
        self.events.append({"event_id": f"{self.code}/{len(self.events) + 1}",
                            "code": self.code, "kind": kind, "at": moment.isoformat(),
                            **fields})

    def days(self, day: date, n: int, unit: str) -> date:
        return day + timedelta(days=n) if unit == "day" else self.calendar.add(day, n)


def generate(procedures: Sequence[dict], centres: Sequence[tuple[str, str | None]],
             calendar, *, count: int, start: date, end: date,
             seed: int = 20) -> Iterator[dict]:
    """Events of ``count`` dossiers received in ``[start, end]``, dossier after dossier.

    ``centres`` are ``(centre id, commune code or None)``: commune-level procedures are
    received at a commune centre (their commune), others at a centre without commune.
    """
    rng = random.Random(seed)
    usable = [p for p in procedures if not p.get("legacy") and "direct" in _methods(p)]
    if not usable:
        raise ValueError("the procedures catalogue has no usable procedure")
    usable, weights = _popularity(rng, usable)
    communal = [c for c in centres if c[1]] or [("hcc-xa", "xa")]
    provincial = [c for c in centres if not c[1]] or [("hcc-tinh", None)]
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    working = [d for d in days if calendar.is_working(d)] or days
    sequence: dict[date, int] = {}
    for procedure in rng.choices(usable, weights, k=count):
        day = rng.choice(working)
        sequence[day] = sequence.get(day, 0) + 1
        code = f"000.00.47.H47-{day:%y%m%d}-{sequence[day]:04d}-{rng.randrange(16**4):04x}"
        dossier = _Dossier(rng, calendar, code)
        _life(dossier, procedure, day, communal, provincial)
        for event in dossier.events:
            if datetime.fromisoformat(event["at"]).date() <= end:
                yield event


def _popularity(rng: random.Random, usable: list[dict]) -> tuple[list[dict], list[float]]:
    """The procedures in popularity order (real national codes, outside the fake x.9xxxxx
    block, first; the others shuffled by ``rng``) and their Zipf weights."""
    ordered = sorted(usable, key=lambda p: p["code"])
    rng.shuffle(ordered)
    ordered.sort(key=lambda p: p["code"][2:3] == "9")  # stable: real codes first
    return ordered, [LEVEL_WEIGHT.get(p.get("level"), 1.0) / (rank + 1) ** ZIPF
                     for rank, p in enumerate(ordered)]


def _channels(rng: random.Random, procedure: dict, methods: dict) -> tuple[str, str]:
    roll = rng.random()
    if "online" in methods and roll < SHARES["online"]:
        channel_in = "online"
    elif procedure.get("postal") and "postal" in methods and \
            roll < SHARES["online"] + SHARES["postal_in"]:
        channel_in = "postal"
    else:
        channel_in = "in_person"
    out = channel_in
    if procedure.get("postal") and (channel_in == "postal" or
                                    rng.random() < SHARES["postal_out"]):
        out = "postal"
    return channel_in, out


def _life(d: _Dossier, procedure: dict, day: date, communal, provincial) -> None:
    rng = d.rng
    methods = _methods(procedure)
    channel_in, channel_out = _channels(rng, procedure, methods)
    n, unit = methods["postal" if channel_in == "postal" else
                      "online" if channel_in == "online" else "direct"]
    centre, commune = rng.choice(communal if procedure.get("level") == "commune"
                                 else provincial)
    if commune is None:
        commune = rng.choice(communal)[1]
    d.add("received", day, pin="".join(rng.choices(PIN_ALPHABET, k=6)),
          procedure=procedure["code"], centre=centre, commune=commune,
          channel_in=channel_in, channel_out=channel_out)
    started = d.days(day, rng.randint(0, 1), unit)
    d.add("appraisal_started", started)
    used, clock_from = 0, day
    if rng.random() < SHARES["withdrawn"]:
        d.add("withdrawn", d.days(started, rng.randint(0, 2), unit))
        return
    if rng.random() < SHARES["supplement"]:
        asked = d.days(started, rng.randint(0, max(1, n // 3)), unit)
        d.add("supplement_requested", asked)
        if rng.random() < SHARES["never_supplied"]:
            d.add("refused", d.days(asked, rng.randint(10, 20), "working_day"))
            d.add("result_ready", d.days(asked, 21, "working_day"))
            _return(d, asked, channel_out)
            return
        supplied = d.days(asked, rng.randint(1, 10), "working_day")
        d.add("supplement_supplied", supplied)
        used = (asked - day).days if unit == "day" else d.calendar.count(day, asked)
        clock_from = supplied
    remaining = max(n - used, 0)
    if rng.random() < SHARES["late"]:
        taken = remaining + rng.randint(1, max(2, n // 2))
    else:
        taken = rng.randint(remaining // 2, remaining) if remaining else 0
    ready = max(d.days(clock_from, taken, unit), started)
    decided = max(d.days(clock_from, max(taken - 1, 0), unit), started)
    d.add("refused" if rng.random() < SHARES["refused"] else "approved", decided)
    d.add("result_ready", ready)
    _return(d, ready, channel_out)


def _return(d: _Dossier, ready: date, channel_out: str) -> None:
    if channel_out == "postal":
        d.add("result_returned", d.days(ready, 1, "working_day"),
              postal_code=f"EB{d.rng.randrange(10**9):09d}VN")
    elif channel_out == "online":
        d.add("result_returned", ready)
    else:
        d.add("result_returned", d.days(ready, d.rng.randint(0, 3), "working_day"))
