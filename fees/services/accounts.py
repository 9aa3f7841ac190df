"""User accounts: creation with an Argon2 password hash, and password checks."""
from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fees.errors import DomainError, FieldError
from fees.models import ChargingEntity, User
from fees.services.base import audit, unit_of_work
from fees.types import utcnow
from fees.vocab import ROLES

hasher = PasswordHasher()
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: str,
    entity: ChargingEntity | None = None,
    name: str = "",
    actor: User | None = None,
) -> User:
    """Create an account. Publishers are bound to exactly one entity. Admins create any
    account, regulators publisher accounts only; actor=None is the operator at the CLI."""
    if actor is not None and not (actor.role == "admin" or (actor.role == "regulator" and role == "publisher")):
        raise DomainError(_l("You may not create this kind of account."), code="forbidden")
    email = (email or "").strip().lower()
    errors: list[FieldError] = []
    if not EMAIL_RE.match(email):
        errors.append(FieldError("email", _l("Enter a valid e-mail address.")))
    if role not in ROLES:
        errors.append(FieldError("role", _l("Unknown role: %(value)s.", value=role)))
    if role == "publisher" and entity is None:
        errors.append(FieldError("entity", _l("A publisher account belongs to one charging entity.")))
    if role != "publisher" and entity is not None:
        errors.append(FieldError("entity", _l("Only publisher accounts belong to an entity.")))
    if len(password or "") < MIN_PASSWORD:
        errors.append(FieldError("password", _l("Use at least %(n)s characters.", n=MIN_PASSWORD)))
    if errors:
        raise DomainError(_l("Please correct the highlighted fields."), errors=errors)
    if session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise DomainError(_l("An account with this e-mail address exists already."), code="duplicate",
                          errors=[FieldError("email", _l("Already in use."))])
    with unit_of_work(session):
        user = User(email=email, name=name.strip(), role=role, entity=entity,
                    password_hash=hasher.hash(password))
        session.add(user)
        session.flush()
        audit(session, actor, "user.create", user, {"email": email, "role": role})
    return user


def check_password(user: User, password: str) -> bool:
    """True when the password matches the stored Argon2 hash."""
    try:
        return hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def sign_in(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials (recording the sign-in), or None.

    The same answer for an unknown e-mail and a wrong password, so the form does not
    reveal which accounts exist.
    """
    user = session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        hasher.hash(password or "")  # spend the same time as a real check
        return None
    if not user.active or not check_password(user, password):
        return None
    with unit_of_work(session):
        if hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hasher.hash(password)
        user.last_login_at = utcnow()
        audit(session, user, "user.sign_in", user)
    return user


def set_active(session: Session, user_id: int, active: bool, *, actor: User | None = None) -> User:
    """Deactivate (or reactivate) an account; its sessions and tokens stop working."""
    if actor is not None and actor.role != "admin":
        raise DomainError(_l("Only administrators may do this."), code="forbidden")
    user = session.get(User, user_id)
    if user is None:
        raise DomainError(_l("No such account."), code="not_found")
    with unit_of_work(session):
        user.active = active
        audit(session, actor, "user.activate" if active else "user.deactivate", user)
    return user


def generate_password() -> str:
    """A random password for a new account, to be changed by its owner."""
    return secrets.token_urlsafe(12)
