"""API keys: 256-bit random tokens, stored only as SHA-256, each with a role and a scope."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import insert, select, update

from opengov.store.engine import write_transaction
from opengov.store.repository import Store
from opengov.store.types import utcnow

TOKEN_PREFIX = "og_"


@dataclass(frozen=True)
class ApiKey:
    id: int
    prefix: str
    role: str
    scope: str | None
    label: str | None
    created_at: datetime
    revoked_at: datetime | None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_key(store: Store, role: str, scope: str | None = None,
               label: str | None = None) -> tuple[ApiKey, str]:
    """Store a new key; returns it with the token, which is never shown again."""
    if not role or not role.replace("_", "").replace("-", "").isalnum():
        raise ValueError("role must be a short word (letters, digits, _ and -)")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)  # 32 bytes = 256 bits
    t = store.table("api_keys")
    now = utcnow()
    with write_transaction(store.engine) as conn:
        key_id = conn.execute(insert(t).values(
            token_sha256=_digest(token), prefix=token[:10], role=role, scope=scope, label=label,
            created_at=now)).inserted_primary_key[0]
    return ApiKey(key_id, token[:10], role, scope, label, now, None), token


def list_keys(store: Store) -> list[ApiKey]:
    t = store.table("api_keys")
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.c.id, t.c.prefix, t.c.role, t.c.scope, t.c.label,
                                   t.c.created_at, t.c.revoked_at).order_by(t.c.id)).all()
    return [ApiKey(*r) for r in rows]


def revoke_key(store: Store, key_id: int) -> bool:
    """Revoke key ``key_id``; False if there is no such active key."""
    t = store.table("api_keys")
    with write_transaction(store.engine) as conn:
        result = conn.execute(update(t).where(t.c.id == key_id, t.c.revoked_at.is_(None))
                              .values(revoked_at=utcnow()))
    return result.rowcount == 1


def verify_token(store: Store, token: str) -> ApiKey | None:
    """The active key with this token, or None."""
    t = store.table("api_keys")
    with store.engine.connect() as conn:
        row = conn.execute(select(t.c.id, t.c.prefix, t.c.role, t.c.scope, t.c.label,
                                  t.c.created_at, t.c.revoked_at)
                           .where(t.c.token_sha256 == _digest(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    if has_request_context():  # the access log names the key by its id, never the token
        request.environ["opengov.api_key_id"] = row.id
    return ApiKey(*row)
