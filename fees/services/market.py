"""Market-wide reads: every entity's fee items in effect on one day, as plain rows.

Comparison, estimates and search all start here, so "in effect on day D" means the same
everywhere: each schedule's published version with the latest effective_from ≤ D (the
higher number wins a tie); withdrawn versions never count.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from fees.canonical import item_content
from fees.models import CatalogEntry, ChargingEntity, FeeItem, FeeSchedule, ScheduleVersion


@dataclass(frozen=True)
class InEffect:
    """One schedule's version in effect on a day, with where it belongs."""

    entity: ChargingEntity
    schedule: FeeSchedule
    version: ScheduleVersion


def versions_in_effect(session: Session, on: date, *, kinds: set[str] | None = None,
                       business_line: str | None = None, port: str | None = None) -> list[InEffect]:
    """Every schedule's version in effect on `on`, optionally narrowed; entities by slug."""
    query = (
        select(ScheduleVersion)
        .join(FeeSchedule, ScheduleVersion.schedule_id == FeeSchedule.id)
        .join(ChargingEntity, FeeSchedule.entity_id == ChargingEntity.id)
        .where(ScheduleVersion.status == "published", ScheduleVersion.effective_from <= on)
        .options(
            selectinload(ScheduleVersion.items).selectinload(FeeItem.tiers),
            selectinload(ScheduleVersion.schedule).selectinload(FeeSchedule.entity).selectinload(ChargingEntity.port),
        )
        .order_by(ScheduleVersion.schedule_id, ScheduleVersion.effective_from, ScheduleVersion.number)
    )
    if kinds:
        query = query.where(ChargingEntity.kind.in_(kinds))
    if business_line:
        query = query.where(FeeSchedule.business_line == business_line)
    if port:
        query = query.where(ChargingEntity.port.has(locode=port))
    latest: dict[int, ScheduleVersion] = {}
    for version in session.scalars(query):
        latest[version.schedule_id] = version  # ordered, so the last one per schedule wins
    found = [InEffect(v.schedule.entity, v.schedule, v) for v in latest.values()]
    return sorted(found, key=lambda r: (r.entity.slug, r.schedule.slug))


def items_in_effect(session: Session, on: date, **narrow) -> list[dict]:
    """Every fee item in effect on `on` as a plain row: the canonical item plus where it is.

    Row keys: entity, entity_name_zh, entity_name_en, entity_kind, port, schedule,
    schedule_name_zh, schedule_name_en, business_line, version, effective_from, item_id,
    and the canonical item fields (code, …, amount as a string, tiers, …).
    """
    rows = []
    for found in versions_in_effect(session, on, **narrow):
        for item in found.version.items:
            rows.append({
                "entity": found.entity.slug,
                "entity_name_zh": found.entity.name_zh,
                "entity_name_en": found.entity.name_en,
                "entity_kind": found.entity.kind,
                "port": found.entity.port.locode,
                "schedule": found.schedule.slug,
                "schedule_name_zh": found.schedule.name_zh,
                "schedule_name_en": found.schedule.name_en,
                "business_line": found.schedule.business_line,
                "version": found.version.number,
                "effective_from": found.version.effective_from,
                "item_id": item.id,
                **item_content(item),
            })
    return rows


def catalog(session: Session) -> dict[str, CatalogEntry]:
    """The fee catalogue by code."""
    return {e.code: e for e in session.scalars(select(CatalogEntry).order_by(CatalogEntry.code))}
