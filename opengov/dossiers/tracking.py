"""Following one dossier with its receipt code and pin: status, the four steps, what is awaited.

A wrong pin and an unknown code are the same answer after the same work (:mod:`pins`), and
lookups are counted per client (:func:`check_rate`) in the counter storage report submissions
use, so codes cannot be enumerated.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import select

from opengov.dossiers.clock import local_date
from opengov.dossiers.ledger import overdue
from opengov.errors import ApiError

log = logging.getLogger(__name__)
LIMITER = "opengov-dossiers-limiter"
STEPS = ("reception", "appraisal", "approval", "result_return")
#: What a dossier waits for in each state (None: nothing, it is closed).
AWAITING = {"received": "agency", "in_appraisal": "agency", "awaiting_supplement": "supplement",
            "approved": "agency", "refused": "agency", "returned": None, "withdrawn": None}
RESULT_AWAITS = {"postal": "post", "in_person": "collection", "online": "online_delivery"}


def install_limiter(app, settings) -> None:
    """Per application: the lookup limits and their counter storage (report submissions' own:
    the host's SQLite file, or Redis when configured)."""
    from opengov.reports.limits import storage_url  # registers the sqlite:// counter storage

    storage = storage_from_string(storage_url(settings))
    app.extensions[LIMITER] = (FixedWindowRateLimiter(storage),
                               parse_many(settings.dossiers_track_rate_limit))


def check_rate(client: str) -> None:
    """429 with ``Retry-After`` when ``client`` looked up too many dossiers."""
    limiter, items = current_app.extensions[LIMITER]
    for item in items:
        try:
            allowed = limiter.hit(item, "dossier-track", client)
        except Exception:  # noqa: BLE001 - counters out: answer, and say so in the log
            log.warning("dossier lookup limits: the counter storage is unreachable; lookups "
                        "are not counted meanwhile")
            return
        if not allowed:
            reset = limiter.get_window_stats(item, "dossier-track", client).reset_time
            wait = max(int(reset - datetime.now().timestamp()) + 1, 1)
            raise ApiError(429, "Too many dossier lookups from this client; try again later.",
                           headers={"Retry-After": str(wait)})


def find(store, conn, pins, code: str, pin: str) -> tuple[dict, list] | None:
    """The dossier and its events when ``pin`` is its pin; None otherwise (same work)."""
    d = store.table("dossiers")
    row = conn.execute(select(d).where(d.c.code == code)).first()
    if not pins.matches(code, pin, row.pin_sha256 if row is not None else None):
        return None
    e = store.table("dossier_events")
    events = conn.execute(select(e.c.kind, e.c.at).where(e.c.dossier_code == code)
                          .order_by(e.c.at, e.c.event_id)).all()
    return dict(row._mapping), events


def view(dossier: dict, events: list, now: datetime) -> dict:
    """The public answer: no pin hash, nothing about the applicant."""
    state = dossier["state"]
    awaiting = AWAITING.get(state)
    if state == "result_ready":
        awaiting = RESULT_AWAITS[dossier["channel_out"]]
    if state in ("result_ready", "returned"):
        on_time = dossier["on_time"]
    elif dossier["due_date"] is None or state == "withdrawn":
        on_time = None
    else:
        on_time = not overdue(dossier, local_date(now))
    return {"code": dossier["code"], "procedure": dossier["procedure_code"],
            "agency": dossier["agency"], "state": state,
            "timeline": timeline(state, events), "received_at": dossier["received_at"],
            "due_date": dossier["due_date"], "on_time": on_time, "awaiting": awaiting,
            "channel_out": dossier["channel_out"], "postal_code": dossier["postal_code"]}


#: The step in progress in each state (by index in STEPS); 4: every step is done.
CURRENT = {"received": 1, "in_appraisal": 1, "awaiting_supplement": 1, "approved": 3,
           "refused": 3, "result_ready": 3, "returned": 4}


def timeline(state: str, events: list) -> list[dict]:
    """The four steps, each done, current, pending (or withdrawn), with when it happened."""
    first = {}
    for kind, at in events:
        first.setdefault(kind, at)
    decision = "approved" if "approved" in first else "refused" if "refused" in first else None
    reached = (first.get("received"),
               first.get("appraisal_started") or first.get("supplement_requested"),
               first.get(decision) if decision else None,
               first.get("result_returned"))
    steps = []
    for i, step in enumerate(STEPS):
        if state == "withdrawn":
            status = "done" if reached[i] is not None else "withdrawn"
        else:
            status = "done" if i < CURRENT[state] else "current" if i == CURRENT[state] \
                else "pending"
        steps.append({"step": step, "status": status, "at": reached[i],
                      "outcome": decision if i == 2 and status == "done" else None})
    return steps


def not_found() -> ApiError:
    return ApiError(404, "No dossier matches this code and pin.")
