"""The ``auth`` capability: ``GET /auth/whoami`` tells a client what its API key may do."""

from __future__ import annotations

import marshmallow as ma

from opengov.api import Blueprint
from opengov.bearer import BEARER_DOC, bearer_key
from opengov.capability import Capability

blp = Blueprint("auth", __name__, url_prefix="/auth", description="API keys")


class WhoAmISchema(ma.Schema):
    key_prefix = ma.fields.String(metadata={"description": "First characters of the token"})
    role = ma.fields.String()
    scope = ma.fields.String(allow_none=True)


@blp.route("/whoami")
@blp.doc(summary="The role and scope of the API key you send", **BEARER_DOC)
@blp.response(200, WhoAmISchema, example={"key_prefix": "og_AbCdEfG", "role": "ingest",
                                          "scope": None})
@blp.alt_response(401, response="UNAUTHORIZED")
def whoami():
    key = bearer_key()
    return {"key_prefix": key.prefix, "role": key.role, "scope": key.scope}


CAPABILITY = Capability(name="auth", blueprints=lambda _registry: [blp])
