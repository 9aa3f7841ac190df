"""Writing a plan into a migrated database, two ways.

- `load_through_services`: every version through drafts.create_draft and
  publishing.publish_version (withdrawals through withdraw_version), exactly as a
  publisher's would go; about a hundred versions a second.
- `BulkLoader`: the same content through the same pure functions (drafts.clean_items
  for validation, fees.canonical for the canonical documents and hashes, the log's
  append rule, publishing.check_notice for short notice) written with batched Core
  INSERTs, for national scale. Rows land in the same order and with the same ids the
  services would give them, so the two databases match row for row; the test proves it.

Both start from `register`: the catalogue, ports, entities and schedules go through the
registry services either way (a few thousand calls).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fees.canonical import entry_content, item_content, sha256_hex, version_content
from fees.cli import DEFAULT_CATALOG
from fees.diff import diff_items
from fees.models import (
    AuditEvent, FeeItem, FeeSchedule, FeeTier, LogHead, PublicationLogEntry, ScheduleVersion,
)
from fees.services import drafts, publishing, registry
from fees.services.base import Policy
from fees.types import utcnow

from bench.gen_plan import Plan, Publication, version_items

Progress = Callable[[int, int], None]  # (versions so far, items so far)


@dataclass(frozen=True)
class Registered:
    """A schedule as created in the database, with what its versions' hashes need."""

    id: int
    entity_slug: str
    entity_uscc: str
    slug: str
    currency: str


def register(session: Session, plan: Plan) -> dict[int, Registered]:
    """The catalogue, ports, entities and schedules, through the registry services."""
    registry.load_catalog(session, DEFAULT_CATALOG)
    for locode, name_zh, name_en in plan.ports:
        registry.create_port(session, locode=locode, name_zh=name_zh, name_en=name_en)
    entities = {e.slug: registry.create_entity(session, **e.registry_fields()) for e in plan.entities}
    registered = {}
    for s in plan.schedules:
        entity = entities[s.entity.slug]
        schedule = registry.create_schedule(session, entity=entity, slug=s.slug, name_zh=s.name_zh,
                                            name_en=s.name_en, business_line=s.business_line)
        registered[s.index] = Registered(schedule.id, entity.slug, entity.uscc, schedule.slug, schedule.currency)
    session.expunge_all()
    return registered


def load_through_services(session: Session, plan: Plan, registered: dict[int, Registered], policy: Policy,
                          progress: Progress | None = None) -> None:
    """Publish and withdraw every planned version through the publishing services."""
    latest: dict[int, int] = {}
    reasons: dict[int, str] = {}
    versions = items_done = 0
    for event in plan.events:
        if isinstance(event, Publication):
            items, note, reason = version_items(plan, event)
            schedule = session.get(FeeSchedule, registered[event.schedule].id)
            draft = drafts.create_draft(session, schedule, items=items)
            version = publishing.publish_version(session, draft.id, effective_from=event.effective_from,
                                                 change_note=note, policy=policy, now=event.at)
            latest[event.schedule] = version.id
            if reason:
                reasons[event.schedule] = reason
            versions += 1
            items_done += len(items)
            if progress:
                progress(versions, items_done)
        else:
            publishing.withdraw_version(session, latest[event.schedule], reason=reasons.pop(event.schedule),
                                        policy=policy, now=event.at)
        session.expunge_all()  # keep the identity map small over thousands of versions


def _row(clean: dict) -> SimpleNamespace:
    """A cleaned item with attribute access, the shape fees.canonical.item_content reads."""
    return SimpleNamespace(**{**clean, "tiers": [SimpleNamespace(**t) for t in clean["tiers"]]})


@dataclass
class _Published:
    """What the next version of a schedule needs to know about its latest published one."""

    id: int
    number: int
    effective_from: date
    content_sha256: str
    items: list[dict]  # canonical


@dataclass
class _ScheduleState:
    number: int = 0  # highest version number given (withdrawn ones count)
    latest: _Published | None = None
    before: _Published | None = None  # the latest before it, should it be withdrawn
    reason: str = ""


class PlanError(RuntimeError):
    """The plan breaks a publishing rule the services would have refused."""


@dataclass
class BulkLoader:
    """Writes publications in batches of plain rows, in the order the services would."""

    session: Session
    registered: dict[int, Registered]
    policy: Policy
    batch_items: int = 20_000
    states: dict[int, _ScheduleState] = field(default_factory=dict)

    def __post_init__(self) -> None:
        def top(column) -> int:
            return self.session.scalar(select(func.coalesce(func.max(column), 0)))

        self.next_id = {"version": top(ScheduleVersion.id) + 1, "item": top(FeeItem.id) + 1,
                        "tier": top(FeeTier.id) + 1, "audit": top(AuditEvent.id) + 1}
        head = self.session.get(LogHead, 1)
        self.seq, self.head_hash = head.seq, head.entry_hash
        self.created_at = utcnow()
        self._reset()

    def _reset(self) -> None:
        self.rows = {"versions": [], "items": [], "tiers": [], "log": [], "audit": [], "withdrawn": []}

    def _take(self, kind: str) -> int:
        value = self.next_id[kind]
        self.next_id[kind] += 1
        return value

    def _audit(self, at: datetime, action: str, version_id: int, detail: dict) -> None:
        self.rows["audit"].append({"id": self._take("audit"), "at": at, "actor_id": None, "action": action,
                                   "object_type": "ScheduleVersion", "object_id": version_id,
                                   "detail": detail, "origin": "cli"})

    def _log(self, action: str, at: datetime, version_id: int, reg: Registered, number: int,
             effective_from: date, content_sha256: str) -> int:
        """Append to the chain exactly as fees.services.ledger.append_entry does."""
        fields = dict(seq=self.seq + 1, action=action, recorded_at=at, entity_slug=reg.entity_slug,
                      schedule_slug=reg.slug, version_number=number, effective_from=effective_from,
                      content_sha256=content_sha256, prev_hash=self.head_hash)
        entry_hash = sha256_hex(entry_content(**fields))
        self.rows["log"].append({**fields, "version_id": version_id, "entry_hash": entry_hash})
        self.seq, self.head_hash = fields["seq"], entry_hash
        return self.seq

    def publish(self, event: Publication, items: list[dict], change_note: str) -> None:
        """One publication: validate, number, hash, check the notice, log (publish_version's steps)."""
        reg = self.registered[event.schedule]
        state = self.states.setdefault(event.schedule, _ScheduleState())
        now = event.at.replace(microsecond=0)
        today = self.policy.local_date(now)
        cleaned = drafts.clean_items(items, reg.currency)
        latest = state.latest
        if not cleaned or event.effective_from < today or (latest and event.effective_from < latest.effective_from):
            raise PlanError(f"schedule {reg.entity_slug}/{reg.slug}: version at {now} breaks a publishing rule")
        canonical = [item_content(_row(c)) for c in cleaned]
        check = publishing.check_notice(diff_items(latest.items if latest else [], canonical),
                                        event.effective_from, today, self.policy)
        if check.short_notice and self.policy.notice_policy == "enforce":
            raise PlanError(f"schedule {reg.entity_slug}/{reg.slug}: short-notice increase at {now}")
        number = state.number + 1
        note = change_note.strip()
        sha = sha256_hex(version_content(
            entity_slug=reg.entity_slug, entity_uscc=reg.entity_uscc, schedule_slug=reg.slug, currency=reg.currency,
            number=number, effective_from=event.effective_from, published_at=now, change_note=note, items=canonical))
        version_id = self._take("version")
        self.rows["versions"].append({
            "id": version_id, "schedule_id": reg.id, "number": number, "status": "draft",
            "base_version_id": latest.id if latest else None, "effective_from": event.effective_from,
            "published_at": now, "publisher_id": None, "change_note": note, "content_sha256": sha,
            "short_notice": check.short_notice, "withdrawn_at": None, "withdrawn_by_id": None,
            "withdraw_reason": "", "created_at": self.created_at, "created_by_id": None, "revision": 1,
            "updated_at": None,
        })
        self._audit(self.created_at, "draft.create", version_id,
                    {"schedule": reg.id, "base": latest.number if latest else None, "items": len(cleaned)})
        for position, clean in enumerate(cleaned, start=1):
            item_id = self._take("item")
            values = {k: v for k, v in clean.items() if k != "tiers"}
            self.rows["items"].append({"id": item_id, "version_id": version_id, "position": position, **values})
            for n, tier in enumerate(clean["tiers"], start=1):
                self.rows["tiers"].append({"id": self._take("tier"), "item_id": item_id, "position": n, **tier})
        seq = self._log("publish", now, version_id, reg, number, event.effective_from, sha)
        self._audit(now, "version.publish", version_id,
                    {"number": number, "log_seq": seq, "short_notice": check.short_notice})
        state.number = number
        state.before, state.latest = latest, _Published(version_id, number, event.effective_from, sha, canonical)
        if len(self.rows["items"]) >= self.batch_items:
            self.flush()

    def withdraw(self, schedule: int, at: datetime, reason: str) -> None:
        """Withdraw the schedule's latest version before it takes effect (withdraw_version's steps)."""
        reg, state = self.registered[schedule], self.states[schedule]
        now = at.replace(microsecond=0)
        version = state.latest
        if version.effective_from <= self.policy.local_date(now):
            raise PlanError(f"schedule {reg.entity_slug}/{reg.slug}: withdrawal after the effective date")
        self.rows["withdrawn"].append({"vid": version.id, "at": now, "reason": reason.strip()})
        seq = self._log("withdraw", now, version.id, reg, version.number, version.effective_from,
                        version.content_sha256)
        self._audit(now, "version.withdraw", version.id, {"number": version.number, "log_seq": seq})
        state.latest, state.before = state.before, None

    def flush(self) -> None:
        """Write the buffered rows in one transaction.

        Versions go in as drafts, their items and tiers follow (the database refuses
        items for a published version), then the versions are published, logged and
        withdrawn where planned: the same sequence of states the services go through.
        """
        rows = self.rows
        if not rows["versions"] and not rows["withdrawn"]:
            return
        conn = self.session.connection()
        for table, key in ((ScheduleVersion.__table__, "versions"), (FeeItem.__table__, "items"),
                           (FeeTier.__table__, "tiers")):
            if rows[key]:
                conn.execute(table.insert(), rows[key])
        if rows["versions"]:
            ids = [v["id"] for v in rows["versions"]]
            conn.execute(update(ScheduleVersion.__table__)
                         .where(ScheduleVersion.id.between(ids[0], ids[-1]), ScheduleVersion.status == "draft")
                         .values(status="published", revision=ScheduleVersion.revision + 1))
        if rows["log"]:
            conn.execute(PublicationLogEntry.__table__.insert(), rows["log"])
        for w in rows["withdrawn"]:
            conn.execute(update(ScheduleVersion.__table__).where(ScheduleVersion.id == w["vid"])
                         .values(status="withdrawn", withdrawn_at=w["at"], withdraw_reason=w["reason"],
                                 revision=ScheduleVersion.revision + 1))
        if rows["audit"]:
            conn.execute(AuditEvent.__table__.insert(), rows["audit"])
        conn.execute(update(LogHead.__table__).where(LogHead.id == 1)
                     .values(seq=self.seq, entry_hash=self.head_hash))
        self.session.commit()
        self._reset()

    def finish(self) -> None:
        """Write what is left; on PostgreSQL move the id sequences past the ids given here."""
        self.flush()
        conn = self.session.connection()
        if conn.dialect.name == "postgresql":
            for table in ("schedule_version", "fee_item", "fee_tier", "audit_event"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))")
        self.session.commit()


def load_in_bulk(session: Session, plan: Plan, registered: dict[int, Registered], policy: Policy,
                 progress: Progress | None = None) -> None:
    """Publish and withdraw every planned version through the bulk path."""
    loader = BulkLoader(session, registered, policy)
    reasons: dict[int, str] = {}
    versions = items_done = 0
    for event in plan.events:
        if isinstance(event, Publication):
            items, note, reason = version_items(plan, event)
            loader.publish(event, items, note)
            if reason:
                reasons[event.schedule] = reason
            versions += 1
            items_done += len(items)
            if progress:
                progress(versions, items_done)
        else:
            loader.withdraw(event.schedule, event.at, reasons.pop(event.schedule))
    loader.finish()


class Ticker:
    """Prints progress (items/s) at most every few seconds."""

    def __init__(self, total_items: int, every: float = 5.0, echo=print):
        self.total, self.every, self.echo = total_items, every, echo
        self.started = self.last = time.monotonic()

    def __call__(self, versions: int, items: int) -> None:
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            rate = items / (now - self.started)
            self.echo(f"  {versions:>7,} versions  {items:>10,} items  ({100 * items / self.total:5.1f}% of "
                      f"~{self.total:,})  {rate:,.0f} items/s")
