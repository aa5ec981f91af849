"""HTTP endpoints of dossiers: ingest events, follow a dossier, statistics."""

from __future__ import annotations

import marshmallow as ma
from flask import Response, g

from opengov import bodylimit
from opengov.api import Blueprint
from opengov.bearer import BEARER_DOC, require_role
from opengov.context import current
from opengov.dossiers import batch, handled, index_terms, tracking
from opengov.dossiers import index as index_module
from opengov.dossiers import stats as stats_module
from opengov.dossiers.clock import local_date
from opengov.dossiers.ingest import ingest
from opengov.dossiers.pins import Pins, load_secret
from opengov.dossiers.schemas import (
    EVENT_SCHEMA,
    EXAMPLE_EVENTS,
    TRACK_EXAMPLE,
    DossierBatchResultSchema,
    DossierIndexArgs,
    DossierIndexSchema,
    DossierStatsArgs,
    DossierStatsSchema,
    DossierTrackArgs,
    DossierTrackSchema,
    EventsRefusedSchema,
)
from opengov.dossiers.workdays import WorkCalendar
from opengov.geo.geojson import dumps
from opengov.reports.limits import client_key
from opengov.store.types import utcnow

blp = Blueprint("dossiers", __name__, url_prefix="/dossiers",
                description="Dossiers of administrative procedures: follow yours, see how the "
                            "administration performs")

INGEST_ROLES = ("one-stop", "admin")
EXTENSION = "opengov-dossiers"
PINS = "opengov-dossiers-pins"


@blp.record_once
def _setup(state) -> None:
    """Per application: the working-day calendar and the ingest body cap."""
    state.app.extensions[EXTENSION] = WorkCalendar()
    tracking.install_limiter(state.app, state.app.extensions["opengov"].settings)
    bodylimit.allow_larger(state.app, "dossiers.post_events", lambda s: s.ingest_max_body_bytes)


def calendar() -> WorkCalendar:
    from flask import current_app

    return current_app.extensions[EXTENSION]


def pins() -> Pins:
    """The application's pin hasher, its secret read (or created) on first use."""
    from flask import current_app

    hasher = current_app.extensions.get(PINS)
    if hasher is None:
        settings = current_app.extensions["opengov"].settings
        hasher = Pins(load_secret(settings.dossier_pin_secret, settings.instance_path))
        current_app.extensions[PINS] = hasher
    return hasher


@blp.route("/events", methods=["POST"])
@blp.doc(summary="Ingest a batch of dossier events (role one-stop)",
         description="Events from the one-stop system, as a JSON array (or `{\"events\": […]}`) "
                     "or CSV with a header row of the same field names. All or nothing: every "
                     "event is checked against the dossier's state machine and the procedures "
                     "catalogue, and if any is refused the answer is 422 listing each refused "
                     "event with its index and reason, and nothing is stored. An event id "
                     "already stored is a duplicate and stored once (resending is safe). Events "
                     "of one dossier within a batch are applied in time order; an event older "
                     "than what an earlier batch stored for its dossier is refused. A key "
                     "scoped to an agency writes only that agency's dossiers (403). The pin "
                     "arrives once, in `received`, and only its hash is kept; no personal data "
                     "field is accepted. Up to 10,000 events per batch.",
         requestBody={"required": True, "content": {
             "application/json": {"schema": {"type": "array", "items": EVENT_SCHEMA,
                                             "minItems": 1, "maxItems": batch.MAX_EVENTS},
                                  "example": EXAMPLE_EVENTS},
             "text/csv": {"schema": {"type": "string",  # a header line and ≥ 1 event row
                                     "pattern": r"^[^\r\n]+\r?\n[^\r\n]+"},
                          "example": "event_id,code,kind,at\r\nevt-000186,"
                                     "000.00.13.H47-260302-0007,approved,"
                                     "2026-03-04T10:00:00+07:00\r\n"}}},
         **BEARER_DOC)
@blp.response(200, DossierBatchResultSchema, description="Stored (or all duplicates)", example={
    "batch": "20260302T081500-3f9a1c2b", "received": 2, "stored": 2, "duplicates": 0,
    "dossiers": 1})
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
@blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
@blp.alt_response(422, schema=EventsRefusedSchema, content_type="application/problem+json",
                  description="Refused events, each with its index and reason; nothing stored")
@require_role(*INGEST_ROLES)
def post_events():
    items = batch.read_body()
    events, problems = batch.parse(items)
    result = ingest(current().store, calendar(), events, problems, total=len(items),
                    scope=g.api_key.scope, pins=pins())
    return {"batch": result.batch, "received": result.received, "stored": result.stored,
            "duplicates": result.duplicates, "dossiers": result.dossiers}


@blp.route("/track")
@blp.doc(summary="Follow your dossier with the code and pin on your receipt",
         description="The state, the four steps (reception, appraisal, approval, result "
                     "return) with their dates, the due date (working days; paused while a "
                     "supplement is awaited), whether it is on time, what it waits for "
                     "(`supplement` from you, the `agency`, `collection` at the centre, the "
                     "`post`, `online_delivery`) and the postal tracking code of the result. "
                     "A wrong pin and an unknown code are the same 404. Lookups are "
                     "rate-limited per client (429 with `Retry-After`). Never cached: "
                     "`Cache-Control: private, no-store`.")
@blp.arguments(DossierTrackArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
@blp.response(200, DossierTrackSchema, example=TRACK_EXAMPLE, description="Your dossier")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def track(args):
    tracking.check_rate(client_key())
    store = current().store
    with store.engine.connect() as conn:
        found = tracking.find(store, conn, pins(), args["code"], args["pin"])
    if found is None:
        raise tracking.not_found()
    body = DossierTrackSchema().dump(tracking.view(*found, utcnow()))
    response = Response(dumps(body), mimetype="application/json")
    response.headers["Cache-Control"] = "private, no-store"
    return response


COHORT = ("Figures count the dossiers received in the period (month of receipt); days are "
          "working days (or calendar days where the procedure says so), supplement waits left "
          "out.")


def _period(text: str | None) -> tuple[str | None, str | None]:
    """``2026-03`` → (2026-03, 2026-04); ``a/b`` → (a, b) with ``..`` open."""
    if not text:
        return None, None
    if "/" not in text:
        year, month = map(int, text.split("-"))
        return text, f"{year + month // 12:04d}-{month % 12 + 1:02d}"
    start, end = (None if part == ".." else part for part in text.split("/"))
    return start, end


@blp.route("/stats")
@blp.doc(summary="How well dossiers are handled: received, on time, late, overdue, channels",
         description="Filters (agency, procedure, field, level, commune, channel, period) and "
                     "grouping `by=month,agency,…` (combinable). Per cell: received, resolved "
                     "on time and late, in progress, withdrawn, overdue now, shares online and "
                     "postal, median and 90th percentile days taken against the statutory "
                     "time. " + COHORT + " Cells with fewer than 5 dossiers are suppressed "
                     "and counted in `suppression`. Aggregates only: nothing identifies a "
                     "dossier.")
@blp.arguments(DossierStatsArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
@blp.response(200, DossierStatsSchema, example={
    "by": ["agency"], "filters": {}, "period": "2026-03", "cohort": COHORT,
    "cells": [{"agency": "so-xay-dung", "received": 120, "resolved": 100,
               "resolved_on_time": 91, "resolved_late": 9, "withdrawn": 2, "in_progress": 18,
               "overdue_now": 3, "share_on_time": 0.91, "share_online": 0.42,
               "share_postal": 0.18, "days_median": 6, "days_p90": 14,
               "statutory_days_median": 10, "suppressed": False},
              {"agency": "so-tu-phap", "suppressed": True}],
    "suppression": {"threshold": 5, "suppressed_cells": 1, "note": "…"}})
def stats(args):
    start, end = _period(args.get("period"))
    filters = {k: args[k] for k in stats_module.FILTERS if args.get(k) is not None}
    by = tuple(dict.fromkeys(args["by"]))
    store = current().store
    request = stats_module.Request(by=by, filters=filters, start=start, end=end)
    with store.reading() as conn:
        body = stats_module.compute(store, conn, request, local_date(utcnow()))
    body = {"by": list(by), "filters": filters, "period": args.get("period"),
            "cohort": COHORT, **body}
    response = Response(dumps(body), mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


HANDLED = ("Figures count the dossiers handled in the period: resolved in it, or still open at "
           "its end (as at its last day, today for the current month); the national portal's "
           "reading of indicator 2.1 (docs/dossiers.md).")
HANDLED_RULE = ("A dossier counts in every month it is handled in: the month it is resolved in "
                "and each month at whose end it is still open.")
MONTH_RULE = ("A dossier belongs to the month it was received in (cohort), as in /dossiers/stats; "
              "the decision does not say how a period is assigned (docs/dossiers.md).")
INDEX_EXAMPLE = {
    "by": ["agency", "month"], "filters": {},
    "period": "2026-03", "basis": "received", "cohort": COHORT, "month_rule": MONTH_RULE,
    "cells": [{"agency": "so-xay-dung", "month": "2026-03", "suppressed": False,
               "received": 120, "figures": [
                   {"id": "2.1", "numerator": 91, "denominator": 100, "value": 0.91,
                    "points": 18.2, "max_points": 20},
                   {"id": "2.1.early", "numerator": 60, "denominator": 100, "value": 0.6},
                   {"id": "3.3.online", "numerator": 50, "denominator": 120,
                    "value": 0.4167}]},
              {"agency": "so-tu-phap", "month": "2026-03", "suppressed": True}],
    "suppression": {"threshold": 5, "suppressed_cells": 1, "note": "…"},
    **index_terms.definitions()}


@blp.route("/index")
@blp.doc(summary="Service-delivery index (Decision 766/QĐ-TTg): the figures dossiers give",
         description="Per agency and month of receipt, the indicators of the Prime Minister's "
                     "Decision 766/QĐ-TTg of 23 June 2022 that dossier events support: 2.1 "
                     "share resolved early or on time (20 points; also its early, on-due-date "
                     "and late parts), 2.2 mean days taken per procedure (with `procedure=`), "
                     "3.3 shares received online, in person and by post. Each figure gives its "
                     "numerator and denominator; `figures` defines them, `not_computable` lists "
                     "the decision's other indicators with the reason. " + COHORT + " With "
                     "`basis=handled`, figure 2.1 as the national portal reads it instead: "
                     + HANDLED + " Cells with fewer than 5 dossiers are suppressed. Filters: "
                     "agency, procedure, period.")
@blp.arguments(DossierIndexArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
@blp.response(200, DossierIndexSchema, example=INDEX_EXAMPLE,
              description="Figures per cell, their definitions and sources")
def service_index(args):
    start, end = _period(args.get("period"))
    filters = {k: args[k] for k in ("agency", "procedure") if args.get(k) is not None}
    by = tuple(dict.fromkeys(args["by"]))
    store = current().store
    request = stats_module.Request(by=by, filters=filters, start=start, end=end)
    basis = args["basis"]
    with store.reading() as conn:
        if basis == "handled":
            body = handled.compute(store, conn, request, utcnow(), calendar())
        else:
            body = index_module.compute(store, conn, request)
    body = {"by": list(by), "filters": filters, "period": args.get("period"), "basis": basis,
            "cohort": HANDLED if basis == "handled" else COHORT,
            "month_rule": HANDLED_RULE if basis == "handled" else MONTH_RULE,
            **index_terms.definitions(basis), **body}
    response = Response(dumps(body), mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
