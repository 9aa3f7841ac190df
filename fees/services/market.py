"""Market-wide reads: every entity's fee items in effect on one day, as plain rows.

Comparison, estimates and search all start here, so "in effect on day D" means the same
everywhere: each schedule's published version with the latest effective_from ≤ D (the
higher number wins a tie); withdrawn versions never count.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, aliased, contains_eager, selectinload

from fees.canonical import item_content
from fees.models import CatalogEntry, ChargingEntity, FeeItem, FeeSchedule, ScheduleVersion


@dataclass(frozen=True)
class InEffect:
    """One schedule's version in effect on a day, with where it belongs."""

    entity: ChargingEntity
    schedule: FeeSchedule
    version: ScheduleVersion


def in_effect_on(day: date):
    """SQL: the ScheduleVersion is its schedule's version in effect on `day`.

    The rule, as one clause: published, took effect on or before the day, and no other
    published version of the schedule did so later (a tie on the date goes to the higher
    number). Withdrawn versions never count. An uncorrelated IN (…): the database finds
    the day's versions once (an index probe per schedule), not per row.
    """
    current, later = aliased(ScheduleVersion), aliased(ScheduleVersion)
    superseded = exists().where(
        later.schedule_id == current.schedule_id,
        later.status == "published",
        later.effective_from <= day,
        or_(later.effective_from > current.effective_from,
            and_(later.effective_from == current.effective_from, later.number > current.number)),
    )
    return ScheduleVersion.id.in_(select(current.id).where(current.status == "published",
                                                           current.effective_from <= day, ~superseded))


def _narrowed(query, kinds: set[str] | None, business_line: str | None, port: str | None):
    """The query (over ScheduleVersion joined to its schedule and entity) narrowed."""
    if kinds:
        query = query.where(ChargingEntity.kind.in_(kinds))
    if business_line:
        query = query.where(FeeSchedule.business_line == business_line)
    if port:
        query = query.where(ChargingEntity.port.has(locode=port))
    return query


def versions_in_effect(session: Session, on: date, *, kinds: set[str] | None = None,
                       business_line: str | None = None, port: str | None = None) -> list[InEffect]:
    """Every schedule's version in effect on `on`, optionally narrowed; entities by slug.

    Only the versions in effect are read (not the history before them), and not their
    items: items_in_effect reads those, as narrowly as it is asked.
    """
    query = (
        select(ScheduleVersion)
        .join(FeeSchedule, ScheduleVersion.schedule_id == FeeSchedule.id)
        .join(ChargingEntity, FeeSchedule.entity_id == ChargingEntity.id)
        .where(in_effect_on(on))
        .options(contains_eager(ScheduleVersion.schedule).contains_eager(FeeSchedule.entity)
                 .selectinload(ChargingEntity.port))
    )
    found = [InEffect(v.schedule.entity, v.schedule, v)
             for v in session.scalars(_narrowed(query, kinds, business_line, port))]
    return sorted(found, key=lambda r: (r.entity.slug, r.schedule.slug))


def items_in_effect(session: Session, on: date, *, codes: set[str] | None = None, **narrow) -> list[dict]:
    """Every fee item in effect on `on` (only those with one of `codes`, if given) as a
    plain row: the canonical item plus where it is.

    Row keys: entity, entity_name_zh, entity_name_en, entity_kind, port, schedule,
    schedule_name_zh, schedule_name_en, business_line, version, effective_from, item_id,
    and the canonical item fields (code, …, amount as a string, tiers, …).
    """
    return items_of(session, versions_in_effect(session, on, **narrow), codes=codes)


def items_of(session: Session, found: list[InEffect], *, codes: set[str] | None = None) -> list[dict]:
    """The items of these versions in effect (only those with one of `codes`, if given),
    as items_in_effect's rows, in the order of `found` and then of each version."""
    query = (select(FeeItem).where(FeeItem.version_id.in_([f.version.id for f in found]))
             .options(selectinload(FeeItem.tiers)).order_by(FeeItem.version_id, FeeItem.position, FeeItem.id))
    if codes is not None:
        query = query.where(FeeItem.code.in_(sorted(codes)))
    items: dict[int, list[FeeItem]] = {}
    for item in session.scalars(query) if found else ():
        items.setdefault(item.version_id, []).append(item)
    rows = []
    for place in found:
        for item in items.get(place.version.id, ()):
            rows.append({**schedule_row(place), "item_id": item.id, **item_content(item)})
    return rows


def schedule_row(place: InEffect) -> dict:
    """Where an item in effect is: its entity, schedule and version, as plain values."""
    return {
        "entity": place.entity.slug,
        "entity_name_zh": place.entity.name_zh,
        "entity_name_en": place.entity.name_en,
        "entity_kind": place.entity.kind,
        "port": place.entity.port.locode,
        "schedule": place.schedule.slug,
        "schedule_name_zh": place.schedule.name_zh,
        "schedule_name_en": place.schedule.name_en,
        "business_line": place.schedule.business_line,
        "version": place.version.number,
        "effective_from": place.version.effective_from,
    }


def catalog(session: Session) -> dict[str, CatalogEntry]:
    """The fee catalogue by code."""
    return {e.code: e for e in session.scalars(select(CatalogEntry).order_by(CatalogEntry.code))}
