"""Read-only questions about schedules and versions: what is in effect, what changed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from fees.canonical import item_content
from fees.diff import VersionDiff, diff_items
from fees.errors import NotFound
from fees.models import (
    ChargingEntity,
    FeeItem,
    FeeSchedule,
    PublicationLogEntry,
    ScheduleVersion,
    SiteSetting,
)


def latest_published(session: Session, schedule_id: int) -> ScheduleVersion | None:
    """The highest-numbered published (not withdrawn) version of a schedule."""
    return session.scalar(
        select(ScheduleVersion)
        .where(ScheduleVersion.schedule_id == schedule_id, ScheduleVersion.status == "published")
        .order_by(ScheduleVersion.number.desc())
        .limit(1)
    )


def version_in_effect(session: Session, schedule_id: int, on: date) -> ScheduleVersion | None:
    """The version in effect on day `on`: the published version with the latest
    effective_from ≤ on (the higher number wins a tie)."""
    return session.scalar(
        select(ScheduleVersion)
        .where(
            ScheduleVersion.schedule_id == schedule_id,
            ScheduleVersion.status == "published",
            ScheduleVersion.effective_from <= on,
        )
        .order_by(ScheduleVersion.effective_from.desc(), ScheduleVersion.number.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Timeline:
    """A schedule's public versions seen from one day."""

    schedule: FeeSchedule
    in_effect: ScheduleVersion | None
    upcoming: list[ScheduleVersion]
    past: list[ScheduleVersion]  # superseded or withdrawn, newest first


def schedule_timeline(session: Session, schedule: FeeSchedule, on: date) -> Timeline:
    """Split a schedule's published and withdrawn versions into in effect / upcoming / past."""
    current = version_in_effect(session, schedule.id, on)
    if current is not None:  # its items are shown: their tiers in one query, not one per item
        session.scalars(select(ScheduleVersion).where(ScheduleVersion.id == current.id)
                        .options(selectinload(ScheduleVersion.items).selectinload(FeeItem.tiers))).all()
    versions = session.scalars(
        select(ScheduleVersion)
        .where(ScheduleVersion.schedule_id == schedule.id, ScheduleVersion.status != "draft")
        .order_by(ScheduleVersion.number.desc())
    ).all()
    upcoming = [v for v in versions if v.status == "published" and v.effective_from > on]
    upcoming.sort(key=lambda v: (v.effective_from, v.number))
    past = [v for v in versions if v is not current and v not in upcoming]
    return Timeline(schedule, current, upcoming, past)


def get_version(session: Session, schedule: FeeSchedule, number: int) -> ScheduleVersion:
    """A published or withdrawn version of a schedule by its number, or NotFound."""
    version = session.scalar(
        select(ScheduleVersion)
        .options(selectinload(ScheduleVersion.items).selectinload(FeeItem.tiers))
        .where(ScheduleVersion.schedule_id == schedule.id, ScheduleVersion.number == number)
    )
    if version is None:
        raise NotFound(_l("No version %(n)s of this schedule.", n=number))
    return version


def previous_version(session: Session, version: ScheduleVersion) -> ScheduleVersion | None:
    """The published version this one follows (withdrawn ones are skipped)."""
    if version.number is None:
        return version.base_version
    return session.scalar(
        select(ScheduleVersion)
        .where(
            ScheduleVersion.schedule_id == version.schedule_id,
            ScheduleVersion.status == "published",
            ScheduleVersion.number < version.number,
        )
        .order_by(ScheduleVersion.number.desc())
        .limit(1)
    )


def version_items(version: ScheduleVersion | None) -> list[dict]:
    """A version's items as canonical plain dicts (empty for no version)."""
    return [item_content(i) for i in version.items] if version else []


def diff_versions(old: ScheduleVersion | None, new: ScheduleVersion) -> VersionDiff:
    """Item-level diff of two versions (old may be None: everything is added)."""
    return diff_items(version_items(old), version_items(new))


def latest_publications(session: Session, limit: int = 10) -> list[PublicationLogEntry]:
    """The newest entries of the publication log, with their versions loaded."""
    return list(session.scalars(
        select(PublicationLogEntry)
        .options(
            selectinload(PublicationLogEntry.version)
            .selectinload(ScheduleVersion.schedule)
            .selectinload(FeeSchedule.entity)
        )
        .order_by(PublicationLogEntry.seq.desc())
        .limit(limit)
    ))


def list_entities(session: Session, kind: str | None = None) -> list[ChargingEntity]:
    """Every registered entity, optionally of one kind, grouped by kind."""
    query = select(ChargingEntity).options(selectinload(ChargingEntity.port)).order_by(ChargingEntity.kind, ChargingEntity.slug)
    if kind:
        query = query.where(ChargingEntity.kind == kind)
    return list(session.scalars(query))


def entity_counts(session: Session) -> dict[str, int]:
    """Numbers for the home page: entities, schedules, published versions, items in effect."""
    return {
        "entities": session.scalar(select(func.count()).select_from(ChargingEntity)) or 0,
        "schedules": session.scalar(select(func.count()).select_from(FeeSchedule)) or 0,
        "versions": session.scalar(
            select(func.count()).select_from(ScheduleVersion).where(ScheduleVersion.status != "draft")
        ) or 0,
    }


def setting(session: Session, key: str, default: str = "") -> str:
    """A site setting's value."""
    row = session.get(SiteSetting, key)
    return row.value if row else default
