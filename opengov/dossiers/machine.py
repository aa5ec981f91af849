"""The life of a dossier (hồ sơ TTHC): states, events and the transitions between them.

The four steps of the one-stop mechanism (reception, appraisal, approval, result return) are the
states ``received`` → ``in_appraisal`` → ``approved``/``refused`` → ``result_ready`` →
``returned``; a supplement request pauses appraisal (``awaiting_supplement``) and the applicant
may withdraw before a decision (``withdrawn``). docs/dossiers.md explains each choice.
"""

from __future__ import annotations

STATES = ("received", "in_appraisal", "awaiting_supplement", "approved", "refused",
          "result_ready", "returned", "withdrawn")
EVENTS = ("received", "appraisal_started", "supplement_requested", "supplement_supplied",
          "approved", "refused", "result_ready", "result_returned", "withdrawn")
OPEN = ("received", "in_appraisal", "awaiting_supplement")
TERMINAL = ("returned", "withdrawn")
#: States in which the dossier is resolved (a decision exists; the result is ready or returned).
RESOLVED = ("result_ready", "returned")

#: event → {state before: state after}. ``None`` is "no dossier yet".
TRANSITIONS: dict[str, dict[str | None, str]] = {
    "received": {None: "received"},
    "appraisal_started": {"received": "in_appraisal"},
    "supplement_requested": {"received": "awaiting_supplement",
                             "in_appraisal": "awaiting_supplement"},
    "supplement_supplied": {"awaiting_supplement": "in_appraisal"},
    "approved": {"in_appraisal": "approved"},
    "refused": {"in_appraisal": "refused", "awaiting_supplement": "refused"},
    "result_ready": {"approved": "result_ready", "refused": "result_ready"},
    "result_returned": {"result_ready": "returned"},
    "withdrawn": {state: "withdrawn" for state in OPEN},
}
#: (state before, event) → state after, for the allowed pairs only (one look-up per event).
NEXT = {(before, event): after for event, moves in TRANSITIONS.items()
        for before, after in moves.items()}
#: The natural order of events, used to order events of one dossier that share a timestamp.
ORDER = {event: i for i, event in enumerate(EVENTS)}


class TransitionError(ValueError):
    """An event the dossier's current state does not allow (the message says which are)."""


def allowed(state: str | None) -> tuple[str, ...]:
    """The events a dossier in ``state`` accepts (``None``: not known yet)."""
    return tuple(e for e in EVENTS if state in TRANSITIONS[e])


def advance(state: str | None, event: str) -> str:
    """The state after ``event``, or :class:`TransitionError` naming what was allowed."""
    after = NEXT.get((state, event))
    if after is None:
        raise TransitionError(refusal(state, event))
    return after


def refusal(state: str | None, event: str) -> str:
    """Why ``event`` cannot follow ``state`` (one sentence)."""
    if event not in TRANSITIONS:
        return f"unknown event {event!r}; known: {', '.join(EVENTS)}"
    where = "an unknown dossier" if state is None else f"a dossier in state {state}"
    options = ", ".join(allowed(state)) or "none (it is closed)"
    return f"{event} is not allowed for {where} (allowed: {options})"
