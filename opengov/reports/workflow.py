"""The status machine of a report and its Open311 projection.

received → assigned → in_progress → resolved | rejected. A dispatcher may reassign an open
report to another agency at any point (it becomes ``assigned`` to the new agency). Rejecting
needs a reason. Open311 has only ``open`` and ``closed`` (DOMAIN.md §1, GeoReport v2), so the
finer steps go into ``status_notes`` and the ``notes[]`` extension.
"""

from __future__ import annotations

from dataclasses import dataclass

from opengov.errors import ApiError
from opengov.reports.collection import CLOSED_STATUSES

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "received": ("assigned", "rejected"),
    "assigned": ("in_progress", "rejected"),
    "in_progress": ("resolved", "rejected"),
    "resolved": (),
    "rejected": (),
}

DEFAULT_NOTES = {
    "received": "Đã tiếp nhận phản ánh. / Report received.",
    "assigned": "Đã chuyển cơ quan xử lý. / Assigned to the responsible agency.",
    "in_progress": "Đang xử lý. / Work in progress.",
    "resolved": "Đã xử lý xong. / Resolved.",
}


@dataclass(frozen=True)
class Change:
    """What an official asks for: a new status, another agency, and/or a note."""

    status: str | None = None
    agency: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Step:
    """One history entry to record."""

    kind: str  # status_change | assignment | note
    status: str
    agency: str | None
    note: str | None


def plan(current_status: str, current_agency: str | None, change: Change, *,
         may_reassign: bool) -> list[Step]:
    """The history steps ``change`` makes, or a 4xx problem when it is not allowed."""
    if current_status in CLOSED_STATUSES and (change.status or change.agency):
        raise ApiError(409, f"The report is {current_status}; it cannot change any more.")
    steps: list[Step] = []
    status, agency = current_status, current_agency
    if change.agency is not None and change.agency != current_agency:
        if not may_reassign:
            raise ApiError(403, "Only a dispatcher or an admin can reassign a report.")
        agency, status = change.agency, "assigned"
        steps.append(Step("assignment", status, agency,
                          change.note if change.status is None else None))
    if change.status is not None and change.status != status:
        if change.status not in TRANSITIONS[status]:
            allowed = ", ".join(TRANSITIONS[status]) or "none"
            raise ApiError(409, f"A {status} report cannot become {change.status} "
                                f"(allowed: {allowed}).")
        if change.status == "rejected" and not (change.note and change.note.strip()):
            raise ApiError(422, "Rejecting a report needs a reason in `note`.",
                           errors=[{"location": "json", "field": "note",
                                    "messages": ["Required when status is rejected."]}])
        status = change.status
        steps.append(Step("status_change", status, agency,
                          change.note or DEFAULT_NOTES.get(status)))
    if not steps:
        if not (change.note and change.note.strip()):
            raise ApiError(409, f"The report is already {status}"
                                f"{f' with {agency}' if agency else ''}: nothing to change.")
        steps.append(Step("note", status, agency, change.note))
    return steps


def open311_status(status: str) -> str:
    return "closed" if status in CLOSED_STATUSES else "open"
