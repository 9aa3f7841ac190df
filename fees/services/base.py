"""What every service shares: the unit of work, policy, audit, and permission checks."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from fees.errors import Conflict, DomainError
from fees.models import AuditEvent, ChargingEntity, User
from fees.types import utcnow


@dataclass(frozen=True)
class Policy:
    """Site rules that are settings rather than code (see README, Configuration)."""

    notice_days: int = 30
    notice_policy: str = "flag"  # "flag" or "enforce"
    timezone: str = "Asia/Shanghai"

    @classmethod
    def from_config(cls, config) -> Policy:
        """Build the policy from a Flask config mapping."""
        return cls(
            notice_days=int(config.get("FEES_NOTICE_DAYS", 30)),
            notice_policy=config.get("FEES_NOTICE_POLICY", "flag"),
            timezone=config.get("FEES_TIMEZONE", "Asia/Shanghai"),
        )

    def local_date(self, moment: datetime) -> date:
        """The calendar date of an instant at the port (Asia/Shanghai by default)."""
        return moment.astimezone(ZoneInfo(self.timezone)).date()


# Where the current writes come from, for the audit trail. The web layer sets it per
# request ("web 203.0.113.7", "api token opf_ab12cd34 203.0.113.7"); the CLI leaves "cli".
audit_origin: ContextVar[str] = ContextVar("audit_origin", default="cli")


@contextmanager
def unit_of_work(session: Session):
    """Commit what the block did, or roll all of it back and explain why."""
    try:
        yield
        session.commit()
    except DomainError:
        session.rollback()
        raise
    except StaleDataError as exc:
        session.rollback()
        raise Conflict(
            _l("This draft was changed by someone else (or in another window) meanwhile; your change was not saved. Reload the draft and try again."),
            code="stale_draft",
        ) from exc
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(
            _l("Someone else changed the same data at the same moment; nothing was saved. Please reload and try again.")
        ) from exc
    except OperationalError as exc:
        session.rollback()
        if "locked" in str(exc).lower():
            raise Conflict(
                _l("The database is busy with another publication; nothing was saved. Please try again.")
            ) from exc
        raise
    except BaseException:
        session.rollback()
        raise


def audit(session: Session, actor: User | None, action: str, obj, detail: dict | None = None,
          at: datetime | None = None) -> None:
    """Record who did what to which object (added to the caller's unit of work)."""
    session.add(
        AuditEvent(
            at=at or utcnow(),
            actor_id=actor.id if actor else None,
            action=action,
            object_type=type(obj).__name__,
            object_id=getattr(obj, "id", None),
            detail=detail or {},
            origin=audit_origin.get()[:120],
        )
    )


def require_entity_writer(actor: User | None, entity: ChargingEntity) -> None:
    """Only the entity's own publishers edit, publish and withdraw its schedules.

    Regulators and admins oversee but never publish on an entity's behalf, so the
    publication record always names the entity's own publisher. `actor=None` is the
    operator at the command line (CLI, demo loader), recorded as such in the audit trail.
    """
    if actor is None:
        return
    if actor.active and actor.role == "publisher" and actor.entity_id == entity.id:
        return
    raise DomainError(_l("You may not change the fee schedules of this entity."), code="forbidden")


def require_oversight(actor: User | None) -> None:
    """Registering ports, entities and the catalogue is for regulators and admins."""
    if actor is None or (actor.active and actor.role in ("regulator", "admin")):
        return
    raise DomainError(_l("Only regulators and administrators may do this."), code="forbidden")
