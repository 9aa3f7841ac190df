"""Publishing and withdrawing versions: the only way a version leaves draft."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fees.diff import VersionDiff
from fees.errors import Conflict, DomainError, FieldError, NotFound
from fees.items import clean_item
from fees.canonical import item_content
from fees.models import ScheduleVersion, User
from fees.services.base import Policy, audit, require_entity_writer, unit_of_work
from fees.services.drafts import check_revision
from fees.services.ledger import append_entry, lock_log, version_hash
from fees.services.queries import diff_versions, latest_published
from fees.signals import publication_logged
from fees.types import utcnow


@dataclass(frozen=True)
class PublishCheck:
    """What publishing a draft on a date would do, for the publisher to review first."""

    diff: VersionDiff
    notice_days: int
    short_notice: bool


def check_notice(diff: VersionDiff, effective_from: date, today: date, policy: Policy) -> PublishCheck:
    """Is an increase in this diff published with less notice than the policy asks?"""
    notice = (effective_from - today).days
    return PublishCheck(diff, notice, bool(diff.increases) and notice < policy.notice_days)


def _validate(version: ScheduleVersion, effective_from: date, today: date,
              latest: ScheduleVersion | None) -> None:
    if not version.items:
        raise DomainError(_l("A version with no fee items cannot be published."), code="empty",
                          errors=[FieldError("items", _l("Add at least one fee item."))])
    if effective_from < today:
        raise DomainError(
            _l("The effective date %(d)s is before today's publication date %(t)s; a fee cannot take effect in the past.",
               d=effective_from.isoformat(), t=today.isoformat()),
            errors=[FieldError("effective_from", _l("Must be today or later."))],
        )
    if latest is not None and effective_from < latest.effective_from:
        raise DomainError(
            _l("Version %(n)s already takes effect on %(d)s; a new version cannot take effect before it.",
               n=latest.number, d=latest.effective_from.isoformat()),
            errors=[FieldError("effective_from", _l("Must be on or after %(d)s.", d=latest.effective_from.isoformat()))],
        )
    errors: list[FieldError] = []
    for row, item in enumerate(version.items, start=1):
        data = item_content(item)
        _, errs = clean_item(data, default_currency=version.schedule.currency, row=row)
        errors.extend(errs)
    if errors:
        raise DomainError(_l("Some items are not valid; nothing was published."), errors=errors)


def _lock_and_load(session: Session, version_id: int, actor: User | None):
    """Take the publication lock, then read the version afresh (others may have just committed)."""
    head = lock_log(session)
    version = session.get(ScheduleVersion, version_id, populate_existing=True)
    if version is None:
        raise NotFound(_l("No such version."))
    require_entity_writer(actor, version.schedule.entity)
    return head, version


def publish_version(
    session: Session,
    version_id: int,
    *,
    effective_from: date,
    change_note: str,
    actor: User | None = None,
    policy: Policy = Policy(),
    now: datetime | None = None,
    expected_revision: int | None = None,
) -> ScheduleVersion:
    """Publish a draft: validate, number it, hash it and log it, all in one transaction.

    Refused when: the draft is empty or invalid; the effective date is in the past or
    before the latest published version's; another version was published since the
    draft started; or, with policy "enforce", an increase has too little notice (with
    "flag" it is published and marked short-notice for good). `now` is for loading
    historical data (the demo loader, tests); the web and API never pass it.
    `expected_revision` is the draft revision the publisher reviewed: if the draft was
    saved since, publishing is refused rather than publishing unseen changes.
    """
    now = (now or utcnow()).replace(microsecond=0)
    today = policy.local_date(now)
    if not (change_note or "").strip():
        raise DomainError(_l("Say what changed and why in the change note."),
                          errors=[FieldError("change_note", _l("This field is required."))])
    with unit_of_work(session):
        head, version = _lock_and_load(session, version_id, actor)
        if version.status != "draft":
            raise Conflict(_l("This draft has already been published as version %(n)s.", n=version.number))
        check_revision(version, expected_revision)
        session.refresh(version, ["items"])
        latest = latest_published(session, version.schedule_id)
        if (latest.id if latest else None) != version.base_version_id:
            raise Conflict(
                _l("Version %(n)s of this schedule was published after this draft was started. "
                   "Start a new draft from it so that its changes are not lost.", n=latest.number if latest else 0)
            )
        _validate(version, effective_from, today, latest)
        check = check_notice(diff_versions(latest, version), effective_from, today, policy)
        if check.short_notice and policy.notice_policy == "enforce":
            raise DomainError(
                _l("This version raises %(k)s fee(s) with %(d)s days' notice; at least %(n)s days are required. "
                   "Choose a later effective date.", k=len(check.diff.increases), d=check.notice_days,
                   n=policy.notice_days),
                code="short_notice",
                errors=[FieldError("effective_from", _l("At least %(n)s days after today.", n=policy.notice_days))],
            )
        number = (session.scalar(
            select(func.max(ScheduleVersion.number)).where(ScheduleVersion.schedule_id == version.schedule_id)
        ) or 0) + 1
        version.number = number
        version.effective_from = effective_from
        version.published_at = now
        version.publisher_id = actor.id if actor else None
        version.change_note = change_note.strip()
        version.short_notice = check.short_notice
        version.content_sha256 = version_hash(version)
        version.status = "published"
        session.flush()
        entry = append_entry(session, head, "publish", version, now)
        audit(session, actor, "version.publish", version,
              {"number": number, "log_seq": entry.seq, "short_notice": check.short_notice}, at=now)
    publication_logged.send(session, seq=entry.seq)
    return version


def withdraw_version(
    session: Session,
    version_id: int,
    *,
    reason: str,
    actor: User | None = None,
    policy: Policy = Policy(),
    now: datetime | None = None,
) -> ScheduleVersion:
    """Withdraw a published version before its effective date; the withdrawal is logged."""
    now = (now or utcnow()).replace(microsecond=0)
    today = policy.local_date(now)
    if not (reason or "").strip():
        raise DomainError(_l("Give the reason for the withdrawal."),
                          errors=[FieldError("reason", _l("This field is required."))])
    with unit_of_work(session):
        head, version = _lock_and_load(session, version_id, actor)
        if version.status != "published":
            raise Conflict(_l("Only a published version can be withdrawn."))
        if version.effective_from <= today:
            raise DomainError(
                _l("Version %(n)s took effect on %(d)s; a version in effect cannot be withdrawn. Publish a new version instead.",
                   n=version.number, d=version.effective_from.isoformat()),
                code="in_effect",
            )
        version.status = "withdrawn"
        version.withdrawn_at = now
        version.withdrawn_by_id = actor.id if actor else None
        version.withdraw_reason = reason.strip()
        session.flush()
        entry = append_entry(session, head, "withdraw", version, now)
        audit(session, actor, "version.withdraw", version, {"number": version.number, "log_seq": entry.seq}, at=now)
    publication_logged.send(session, seq=entry.seq)
    return version
