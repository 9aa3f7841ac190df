"""Bearer-token authentication for the publisher API.

Publishers' systems send `Authorization: Bearer opf_…` (tokens from /publish/ or
`flask tokens create`). No cookie is ever looked at here: the API blueprint is exempt
from CSRF precisely because only a token, which no other site can send, authorises it.
"""
from __future__ import annotations

from functools import wraps

from flask import g, make_response, request
from flask_babel import lazy_gettext as _l

from fees.db import db
from fees.models import ApiToken, User
from fees.services import tokens
from fees.services.base import audit_origin
from fees.views.errors import render_problem

REALM = "Open Port Fees publisher API"


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def unauthorized(detail, error: str | None = None):
    """401 problem+json with the RFC 6750 challenge.

    `error="invalid_token"` tells a client its token was seen but refused (so asking
    the user for a new one helps); without it, the client simply sent none.
    """
    response = make_response(render_problem(401, str(_l("Authentication required")), str(detail)))
    challenge = f'Bearer realm="{REALM}"'
    if error:
        challenge += f', error="{error}"'
    response.headers["WWW-Authenticate"] = challenge
    return response


def private(response):
    """Answers about one publisher's drafts are for that publisher only: never cache them."""
    response.headers["Cache-Control"] = "no-store"
    return response


def token_required(view):
    """Run `view` only for an active publisher's valid token; answer 401/403 otherwise.

    On success the user and the token are on `g.api_user` / `g.api_token`, and every
    write the services make during this request is audited as coming from this token.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        """Authenticate, then run the view; its answer is never cached."""
        token = bearer_token()
        if token is None:
            return private(unauthorized(_l("Send an API token in the header Authorization: Bearer opf_…")))
        found = tokens.authenticate(db.session, token)
        if found is None:
            return private(unauthorized(
                _l("The API token is unknown or revoked, or its account is deactivated."), "invalid_token"))
        user, row = found
        if user.role != "publisher" or user.entity is None:
            # A token outlives a change of role; only an entity's publishers may write.
            return private(make_response(render_problem(
                403, str(_l("API tokens are for publisher accounts.")))))
        g.api_user, g.api_token = user, row
        audit_origin.set(f"api token {row.prefix} {request.remote_addr or '-'}")
        return private(make_response(view(*args, **kwargs)))

    return wrapped


def current_publisher() -> User:
    """The publisher whose token authorised this request (inside a @token_required view)."""
    return g.api_user


def current_token() -> ApiToken:
    """The token that authorised this request (inside a @token_required view)."""
    return g.api_token
