"""Reads for the regulator's dashboard and the public oversight summary.

This module only queries: it turns the database into plain rows and hands them to the
pure functions of fees.oversight, which define every figure. The dashboard and its
public summary are the same computation; the summary keeps only tables without
personal data (PUBLIC_TABLES).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from fees import oversight as figures
from fees.canonical import item_content
from fees.params import day_param
from fees.errors import DomainError, FieldError
from fees.models import (
    ChargingEntity,
    FeeItem,
    FeeSchedule,
    PublicationLogEntry,
    PublicReport,
    ScheduleVersion,
    User,
)
from fees.services.market import catalog, items_in_effect

DEFAULT_STALE_DAYS = 365
MAX_STALE_DAYS = 3650

_PLACE = ("entity", "entity_name_zh", "entity_name_en")
_SCHEDULE = ("schedule", "schedule_name_zh", "schedule_name_en")
# Each table's columns, in CSV order; the CSV headers are these stable names in English.
TABLES: dict[str, tuple[str, ...]] = {
    "summary": ("figure", "value"),
    "without-schedule": (*_PLACE, "entity_kind", "schedules", "reason", "next_effective"),
    "stale": (*_PLACE, *_SCHEDULE, "version", "published_on", "days_since"),
    "short-notice": (*_PLACE, *_SCHEDULE, "version", "status", "published_on", "effective_from",
                     "notice_days", "increases"),
    "short-notice-by-entity": (*_PLACE, "versions", "increases"),
    "no-legal-basis": (*_PLACE, *_SCHEDULE, "version", "code", "name_zh", "name_en", "container", "direction",
                       "cargo_class", "unit", "amount", "currency"),
    "withdrawals": (*_PLACE, *_SCHEDULE, "version", "effective_from", "published_on", "withdrawn_at",
                    "withdrawn_by", "reason"),
    "most-changed": ("rank", "code", "name_zh", "name_en", "versions", "item_changes", "increases", "reductions",
                     "entities"),
    "publications": ("month", "published", "withdrawn"),
    "reports-by-status": ("status", "reports"),
    "reports-by-entity": (*_PLACE, "pending", "accepted", "rejected", "total"),
}
# Who withdrew (an account's e-mail), reports per entity (unmoderated ones included) and
# item-level lists stay on the signed-in dashboard; the public gets counts and public facts.
PUBLIC_TABLES = ("summary", "without-schedule", "short-notice", "short-notice-by-entity", "publications",
                 "reports-by-status")
# The headline figures (the "summary" table), in the order they are shown.
SUMMARY_FIGURES = ("entities", "entities_without_schedule_in_effect", "stale_schedules", "short_notice_versions",
                   "short_notice_increases", "items_in_effect", "items_without_legal_basis", "publications",
                   "withdrawals", "reports_pending", "reports_accepted", "reports_rejected")


@dataclass(frozen=True)
class Oversight:
    """Every figure as of one port day: tables of plain rows keyed by TABLES' names."""

    on: date
    stale_days: int
    tables: dict[str, list[dict]]

    def public(self) -> Oversight:
        """The same figures with only the tables the public summary shows."""
        return Oversight(self.on, self.stale_days, {k: v for k, v in self.tables.items() if k in PUBLIC_TABLES})


def read_params(args: Mapping, default_on: date) -> tuple[date, int]:
    """`on` (YYYY-MM-DD, default `default_on`) and `stale_days` (1–3650, default 365) from
    query parameters, or a DomainError (422) naming each bad one."""
    errors: list[FieldError] = []
    on, stale_days = day_param(args, "on", default_on, errors), DEFAULT_STALE_DAYS
    raw_days = (args.get("stale_days") or "").strip()
    if raw_days:
        stale_days = int(raw_days) if raw_days.isdigit() else 0
        if not 1 <= stale_days <= MAX_STALE_DAYS:
            errors.append(FieldError("stale_days", _l("A whole number of days from 1 to %(n)s is required.",
                                                      n=MAX_STALE_DAYS)))
    if errors:
        raise DomainError(_l("Some parameters of the dashboard are not valid."), errors=errors)
    return on, stale_days


def _entities(session: Session) -> list[dict]:
    """Every registered entity as a plain row."""
    return [{"slug": e.slug, "name_zh": e.name_zh, "name_en": e.name_en, "kind": e.kind}
            for e in session.scalars(select(ChargingEntity).order_by(ChargingEntity.slug))]


def _schedules(session: Session) -> list[dict]:
    """Every schedule with its entity's slug."""
    query = select(FeeSchedule.id, ChargingEntity.slug).join(ChargingEntity, FeeSchedule.entity_id == ChargingEntity.id)
    return [{"id": sid, "entity": slug} for sid, slug in session.execute(query)]


def _versions(session: Session) -> list[dict]:
    """Every published or withdrawn version with its canonical items (drafts are private)."""
    query = (select(ScheduleVersion).where(ScheduleVersion.status != "draft")
             .options(selectinload(ScheduleVersion.items).selectinload(FeeItem.tiers),
                      selectinload(ScheduleVersion.schedule).selectinload(FeeSchedule.entity)))
    versions = session.scalars(query).all()
    withdrawer_ids = {v.withdrawn_by_id for v in versions if v.withdrawn_by_id}
    emails = dict(session.execute(select(User.id, User.email).where(User.id.in_(withdrawer_ids))).all())
    return [{
        "id": v.id, "schedule_id": v.schedule_id, "entity": v.schedule.entity.slug,
        "entity_name_zh": v.schedule.entity.name_zh, "entity_name_en": v.schedule.entity.name_en,
        "schedule": v.schedule.slug, "schedule_name_zh": v.schedule.name_zh, "schedule_name_en": v.schedule.name_en,
        "number": v.number, "status": v.status, "effective_from": v.effective_from, "published_at": v.published_at,
        "withdrawn_at": v.withdrawn_at, "withdrawn_by": emails.get(v.withdrawn_by_id),
        "withdraw_reason": v.withdraw_reason, "short_notice": v.short_notice, "base_version_id": v.base_version_id,
        "items": [item_content(i) for i in v.items],
    } for v in versions]


def _log_events(session: Session) -> list[dict]:
    """Every publication log entry's action and time."""
    query = select(PublicationLogEntry.action, PublicationLogEntry.recorded_at)
    return [{"action": action, "recorded_at": at} for action, at in session.execute(query)]


def _reports(session: Session) -> list[dict]:
    """Public reports reduced to what the counts need: no text, no contact."""
    query = (select(PublicReport.status, PublicReport.created_at, PublicReport.moderated_at, ChargingEntity.slug,
                    ChargingEntity.name_zh, ChargingEntity.name_en)
             .join(ChargingEntity, PublicReport.entity_id == ChargingEntity.id))
    return [{"status": status, "created_at": created, "moderated_at": moderated, "entity": slug,
             "entity_name_zh": zh, "entity_name_en": en}
            for status, created, moderated, slug, zh, en in session.execute(query)]


def _summary(tables: dict[str, list[dict]], entities: int, items: int) -> list[dict]:
    """The headline figures, each a count over a table (or the log) so that they agree."""
    by_status = {r["status"]: r["reports"] for r in tables["reports-by-status"]}
    months = tables["publications"]
    values = {
        "entities": entities,
        "entities_without_schedule_in_effect": len(tables["without-schedule"]),
        "stale_schedules": len(tables["stale"]),
        "short_notice_versions": len(tables["short-notice"]),
        "short_notice_increases": sum(r["increases"] for r in tables["short-notice"]),
        "items_in_effect": items,
        "items_without_legal_basis": len(tables["no-legal-basis"]),
        "publications": sum(m["published"] for m in months),
        "withdrawals": sum(m["withdrawn"] for m in months),
        "reports_pending": by_status["pending"],
        "reports_accepted": by_status["accepted"],
        "reports_rejected": by_status["rejected"],
    }
    return [{"figure": name, "value": values[name]} for name in SUMMARY_FIGURES]


def oversight(session: Session, on: date, *, stale_days: int = DEFAULT_STALE_DAYS,
              timezone: str = "Asia/Shanghai") -> Oversight:
    """Every dashboard figure as of the end of port day `on` (see fees.oversight for each
    definition). Versions published or withdrawn after `on` are seen as they were then."""
    entities, events, reports = _entities(session), _log_events(session), _reports(session)
    known = figures.versions_on(_versions(session), on, timezone)
    items = [{**row, "amount": Decimal(row["amount"])} for row in items_in_effect(session, on)]
    # A published version always has items (publishing refuses an empty one), so the
    # entities with items in effect are exactly those with a version in effect.
    in_effect = {row["entity"] for row in items}
    names = {code: (e.name_zh, e.name_en) for code, e in catalog(session).items()}
    short = figures.short_notice(known)
    tables = {
        "without-schedule": figures.without_schedule_in_effect(entities, _schedules(session), known, in_effect, on),
        "stale": figures.stale_schedules(known, on, stale_days),
        "short-notice": short,
        "short-notice-by-entity": figures.short_notice_by_entity(short),
        "no-legal-basis": figures.without_legal_basis(items),
        "withdrawals": figures.withdrawals(known),
        "most-changed": figures.most_changed(figures.consecutive_pairs(known), names),
        "publications": figures.publications_per_month(events, on, timezone),
        "reports-by-status": figures.reports_by_status(reports, on, timezone),
        "reports-by-entity": figures.reports_by_entity(reports, on, timezone),
    }
    tables["summary"] = _summary(tables, len(entities), len(items))
    return Oversight(on, stale_days, tables)
