"""User accounts, API tokens, and the audit trail."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fees.db import Base
from fees.models.reference import ChargingEntity
from fees.types import UTCDateTime, utcnow
from fees.vocab import ROLES, sql_in


class User(Base):
    """A person who signs in: a publisher bound to one entity, a regulator, or an admin."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(f"role IN ({sql_in(ROLES)})", name="role"),
        CheckConstraint("role != 'publisher' OR entity_id IS NOT NULL", name="publisher_entity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("charging_entity.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Brute-force protection (fees.services.accounts.sign_in): wrong passwords in a row,
    # and the end of the lock they led to. In the database, so every process and host agrees.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    entity: Mapped[ChargingEntity | None] = relationship()

    # The attributes Flask-Login asks of a user object.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        """Deactivated accounts cannot sign in or use tokens."""
        return self.active

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session."""
        return str(self.id)


class ApiToken(Base):
    """A bearer token for a publisher's system. Only the SHA-256 of the token is kept."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class AuditEvent(Base):
    """Who did what to which object, and when: every write a service makes."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None]
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    # Where the write came from: "web 203.0.113.7", "api token opf_ab12 …", "cli".
    origin: Mapped[str] = mapped_column(String(120), default="", server_default="")
