"""Appending to and verifying the hash-chained publication log."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from fees.canonical import GENESIS_HASH, entry_content, item_content, sha256_hex, version_content
from fees.models import FeeItem, LogHead, PublicationLogEntry, ScheduleVersion


def lock_log(session: Session) -> LogHead:
    """Take the publication lock and return the log head.

    The UPDATE is the first write of the transaction: PostgreSQL locks the row and
    SQLite takes its write lock, so concurrent publishers queue here and each then
    sees the others' committed work.
    """
    session.execute(update(LogHead).where(LogHead.id == 1).values(seq=LogHead.seq))
    head = session.scalar(select(LogHead).where(LogHead.id == 1).execution_options(populate_existing=True))
    if head is None:  # a database made by the migrations always has the row
        raise RuntimeError("log_head row missing: run the migrations")
    return head


def version_document(version: ScheduleVersion) -> dict:
    """A published or withdrawn version's canonical content (docs/PUBLICATION_LOG.md)."""
    schedule = version.schedule
    return version_content(
        entity_slug=schedule.entity.slug,
        entity_uscc=schedule.entity.uscc,
        schedule_slug=schedule.slug,
        currency=schedule.currency,
        number=version.number,
        effective_from=version.effective_from,
        published_at=version.published_at,
        change_note=version.change_note,
        items=[item_content(i) for i in version.items],
    )


def version_hash(version: ScheduleVersion) -> str:
    """SHA-256 of a published version's canonical content."""
    return sha256_hex(version_document(version))


def append_entry(session: Session, head: LogHead, action: str, version: ScheduleVersion,
                 at: datetime) -> PublicationLogEntry:
    """Add the next entry to the chain and move the head (inside the caller's transaction)."""
    fields = dict(
        seq=head.seq + 1,
        action=action,
        recorded_at=at,
        entity_slug=version.schedule.entity.slug,
        schedule_slug=version.schedule.slug,
        version_number=version.number,
        effective_from=version.effective_from,
        content_sha256=version.content_sha256,
        prev_hash=head.entry_hash,
    )
    entry = PublicationLogEntry(version_id=version.id, entry_hash=sha256_hex(entry_content(**fields)), **fields)
    session.add(entry)
    head.seq, head.entry_hash = entry.seq, entry.entry_hash
    return entry


@dataclass(frozen=True)
class Problem:
    """The first thing found wrong with the log."""

    seq: int | None
    reason: str


def verify_log(session: Session) -> list[Problem]:
    """Re-compute every entry hash, every link and every published version's content hash.

    Returns the problems found, first one first; an empty list means the log verifies.
    """
    problems: list[Problem] = []
    prev = GENESIS_HASH
    expected_seq = 1
    entries = session.scalars(select(PublicationLogEntry).order_by(PublicationLogEntry.seq)).all()
    for entry in entries:
        if entry.seq != expected_seq:
            problems.append(Problem(expected_seq, "entry missing from the sequence"))
            expected_seq = entry.seq
        if entry.prev_hash != prev:
            problems.append(Problem(entry.seq, "prev_hash does not match the previous entry"))
        fields = {c: getattr(entry, c) for c in (
            "seq", "action", "recorded_at", "entity_slug", "schedule_slug", "version_number",
            "effective_from", "content_sha256", "prev_hash")}
        if sha256_hex(entry_content(**fields)) != entry.entry_hash:
            problems.append(Problem(entry.seq, "entry_hash does not match the entry's content"))
        prev = entry.entry_hash
        expected_seq += 1
    head = session.get(LogHead, 1)
    if head is None or head.seq != expected_seq - 1 or head.entry_hash != prev:
        problems.append(Problem(expected_seq, "the log head does not point at the last entry (entries removed?)"))

    versions = session.scalars(
        select(ScheduleVersion)
        .options(selectinload(ScheduleVersion.items).selectinload(FeeItem.tiers))
        .where(ScheduleVersion.status != "draft")
        .order_by(ScheduleVersion.id)
    )
    logged = {(e.version_id, e.action): e for e in entries}
    for version in versions:
        entry = logged.get((version.id, "publish"))
        if entry is None:
            problems.append(Problem(None, f"version {version.id} is published but not in the log"))
            continue
        actual = version_hash(version)
        if actual != version.content_sha256 or actual != entry.content_sha256:
            problems.append(Problem(entry.seq, f"published content of version {version.id} was altered"))
        if version.status == "withdrawn" and (version.id, "withdraw") not in logged:
            problems.append(Problem(None, f"version {version.id} is withdrawn but the withdrawal is not logged"))
    problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return problems
