"""Documented shapes of the dossier endpoints (flask-smorest / OpenAPI)."""

from __future__ import annotations

import marshmallow as ma
from webargs.fields import DelimitedList

from opengov.api import ProblemSchema
from opengov.dossiers.batch import FIELDS, REQUIRED
from opengov.dossiers.ledger import CHANNELS
from opengov.dossiers.machine import EVENTS, STATES

PERIOD = r"^(\d{4}-(0[1-9]|1[0-2])|(\d{4}-(0[1-9]|1[0-2])|\.\.)/(\d{4}-(0[1-9]|1[0-2])|\.\.))$"
_SPECIAL = {"kind": {"type": "string", "enum": list(EVENTS)},
            "at": {"type": "string", "format": "date-time"},
            "channel_in": {"type": "string", "enum": list(CHANNELS)},
            "channel_out": {"type": "string", "enum": list(CHANNELS)}}
EVENT_PROPERTIES = {name: _SPECIAL.get(name, {"type": "string"}) for name in FIELDS}
EVENT_SCHEMA = {"type": "object", "properties": EVENT_PROPERTIES, "required": list(REQUIRED),
                "additionalProperties": False}
EXAMPLE_EVENTS = [
    {"event_id": "evt-000184", "code": "000.00.13.H47-260302-0007", "kind": "received",
     "at": "2026-03-02T08:40:00+07:00", "pin": "K7Q4M2", "procedure": "1.001193",
     "centre": "hcc-tinh", "commune": "xa-dai-loc", "channel_in": "in_person",
     "channel_out": "postal"},
    {"event_id": "evt-000185", "code": "000.00.13.H47-260302-0007",
     "kind": "appraisal_started", "at": "2026-03-02T14:00:00+07:00"},
]


class RefusedEventSchema(ma.Schema):
    """One refused event (or, for a body that cannot be read at all, the offending field)."""

    index = ma.fields.Integer(metadata={"description": "Position of the event in the batch"})
    event_id = ma.fields.String(allow_none=True, metadata={"description": "Its event id"})
    reason = ma.fields.String(metadata={"description": "Why it is refused"})
    location = ma.fields.String(metadata={"description": "Where: json, form…"})
    field = ma.fields.String(allow_none=True, metadata={"description": "Offending field"})
    messages = ma.fields.List(ma.fields.String(), metadata={"description": "What is wrong"})


class EventsRefusedSchema(ProblemSchema):
    """RFC 9457 problem listing every refused event of a batch (nothing was stored)."""

    errors = ma.fields.List(ma.fields.Nested(RefusedEventSchema),
                            metadata={"description": "Every refused event"})


class DossierBatchResultSchema(ma.Schema):
    batch = ma.fields.String(metadata={"description": "Id of the stored batch"})
    received = ma.fields.Integer(metadata={"description": "Events in the request"})
    stored = ma.fields.Integer(metadata={"description": "Events stored now"})
    duplicates = ma.fields.Integer(metadata={"description": "Events already stored (resent)"})
    dossiers = ma.fields.Integer(metadata={"description": "Dossiers created or changed"})


class DossierTrackArgs(ma.Schema):
    code = ma.fields.String(required=True, validate=ma.validate.Length(1, 64),
                            metadata={"description": "Receipt code (mã hồ sơ)"})
    pin = ma.fields.String(required=True, validate=ma.validate.Length(1, 32),
                           metadata={"description": "Pin printed on the receipt"})


class DossierStepSchema(ma.Schema):
    step = ma.fields.String(metadata={"description": "reception, appraisal, approval, "
                                                     "result_return"})
    status = ma.fields.String(metadata={"description": "done, current or pending"})
    at = ma.fields.DateTime(allow_none=True)
    outcome = ma.fields.String(allow_none=True, metadata={"description": "approved or refused "
                                                                         "(approval step)"})


class DossierTrackSchema(ma.Schema):
    code = ma.fields.String()
    procedure = ma.fields.String()
    agency = ma.fields.String()
    state = ma.fields.String(metadata={"enum": list(STATES)})
    timeline = ma.fields.List(ma.fields.Nested(DossierStepSchema))
    received_at = ma.fields.DateTime()
    due_date = ma.fields.Date(allow_none=True, metadata={
        "description": "Last working day for the result; null while a supplement is awaited"})
    on_time = ma.fields.Boolean(allow_none=True, metadata={
        "description": "Resolved within the due date; for open dossiers, not overdue yet"})
    awaiting = ma.fields.String(allow_none=True, metadata={
        "description": "supplement (from you), agency, collection (result at the centre), post, "
                       "or null when closed"})
    channel_out = ma.fields.String(metadata={"enum": list(CHANNELS)})
    postal_code = ma.fields.String(allow_none=True, metadata={
        "description": "Postal tracking code of the result"})


TRACK_EXAMPLE = {
    "code": "000.00.13.H47-260302-0007", "procedure": "1.001193", "agency": "ubnd-cap-xa",
    "state": "result_ready",
    "timeline": [
        {"step": "reception", "status": "done", "at": "2026-03-02T01:40:00+00:00",
         "outcome": None},
        {"step": "appraisal", "status": "done", "at": "2026-03-02T07:00:00+00:00",
         "outcome": None},
        {"step": "approval", "status": "done", "at": "2026-03-03T03:00:00+00:00",
         "outcome": "approved"},
        {"step": "result_return", "status": "current", "at": None, "outcome": None}],
    "received_at": "2026-03-02T01:40:00+00:00", "due_date": "2026-03-03", "on_time": True,
    "awaiting": "post", "channel_out": "postal", "postal_code": None}


def period_field() -> ma.fields.String:
    """The ``period`` query argument: months of receipt."""
    return ma.fields.String(validate=ma.validate.Regexp(PERIOD), metadata={
        "description": "Month of receipt: `2026-03`, or a half-open range of months "
                       "`2026-01/2026-07` (either end may be `..`)"})


class DossierStatsArgs(ma.Schema):
    by = DelimitedList(ma.fields.String(validate=ma.validate.OneOf(
        ("month", "agency", "procedure", "commune", "channel"))), load_default=list,
        metadata={"description": "Group by these, comma-separated (combinable): month, agency, "
                                 "procedure, commune, channel"})
    agency = ma.fields.String(metadata={"description": "Handling agency code"})
    procedure = ma.fields.String(metadata={"description": "Procedure code"})
    field = ma.fields.String(metadata={"description": "Procedure field code (lĩnh vực)"})
    level = ma.fields.String(metadata={"description": "Procedure level (province, commune, "
                                                      "district_legacy)"})
    commune = ma.fields.String(metadata={"description": "Commune code"})
    channel = ma.fields.String(validate=ma.validate.OneOf(CHANNELS),
                               metadata={"description": "Channel the dossier came in"})
    period = period_field()


class DossierStatsCellSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    suppressed = ma.fields.Boolean(metadata={"description": "Fewer than 5 dossiers: figures "
                                                            "left out"})
    received = ma.fields.Integer()
    resolved = ma.fields.Integer()
    resolved_on_time = ma.fields.Integer()
    resolved_late = ma.fields.Integer()
    withdrawn = ma.fields.Integer()
    in_progress = ma.fields.Integer()
    overdue_now = ma.fields.Integer(metadata={"description": "Open, clock running, past due "
                                                            "today"})
    share_on_time = ma.fields.Float(allow_none=True)
    share_online = ma.fields.Float(allow_none=True)
    share_postal = ma.fields.Float(allow_none=True, metadata={
        "description": "Received or returned by post"})
    days_median = ma.fields.Integer(allow_none=True, metadata={
        "description": "Median days taken (statutory unit, supplement waits left out)"})
    days_p90 = ma.fields.Integer(allow_none=True)
    statutory_days_median = ma.fields.Integer(allow_none=True)


class DossierStatsSchema(ma.Schema):
    by = ma.fields.List(ma.fields.String())
    filters = ma.fields.Dict()
    period = ma.fields.String(allow_none=True)
    cohort = ma.fields.String()
    cells = ma.fields.List(ma.fields.Nested(DossierStatsCellSchema))
    suppression = ma.fields.Dict()


BASES = ("received", "handled")
BASIS_DOC = (
    "Which dossiers a month counts. `received` (default): the dossiers received in the month "
    "(cohort), all figures, 2.1 over those resolved. `handled`: the national portal's reading "
    "of indicator 2.1, as at the month's end (its last day, today for the current month): "
    "dossiers resolved in the month + dossiers still open at its end; on time = resolved on "
    "or before the due date + open and not overdue on that day. Only figure 2.1 and its two "
    "parts (2.1.resolved, 2.1.open); `period` then selects the months handled, and without "
    "`month` in `by` the whole period is one, as at its end.")


class DossierIndexArgs(ma.Schema):
    by = DelimitedList(ma.fields.String(validate=ma.validate.OneOf(("agency", "month"))),
                       load_default=lambda: ["agency", "month"],
                       metadata={"description": "Cells per agency and/or month (of receipt, "
                                                "or handled with `basis=handled`; default "
                                                "`agency,month`; empty: one cell)"})
    agency = ma.fields.String(metadata={"description": "Handling agency code"})
    procedure = ma.fields.String(metadata={
        "description": "Procedure code; needed for figure 2.2 (mean time per procedure)"})
    period = period_field()
    basis = ma.fields.String(load_default="received", validate=ma.validate.OneOf(BASES),
                             metadata={"description": BASIS_DOC})


class IndexFigureSchema(ma.Schema):
    id = ma.fields.String(metadata={"description": "Figure id (see `figures`): 2.1, "
                                                   "2.1.early, 2.2, 3.3.online… (basis "
                                                   "`handled`: 2.1, 2.1.resolved, 2.1.open)"})
    numerator = ma.fields.Integer()
    denominator = ma.fields.Integer()
    value = ma.fields.Float(allow_none=True, metadata={
        "description": "numerator / denominator (a share; for 2.2 mean days)"})
    points = ma.fields.Float(allow_none=True, metadata={"description": "Score, where scored"})
    max_points = ma.fields.Float(metadata={"description": "The indicator's maximum points"})


class DossierIndexCellSchema(ma.Schema):
    agency = ma.fields.String()
    month = ma.fields.String()
    suppressed = ma.fields.Boolean(metadata={"description": "Fewer than 5 dossiers: figures "
                                                            "left out"})
    received = ma.fields.Integer(metadata={"description": "Dossiers received (basis "
                                                          "`received`)"})
    handled = ma.fields.Integer(metadata={"description": "Dossiers resolved in the period or "
                                                         "open at its end (basis `handled`)"})
    as_of = ma.fields.Date(metadata={"description": "Reporting day: the period's last day, or "
                                                    "today (basis `handled`)"})
    figures = ma.fields.List(ma.fields.Nested(IndexFigureSchema))


class IndexDefinitionSchema(ma.Schema):
    id = ma.fields.String()
    indicator = ma.fields.String(metadata={"description": "The decision's indicator"})
    name_vi = ma.fields.String()
    name = ma.fields.String()
    numerator = ma.fields.String()
    denominator = ma.fields.String()
    max_points = ma.fields.Float()
    scoring = ma.fields.String()
    needs = ma.fields.String(metadata={"description": "Filter without which it is not given"})


class NotComputableSchema(ma.Schema):
    id = ma.fields.String()
    group = ma.fields.String()
    name_vi = ma.fields.String()
    reason = ma.fields.String()


class IndexGroupSchema(ma.Schema):
    id = ma.fields.String()
    name_vi = ma.fields.String()
    name = ma.fields.String()
    max_points = ma.fields.Integer()


class DossierIndexSchema(ma.Schema):
    decision = ma.fields.Dict(metadata={"description": "Decision 766/QĐ-TTg: number, date, "
                                                       "title, url"})
    by = ma.fields.List(ma.fields.String())
    filters = ma.fields.Dict()
    period = ma.fields.String(allow_none=True)
    basis = ma.fields.String(validate=ma.validate.OneOf(BASES), metadata={
        "description": "Which dossiers the figures count: `received` or `handled`"})
    cohort = ma.fields.String(metadata={"description": "What the figures count"})
    month_rule = ma.fields.String(metadata={"description": "How a dossier gets its month"})
    groups = ma.fields.List(ma.fields.Nested(IndexGroupSchema))
    figures = ma.fields.List(ma.fields.Nested(IndexDefinitionSchema))
    not_computable = ma.fields.List(ma.fields.Nested(NotComputableSchema))
    sources = ma.fields.Dict()
    cells = ma.fields.List(ma.fields.Nested(DossierIndexCellSchema))
    suppression = ma.fields.Dict()
