"""The status machine on its own: any sequence of requests keeps the history valid."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from opengov.errors import ApiError
from opengov.reports.collection import CLOSED_STATUSES, STATUSES
from opengov.reports.workflow import TRANSITIONS, Change, open311_status, plan

changes = st.builds(Change, status=st.none() | st.sampled_from(STATUSES),
                    agency=st.none() | st.sampled_from(("a", "b")),
                    note=st.none() | st.sampled_from(("", "lý do")))


@given(st.lists(st.tuples(changes, st.booleans()), max_size=12))
def test_any_sequence_of_requests_follows_the_transitions(requests):
    status, agency = "received", "a"
    for change, may_reassign in requests:
        try:
            steps = plan(status, agency, change, may_reassign=may_reassign)
        except ApiError as exc:
            assert exc.code in (403, 409, 422)
            continue
        if status in CLOSED_STATUSES:  # closed reports take notes, never another status
            assert [(s.kind, s.status, s.agency) for s in steps] == [("note", status, agency)]
        for step in steps:
            if step.kind == "status_change":
                assert step.status in TRANSITIONS[status] or step.status == status
            if step.kind == "assignment":
                assert may_reassign and step.status == "assigned"
            if step.status == "rejected":
                assert step.note and step.note.strip()
            status, agency = step.status, step.agency


def test_open311_has_two_statuses():
    assert {open311_status(s) for s in STATUSES} == {"open", "closed"}
    assert [s for s in STATUSES if open311_status(s) == "closed"] == list(CLOSED_STATUSES)
