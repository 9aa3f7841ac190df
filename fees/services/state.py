"""Where the public data stand: one cheap reading that changes whenever they may have.

Published data only ever grow: versions are appended to the publication log, and ports,
entities, schedules and catalogue codes are added, never rewritten. So the log head and
the highest id of each reference table identify the state of everything the open data
show. HTTP validators (ETag, Last-Modified) and the bulk files are keyed on it, so a
new publication invalidates them and nothing else needs to.

(Revising the text of an existing catalogue code does not move the state; `flask opendata
build --force` rebuilds the bulk files after such a revision, see docs/OPEN_DATA.md.)
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fees.models import CatalogEntry, ChargingEntity, FeeSchedule, LogHead, Port, PublicationLogEntry

EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class DataState:
    """The state of the public data: the log position and an opaque token for all of it."""

    log_seq: int
    log_hash: str
    token: str  # 32 hex digits; equal tokens mean equal public data
    last_modified: datetime  # UTC, to the second: the newest change that has a time


def data_state(session: Session) -> DataState:
    """Read the state in one round trip (a handful of index lookups)."""
    row = session.execute(
        select(
            select(LogHead.seq).where(LogHead.id == 1).scalar_subquery(),
            select(LogHead.entry_hash).where(LogHead.id == 1).scalar_subquery(),
            # The newest entry's time, by its key (a max() over the column would scan the log).
            select(PublicationLogEntry.recorded_at)
            .where(PublicationLogEntry.seq == select(LogHead.seq).where(LogHead.id == 1).scalar_subquery())
            .scalar_subquery(),
            select(func.max(Port.id)).scalar_subquery(),
            select(func.max(ChargingEntity.id)).scalar_subquery(),
            select(func.max(ChargingEntity.created_at)).scalar_subquery(),
            select(func.max(FeeSchedule.id)).scalar_subquery(),
            select(func.max(FeeSchedule.created_at)).scalar_subquery(),
            select(func.count(CatalogEntry.id)).scalar_subquery(),
            select(func.max(CatalogEntry.id)).scalar_subquery(),
        )
    ).one()
    seq, entry_hash, logged_at, port, entity, entity_at, schedule, schedule_at, codes, code = row
    parts = (seq or 0, entry_hash or "", port or 0, entity or 0, schedule or 0, codes or 0, code or 0)
    token = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    times = [_utc(t) for t in (logged_at, entity_at, schedule_at) if t is not None]
    last_modified = max(times, default=EPOCH).replace(microsecond=0)
    return DataState(log_seq=seq or 0, log_hash=entry_hash or "", token=token, last_modified=last_modified)


def _utc(value: datetime) -> datetime:
    """Aggregates can come back naive on SQLite (the column type is not applied): UTC."""
    if isinstance(value, str):  # SQLite may hand back the stored text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
