"""Public reports: anyone reports a charge that differs from the published fee, the port
office accepts or rejects it, and the entity answers in public.

The reporter's contact is personal data: it is stored for the port office and returned
only by the moderation queue. What the public sees goes through `PublicView`, which has
no field for it, so a template cannot show it by mistake.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from fees.errors import Conflict, DomainError, FieldError, NotFound
from fees.models import ChargingEntity, FeeItem, FeeSchedule, PublicReport, ScheduleVersion, User
from fees.rules import check_currency, check_money
from fees.services.base import audit, require_oversight, unit_of_work
from fees.tabular.values import BadValue, has_yuan_mark, parse_currency, parse_money
from fees.types import utcnow

DESCRIPTION_MAX = 4000
CONTACT_MAX = 200
NOTE_MAX = 2000
RESPONSE_MAX = 4000
RECENT_MODERATED = 100

STATUS_LABELS = {
    "pending": _l("pending"),
    "accepted": _l("accepted"),
    "rejected": _l("rejected"),
}
DECISIONS = {"accept": "accepted", "reject": "rejected"}

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Mobile, landline with area code, international, with the usual separators and an extension.
PHONE_RE = re.compile(r"^\+?[\d\s().\-]+(?:\s*(?:ext\.?|x|转)\s*\d{1,6})?$", re.IGNORECASE)


@dataclass(frozen=True)
class PublicView:
    """What the public may see of an accepted report.

    Deliberately without the reporter's contact and the moderator's note (which is for
    the port office's own records).
    """

    id: int
    observed_on: date
    description: str
    charged_amount: Decimal | None
    currency: str
    item: FeeItem | None
    accepted_at: datetime | None
    response: str
    responded_at: datetime | None


# -- submitting -------------------------------------------------------------------


def reportable_item(session: Session, entity: ChargingEntity, item_id: int | None) -> FeeItem | None:
    """The fee item a report is about: one of a *published* version of this entity's schedules.

    Drafts are private and withdrawn versions never took effect, so nobody can have been
    charged under them; an item of another entity would attach the report to the wrong page.
    """
    if item_id is None:
        return None
    item = session.scalar(
        select(FeeItem)
        .join(ScheduleVersion, FeeItem.version_id == ScheduleVersion.id)
        .join(FeeSchedule, ScheduleVersion.schedule_id == FeeSchedule.id)
        .where(FeeItem.id == item_id, FeeSchedule.entity_id == entity.id, ScheduleVersion.status == "published")
    )
    if item is None:
        raise NotFound(_l("This fee item is not part of a published fee schedule of this entity."))
    return item


def _check_contact(contact: str) -> FieldError | None:
    """Empty, an e-mail address, or a phone number with at least five digits."""
    if not contact:
        return None
    if len(contact) > CONTACT_MAX:
        return FieldError("contact", _l("At most %(n)s characters.", n=CONTACT_MAX))
    digits = sum(ch.isdigit() for ch in contact)
    if EMAIL_RE.match(contact) or (PHONE_RE.match(contact) and 5 <= digits <= 20):
        return None
    return FieldError("contact", _l("Give an e-mail address or a phone number, or leave this empty."))


def _check_amount(raw: str, currency: str) -> tuple[Decimal | None, FieldError | None]:
    """An optional amount as people type it (`1,200.50`, `¥850`, `８５０`), exact, ≥ 0, ≤ 2 decimals."""
    if not raw:
        return None, None
    try:
        plain = parse_money(raw)
    except BadValue as exc:
        return None, FieldError("charged_amount", exc.message)
    if has_yuan_mark(raw) and currency != "CNY":
        return None, FieldError(
            "charged_amount", _l("The amount is marked in yuan but the currency is %(currency)s.", currency=currency)
        )
    return check_money(plain, "charged_amount")


def check_report(*, description: str, observed_on: date | None, charged_amount: str, currency: str,
                 contact: str, today: date) -> tuple[dict, list[FieldError]]:
    """Validate what a reporter typed; return clean values and every problem at once.

    `today` is the date at the port: a charge cannot be observed after it.
    """
    errors: list[FieldError] = []
    clean: dict = {"description": (description or "").strip(), "contact": (contact or "").strip()}
    if not clean["description"]:
        errors.append(FieldError("description", _l("Describe what you were charged and how it differs.")))
    elif len(clean["description"]) > DESCRIPTION_MAX:
        errors.append(FieldError("description", _l("At most %(n)s characters.", n=DESCRIPTION_MAX)))
    if observed_on is None:
        errors.append(FieldError("observed_on", _l("Give the date of the charge.")))
    elif observed_on > today:
        errors.append(FieldError("observed_on", _l("The date of the charge cannot be in the future.")))
    clean["observed_on"] = observed_on
    clean["currency"] = parse_currency((currency or "").strip() or "CNY")
    if err := check_currency(clean["currency"]):
        errors.append(err)
    clean["charged_amount"], err = _check_amount((charged_amount or "").strip(), clean["currency"])
    if err:
        errors.append(err)
    if err := _check_contact(clean["contact"]):
        errors.append(err)
    return clean, errors


def submit_report(session: Session, *, entity: ChargingEntity, item_id: int | None, description: str,
                  observed_on: date | None, charged_amount: str = "", currency: str = "CNY",
                  contact: str = "", today: date, now: datetime | None = None) -> PublicReport:
    """Store an anonymous report as pending, for the port office to review.

    Raises NotFound for an item that is not reportable (see `reportable_item`) and a
    DomainError listing every field problem. The audit event leaves the contact out:
    the report row is the one place it is kept.
    """
    item = reportable_item(session, entity, item_id)
    clean, errors = check_report(description=description, observed_on=observed_on, charged_amount=charged_amount,
                                 currency=currency, contact=contact, today=today)
    if errors:
        raise DomainError(_l("Please correct the highlighted fields."), errors=errors)
    with unit_of_work(session):
        report = PublicReport(entity=entity, item=item, status="pending", created_at=now or utcnow(), **clean)
        session.add(report)
        session.flush()
        audit(session, None, "report.submit", report, {"entity": entity.slug, "item_id": item_id}, at=now)
    return report


# -- moderating -------------------------------------------------------------------


def get_report(session: Session, report_id: int) -> PublicReport:
    """A report by id, or NotFound."""
    report = session.get(PublicReport, report_id)
    if report is None:
        raise NotFound(_l("There is no such report."))
    return report


@dataclass(frozen=True)
class Queue:
    """The moderation queue: every pending report (oldest first), then the latest decisions."""

    pending: list[PublicReport]
    moderated: list[PublicReport]


def moderation_queue(session: Session, recent: int = RECENT_MODERATED) -> Queue:
    """Pending reports first, oldest first so none waits forever; then the most recent decisions."""
    loaded = (selectinload(PublicReport.entity),
              selectinload(PublicReport.item).selectinload(FeeItem.version).selectinload(ScheduleVersion.schedule))
    pending = session.scalars(
        select(PublicReport).options(*loaded).where(PublicReport.status == "pending")
        .order_by(PublicReport.created_at, PublicReport.id)
    ).all()
    moderated = session.scalars(
        select(PublicReport).options(*loaded).where(PublicReport.status != "pending")
        .order_by(PublicReport.moderated_at.desc(), PublicReport.id.desc()).limit(recent)
    ).all()
    return Queue(list(pending), list(moderated))


def moderate(session: Session, report_id: int, *, decision: str, note: str = "", actor: User | None,
             now: datetime | None = None) -> PublicReport:
    """Accept (publish) or reject a pending report, with an optional note for the record.

    Only regulators and admins moderate (actor=None is the operator at the CLI). The
    status changes with a conditional UPDATE, so when two moderators decide at once
    exactly one decision counts and the other gets a Conflict.
    """
    require_oversight(actor)
    report = get_report(session, report_id)
    status = DECISIONS.get(decision)
    note = (note or "").strip()
    if status is None:
        raise DomainError(_l("Choose to accept or reject the report."), errors=[
            FieldError("decision", _l("%(value)s is not an accepted value.", value=decision or "—"))])
    if len(note) > NOTE_MAX:
        raise DomainError(_l("Please correct the highlighted fields."), errors=[
            FieldError("note", _l("At most %(n)s characters.", n=NOTE_MAX))])
    now = now or utcnow()
    with unit_of_work(session):
        changed = session.execute(
            update(PublicReport)
            .where(PublicReport.id == report.id, PublicReport.status == "pending")
            .values(status=status, moderated_at=now, moderated_by_id=actor.id if actor else None,
                    moderation_note=note)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed != 1:
            session.refresh(report)
            raise Conflict(_l("This report has been moderated already (it is %(status)s); only pending reports"
                              " can be accepted or rejected.", status=STATUS_LABELS[report.status]))
        audit(session, actor, f"report.{decision}", report, {"entity": report.entity.slug, "note": note}, at=now)
    session.refresh(report)
    return report


# -- the entity's response --------------------------------------------------------


def reports_about(session: Session, entity_id: int, status: str = "accepted") -> list[PublicReport]:
    """An entity's reports in one status, the latest charge first (for its publishers)."""
    return list(session.scalars(
        select(PublicReport).options(selectinload(PublicReport.item))
        .where(PublicReport.entity_id == entity_id, PublicReport.status == status)
        .order_by(PublicReport.observed_on.desc(), PublicReport.id.desc())
    ).all())


def respond(session: Session, report_id: int, *, text: str, actor: User | None,
            now: datetime | None = None) -> PublicReport:
    """Write or replace the entity's public response to an accepted report.

    Only the entity's own active publishers answer for it. Each version of the response
    goes into the audit trail, so an edited answer does not silently rewrite history.
    """
    report = get_report(session, report_id)
    if actor is None or not (actor.active and actor.role == "publisher" and actor.entity_id == report.entity_id):
        raise DomainError(_l("Only the publishers of the entity a report is about may respond to it."),
                          code="forbidden")
    if report.status != "accepted":
        raise Conflict(_l("Only accepted reports can be answered."))
    text = (text or "").strip()
    if not text or len(text) > RESPONSE_MAX:
        message = _l("Write your response.") if not text else _l("At most %(n)s characters.", n=RESPONSE_MAX)
        raise DomainError(_l("Please correct the highlighted fields."), errors=[FieldError("response", message)])
    now = now or utcnow()
    with unit_of_work(session):
        previous = report.response
        report.response, report.responded_at, report.responded_by_id = text, now, actor.id
        audit(session, actor, "report.respond", report, {"response": text, "previous": previous}, at=now)
    return report


# -- public reading ---------------------------------------------------------------


def accepted_reports(session: Session, entity_id: int) -> list[PublicView]:
    """An entity's accepted reports for its public page, the latest charge first.

    Pending and rejected reports are never returned, and neither is any contact.
    """
    return [
        PublicView(id=r.id, observed_on=r.observed_on, description=r.description, charged_amount=r.charged_amount,
                   currency=r.currency, item=r.item, accepted_at=r.moderated_at, response=r.response,
                   responded_at=r.responded_at)
        for r in session.scalars(
            select(PublicReport)
            .options(selectinload(PublicReport.item).selectinload(FeeItem.version)
                     .selectinload(ScheduleVersion.schedule))
            .where(PublicReport.entity_id == entity_id, PublicReport.status == "accepted")
            .order_by(PublicReport.observed_on.desc(), PublicReport.id.desc())
        )
    ]


def report_counts(session: Session, entity_id: int | None = None) -> dict[str, int]:
    """How many reports are in each status, site-wide or about one entity, every status
    present: {"pending": n, "accepted": n, "rejected": n}."""
    query = select(PublicReport.status, func.count()).group_by(PublicReport.status)
    if entity_id is not None:
        query = query.where(PublicReport.entity_id == entity_id)
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for status, n in session.execute(query):
        counts[status] = n
    return counts


def accepted_report_counts(session: Session) -> dict[int, int]:
    """Accepted (public) reports per entity id; entities without any are left out."""
    return dict(session.execute(
        select(PublicReport.entity_id, func.count())
        .where(PublicReport.status == "accepted").group_by(PublicReport.entity_id)
    ).all())
