"""HTTP endpoints of dossiers: ingest events, follow a dossier, statistics."""

from __future__ import annotations

from flask import g

from opengov import bodylimit
from opengov.api import Blueprint
from opengov.bearer import BEARER_DOC, require_role
from opengov.context import current
from opengov.dossiers import batch
from opengov.dossiers.ingest import ingest
from opengov.dossiers.schemas import EVENT_SCHEMA, EXAMPLE_EVENTS, DossierBatchResultSchema
from opengov.dossiers.workdays import WorkCalendar

blp = Blueprint("dossiers", __name__, url_prefix="/dossiers",
                description="Dossiers of administrative procedures: follow yours, see how the "
                            "administration performs")

INGEST_ROLES = ("one-stop", "admin")
EXTENSION = "opengov-dossiers"


@blp.record_once
def _setup(state) -> None:
    """Per application: the working-day calendar and the ingest body cap."""
    state.app.extensions[EXTENSION] = WorkCalendar()
    bodylimit.allow_larger(state.app, "dossiers.post_events", lambda s: s.ingest_max_body_bytes)


def calendar() -> WorkCalendar:
    from flask import current_app

    return current_app.extensions[EXTENSION]


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
             "application/json": {"schema": {"type": "array", "items": EVENT_SCHEMA},
                                  "example": EXAMPLE_EVENTS},
             "text/csv": {"schema": {"type": "string"},
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
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@require_role(*INGEST_ROLES)
def post_events():
    items = batch.read_body()
    events, problems = batch.parse(items)
    result = ingest(current().store, calendar(), events, problems, total=len(items),
                    scope=g.api_key.scope)
    return {"batch": result.batch, "received": result.received, "stored": result.stored,
            "duplicates": result.duplicates, "dossiers": result.dossiers}
