"""API tokens for publishers' systems. The token is shown once; only its SHA-256 is kept."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from fees.errors import DomainError
from fees.models import ApiToken, User
from fees.services.base import audit, unit_of_work
from fees.types import utcnow

PREFIX = "opf_"
# Recording every use would turn each API read into a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(token: str) -> str:
    """SHA-256 of a token: a token is 256 random bits, so a fast hash is safe here."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, user: User, *, name: str = "", actor: User | None = None) -> tuple[str, ApiToken]:
    """Issue a token for a publisher (or for oneself); returns the token text, shown only once."""
    if user.role != "publisher":
        raise DomainError(_l("API tokens are for publisher accounts."), code="forbidden")
    if actor is not None and actor.id != user.id and actor.role != "admin":
        raise DomainError(_l("You may only create tokens for your own account."), code="forbidden")
    token = PREFIX + secrets.token_urlsafe(32)
    with unit_of_work(session):
        row = ApiToken(user=user, name=name.strip()[:100], token_hash=token_hash(token), prefix=token[:12])
        session.add(row)
        session.flush()
        audit(session, actor, "token.create", row, {"user": user.email, "prefix": row.prefix})
    return token, row


def authenticate(session: Session, token: str) -> tuple[User, ApiToken] | None:
    """The active user a presented token belongs to, or None (unknown, revoked, inactive)."""
    if not token or not token.startswith(PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        row.last_used_at = now
        session.commit()
    return row.user, row


def revoke_token(session: Session, token_id: int, *, actor: User | None = None) -> ApiToken:
    """Revoke a token at once; its holder gets 401 from then on."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise DomainError(_l("No such token."), code="not_found")
    if actor is not None and actor.id != row.user_id and actor.role != "admin":
        raise DomainError(_l("You may only revoke your own tokens."), code="forbidden")
    with unit_of_work(session):
        row.revoked_at = utcnow()
        audit(session, actor, "token.revoke", row, {"prefix": row.prefix})
    return row


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """A user's tokens, newest first."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))
