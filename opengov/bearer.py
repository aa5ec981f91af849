"""Bearer API keys on views: ``bearer_key()`` and the ``require_role`` decorator (platform: any
capability, and the metrics endpoint, may need a key)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import g, request

from opengov.context import current
from opengov.errors import ApiError
from opengov.keys import ApiKey, verify_token

BEARER_DOC = {"security": [{"bearerAuth": []}]}
# A public operation that shows more to a key (``{}``: no key at all is fine too).
OPTIONAL_BEARER_DOC = {"security": [{}, {"bearerAuth": []}]}


def _unauthorized(detail: str) -> ApiError:
    return ApiError(401, detail, headers={"WWW-Authenticate": 'Bearer realm="opengov"'})


def bearer_key() -> ApiKey:
    """The key of this request, or a 401 problem."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Send an API key as 'Authorization: Bearer <token>'.")
    key = verify_token(current().store, token.strip())
    if key is None:
        raise _unauthorized("The API key is unknown or revoked.")
    return key


def require_role(*roles: str, scope: Callable[..., str | None] | None = None):
    """Allow only keys with one of ``roles``; ``scope(**view_kwargs)`` names the scope needed.

    A key without a scope may act on any scope; a scoped key only on its own.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            key = bearer_key()
            if key.role not in roles:
                raise ApiError(403, f"This needs a key with role {' or '.join(roles)}; yours "
                                    f"has role {key.role}.")
            needed = scope(**kwargs) if scope else None
            if needed is not None and key.scope is not None and key.scope != needed:
                raise ApiError(403, f"Your key is limited to scope {key.scope!r}.")
            g.api_key = key
            return view(*args, **kwargs)

        return wrapper

    return decorator
