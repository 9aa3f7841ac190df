"""User accounts: creation with an Argon2 password hash, password checks, and the
lockout that stops guessing one account's password."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fees.errors import DomainError, FieldError
from fees.models import AuditEvent, ChargingEntity, User
from fees.services.base import audit, audit_origin, unit_of_work
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


@dataclass(frozen=True)
class Lockout:
    """After `max_failures` wrong passwords in a row an account refuses every sign-in for
    `minutes` (LOGIN_MAX_FAILURES, LOGIN_LOCKOUT_MINUTES; max_failures 0: never locked)."""

    max_failures: int = 5
    minutes: int = 15

    @classmethod
    def from_config(cls, config) -> Lockout:
        """Build the lockout rule from a Flask config mapping."""
        return cls(max_failures=int(config.get("LOGIN_MAX_FAILURES", 5)),
                   minutes=int(config.get("LOGIN_LOCKOUT_MINUTES", 15)))


class AccountLocked(DomainError):
    """The account is locked until `until` (UTC): no password, right or wrong, is accepted."""

    code = "locked"

    def __init__(self, until: datetime):
        super().__init__(_l("This account is locked after too many failed sign-ins."))
        self.until = until


def sign_in(session: Session, email: str, password: str, *, lockout: Lockout = Lockout(),
            now: datetime | None = None) -> User | None:
    """The active user with these credentials (recording the sign-in), or None; raises
    AccountLocked while the account is locked, and when this failure locks it.

    The same answer for an unknown e-mail and a wrong password, so the form does not
    reveal which accounts exist: both spend one Argon2 computation and one commit (an
    audit event), and an unknown address gets no lockout state. While an account is
    locked its password is not checked at all, so guessing on during the lock cannot
    tell a right password from a wrong one.
    """
    now = now or utcnow()
    email = (email or "").strip().lower()
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        hasher.hash(password or "")  # spend the same time as a real check
        with unit_of_work(session):
            _audit_unknown(session, email)
        return None
    if user.locked_until is not None and user.locked_until > now:
        hasher.hash(password or "")
        until = user.locked_until
        with unit_of_work(session):
            audit(session, None, "user.sign_in_locked", user, {"until": until.isoformat()})
        raise AccountLocked(until)
    if not check_password(user, password):
        _record_failure(session, user, lockout, now)
        return None
    if not user.active:
        with unit_of_work(session):
            audit(session, None, "user.sign_in_failed", user, {"reason": "inactive"})
        return None
    with unit_of_work(session):
        if hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hasher.hash(password)
        user.last_login_at = now
        user.failed_logins = 0
        user.locked_until = None
        audit(session, user, "user.sign_in", user)
    return user


def _record_failure(session: Session, user: User, lockout: Lockout, now: datetime) -> None:
    """Count a wrong password; at the limit, lock the account (raising AccountLocked).

    The count is incremented in the database, not in Python, so attempts served at the
    same moment by several processes or hosts are all counted."""
    until = None
    with unit_of_work(session):
        session.execute(update(User).where(User.id == user.id)
                        .values(failed_logins=User.failed_logins + 1).execution_options(synchronize_session=False))
        failures = session.scalar(select(User.failed_logins).where(User.id == user.id))
        if 0 < lockout.max_failures <= failures:
            until = now + timedelta(minutes=lockout.minutes)
            # The count starts again, so after the lock the owner has the full allowance.
            session.execute(update(User).where(User.id == user.id).values(failed_logins=0, locked_until=until)
                            .execution_options(synchronize_session=False))
        audit(session, None, "user.sign_in_failed", user, {"reason": "password", "failures": failures})
        if until is not None:
            audit(session, None, "user.lock", user, {"until": until.isoformat(), "failures": failures})
    session.expire(user)
    if until is not None:
        raise AccountLocked(until)


def _audit_unknown(session: Session, email: str) -> None:
    """A failed sign-in for an address no account has: audited (credential stuffing shows
    in the trail), but no state is kept that could later tell it from a real account.
    Only something shaped like an address is kept: people type passwords into the wrong box."""
    kept = email[:254] if EMAIL_RE.match(email) else ""
    session.add(AuditEvent(at=utcnow(), actor_id=None, action="user.sign_in_failed", object_type="User",
                           object_id=None, detail={"reason": "unknown", "email": kept},
                           origin=audit_origin.get()[:120]))


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
