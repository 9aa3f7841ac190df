"""The append-only, hash-chained publication log."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fees.db import Base
from fees.models.schedules import ScheduleVersion
from fees.types import UTCDateTime
from fees.vocab import LOG_ACTIONS, sql_in


class PublicationLogEntry(Base):
    """One publish or withdraw. `entry_hash` covers the entry's fields and the previous
    entry's hash, so altering or removing any entry breaks every later hash.

    The database refuses UPDATE and DELETE on this table (triggers in the migrations).
    """

    __tablename__ = "publication_log"
    __table_args__ = (
        CheckConstraint(f"action IN ({sql_in(LOG_ACTIONS)})", name="action"),
        CheckConstraint("seq >= 1", name="seq_positive"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    action: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(ForeignKey("schedule_version.id"), index=True)
    entity_slug: Mapped[str] = mapped_column(String(64))
    schedule_slug: Mapped[str] = mapped_column(String(64))
    version_number: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    content_sha256: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)

    version: Mapped[ScheduleVersion] = relationship()


class LogHead(Base):
    """The single row that points at the newest log entry.

    Publishers lock it (UPDATE) first thing in a publish or withdraw, which serialises
    appends to the chain on SQLite and PostgreSQL alike; and since it records the last
    sequence number and hash, removing entries from the end of the log is detectable.
    """

    __tablename__ = "log_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    entry_hash: Mapped[str] = mapped_column(String(64))
