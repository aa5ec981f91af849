"""The dossier state machine, every (state, event) pair."""

import pytest

from opengov.dossiers import machine

# What a one-stop officer expects, written out by hand (not derived from TRANSITIONS).
EXPECTED = {
    (None, "received"): "received",
    ("received", "appraisal_started"): "in_appraisal",
    ("received", "supplement_requested"): "awaiting_supplement",
    ("received", "withdrawn"): "withdrawn",
    ("in_appraisal", "supplement_requested"): "awaiting_supplement",
    ("in_appraisal", "approved"): "approved",
    ("in_appraisal", "refused"): "refused",
    ("in_appraisal", "withdrawn"): "withdrawn",
    ("awaiting_supplement", "supplement_supplied"): "in_appraisal",
    ("awaiting_supplement", "refused"): "refused",
    ("awaiting_supplement", "withdrawn"): "withdrawn",
    ("approved", "result_ready"): "result_ready",
    ("refused", "result_ready"): "result_ready",
    ("result_ready", "result_returned"): "returned",
}
PAIRS = [(s, e) for s in (None, *machine.STATES) for e in machine.EVENTS]


@pytest.mark.parametrize(("state", "event"), PAIRS)
def test_every_state_and_event(state, event):
    if (state, event) in EXPECTED:
        assert machine.advance(state, event) == EXPECTED[(state, event)]
        assert event in machine.allowed(state)
    else:
        with pytest.raises(machine.TransitionError) as caught:
            machine.advance(state, event)
        assert event not in machine.allowed(state)
        assert "allowed:" in str(caught.value)


def test_pairs_cover_the_whole_table():
    assert len(PAIRS) == 9 * 9
    assert all(s in (None, *machine.STATES) and machine.advance(s, e) in machine.STATES
               for s, e in EXPECTED)


def test_closed_states_accept_nothing():
    for state in machine.TERMINAL:
        assert machine.allowed(state) == ()
        with pytest.raises(machine.TransitionError, match="closed"):
            machine.advance(state, "approved")


def test_unknown_event_is_named():
    with pytest.raises(machine.TransitionError, match="unknown event 'lost'"):
        machine.advance("received", "lost")
