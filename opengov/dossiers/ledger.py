"""Applying one event to a dossier: the state machine, the catalogue's rules and the clock.

Pure functions on plain values (no database): :func:`apply` takes the dossier as it is (a dict
of the ``dossiers`` table's columns, or None) and returns it as the event leaves it, or raises
:class:`EventError` with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from opengov.dossiers import machine
from opengov.dossiers.clock import Progress, clock_of, local_date
from opengov.dossiers.pins import Pins
from opengov.dossiers.workdays import CalendarRangeError, WorkCalendar

CHANNELS = ("in_person", "online", "postal")
#: A channel and the catalogue's submission method it uses.
METHOD_OF = {"in_person": "direct", "online": "online", "postal": "postal"}
PIN_LENGTH = (4, 32)
#: District-level procedures end with the two-level government (DOMAIN.md §4, §7).
TWO_LEVELS = date(2025, 7, 1)
#: States in which the statutory clock runs (a supplement request stops it; a result ends it).
RUNNING = ("received", "in_appraisal", "approved", "refused")


class EventError(ValueError):
    """Why an event cannot be applied (one sentence)."""


@dataclass(frozen=True)
class Procedure:
    """What ingestion needs from the procedures catalogue."""

    code: str
    agency: str
    field_code: str | None
    level: str | None
    postal: bool
    delegated: bool
    legacy: bool = False
    times: dict[str, tuple[int, str]] = field(default_factory=dict)  # method → (n, unit)


class Event(NamedTuple):
    """One event from the one-stop system (details only on ``received`` and
    ``result_returned``); immutable, and a tuple so that ten thousand are cheap to build."""

    event_id: str
    code: str
    kind: str
    at: datetime
    pin: str | None = None
    procedure: str | None = None
    centre: str | None = None
    agency: str | None = None
    commune: str | None = None
    channel_in: str | None = None
    channel_out: str | None = None
    postal_code: str | None = None


def apply(dossier: dict | None, event: Event, procedure: Procedure | None,
          calendar: WorkCalendar, pins: Pins, *, in_place: bool = False) -> dict:
    """The dossier after ``event`` (a new dict), or :class:`EventError`; ``pins`` hashes the
    pin of a ``received`` event. With ``in_place`` an existing dossier's dict is changed and
    returned instead of copied (a batch copies each dossier once; after an error the dict is
    half changed and must be dropped)."""
    state = dossier["state"] if dossier else None
    after = machine.NEXT.get((state, event.kind))
    if after is None:
        raise EventError(machine.refusal(state, event.kind))
    if dossier is not None and event.at < dossier["last_event_at"]:
        last = dossier["last_event_at"].isoformat()
        raise EventError(f"out of order: dossier {event.code} already has an event at {last}, "
                         f"later than {event.at.isoformat()}")
    try:
        if event.kind == "received":
            return _receive(event, procedure, calendar, pins)
        return _step(dossier if in_place else dict(dossier), event, after, calendar)
    except CalendarRangeError as exc:
        raise EventError(str(exc)) from None


def _receive(event: Event, procedure: Procedure | None, calendar: WorkCalendar,
             pins: Pins) -> dict:
    if not event.pin or not PIN_LENGTH[0] <= len(event.pin) <= PIN_LENGTH[1]:
        raise EventError(f"a received event needs a pin of {PIN_LENGTH[0]} to {PIN_LENGTH[1]} "
                         "characters (printed on the receipt)")
    if procedure is None:
        raise EventError(f"unknown procedure {event.procedure!r} (not in the procedures "
                         "catalogue)")
    if not event.centre:
        raise EventError("a received event needs the receiving centre (centre)")
    channel_in = event.channel_in
    channel_out = event.channel_out or channel_in
    for name, value in (("channel_in", channel_in), ("channel_out", channel_out)):
        if value not in CHANNELS:
            raise EventError(f"{name} must be one of {', '.join(CHANNELS)}, not {value!r}")
    if "postal" in (channel_in, channel_out) and not procedure.postal:
        raise EventError(f"procedure {procedure.code} is not approved for postal reception "
                         "and return")
    if event.agency and event.agency != procedure.agency:
        how = "is delegated to" if procedure.delegated else "is handled by"
        raise EventError(f"procedure {procedure.code} {how} {procedure.agency}, not "
                         f"{event.agency}")
    received_on = local_date(event.at)
    if procedure.legacy and received_on >= TWO_LEVELS:
        raise EventError(f"procedure {procedure.code} is a former district-level procedure, "
                         f"not received since {TWO_LEVELS.isoformat()}")
    method = METHOD_OF[channel_in]
    if method not in procedure.times:
        raise EventError(f"procedure {procedure.code} cannot be submitted {channel_in}")
    allowed, unit = procedure.times[method]
    return {
        "code": event.code, "pin_sha256": pins.digest(event.code, event.pin),
        "procedure_code": procedure.code, "field_code": procedure.field_code,
        "level": procedure.level, "agency": procedure.agency, "centre": event.centre,
        "commune": event.commune, "channel_in": channel_in, "channel_out": channel_out,
        "postal_code": None, "received_at": event.at, "month": received_on.isoformat()[:7],
        "statutory_days": allowed, "time_unit": unit,
        "due_date": clock_of(calendar, unit).add(received_on, allowed),  # no day used yet
        "used_days": 0, "clock_from": received_on, "state": "received",
        "appraisal_at": None, "decided_at": None, "ready_at": None, "returned_at": None,
        "resolved_at": None, "days_taken": None, "on_time": None, "last_event_at": event.at,
    }


def _step(d: dict, event: Event, after: str, calendar: WorkCalendar) -> dict:
    if event.postal_code and event.kind != "result_returned":
        raise EventError("postal_code belongs to the result_returned event")
    STEPS[event.kind](d, event, calendar)
    d["state"], d["last_event_at"] = after, event.at
    return d


def _appraise(d: dict, event: Event, calendar: WorkCalendar) -> None:
    d["appraisal_at"] = event.at


def _decide(d: dict, event: Event, calendar: WorkCalendar) -> None:
    d["decided_at"] = event.at


def _withdraw(d: dict, event: Event, calendar: WorkCalendar) -> None:
    """Only the state changes (to ``withdrawn``)."""


def _pause(d: dict, event: Event, calendar: WorkCalendar) -> None:
    """A supplement request stops the clock: no due date until the supplement arrives."""
    clock = clock_of(calendar, d["time_unit"])
    _set_progress(d, _progress(d).pause(clock, local_date(event.at)), clock)


def _resume(d: dict, event: Event, calendar: WorkCalendar) -> None:
    """The supplement arrived: counting resumes the next day, the due date moves on."""
    _set_progress(d, _progress(d).resume(local_date(event.at)),
                  clock_of(calendar, d["time_unit"]))


def _ready(d: dict, event: Event, calendar: WorkCalendar) -> None:
    """The result is ready: the dossier is resolved, in so many days, on time or late."""
    on = local_date(event.at)
    d["ready_at"] = d["resolved_at"] = event.at
    d["days_taken"] = _progress(d).taken(clock_of(calendar, d["time_unit"]), on)
    d["on_time"] = d["due_date"] is None or on <= d["due_date"]


def _progress(d: dict) -> Progress:
    return Progress(d["used_days"], d["clock_from"])


def _set_progress(d: dict, progress: Progress, clock) -> None:
    d["used_days"], d["clock_from"] = progress.used, progress.since
    d["due_date"] = progress.due(clock, d["statutory_days"])


def _return(d: dict, event: Event, calendar: WorkCalendar) -> None:
    if d["channel_out"] == "postal" and not event.postal_code:
        raise EventError("a result returned by post needs its postal tracking code "
                         "(postal_code)")
    if d["channel_out"] != "postal" and event.postal_code:
        raise EventError(f"the result goes out {d['channel_out']}; a postal_code is only for "
                         "results returned by post")
    d["returned_at"], d["postal_code"] = event.at, event.postal_code


#: What each event other than ``received`` changes in the dossier (besides its state).
STEPS = {"appraisal_started": _appraise, "supplement_requested": _pause,
         "supplement_supplied": _resume, "approved": _decide, "refused": _decide,
         "result_ready": _ready, "result_returned": _return, "withdrawn": _withdraw}


def overdue(d: dict, today: date) -> bool:
    """Open, the clock running, and past its due date."""
    return d["state"] in RUNNING and d["due_date"] is not None and today > d["due_date"]
