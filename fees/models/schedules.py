"""Fee schedules, their versions, and the fee items (with tiers) of each version."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fees.db import Base
from fees.types import MONEY, QUANTITY, UTCDateTime, utcnow
from fees.vocab import (
    BUSINESS_LINES,
    CARGO_CLASSES,
    CONTAINER_TYPES,
    DIRECTIONS,
    UNITS,
    VERSION_STATUSES,
    sql_in,
)

if TYPE_CHECKING:
    from fees.models.accounts import User
    from fees.models.reference import ChargingEntity


class FeeSchedule(Base):
    """One tariff of one entity (e.g. its container operations, or its e-commerce services)."""

    __tablename__ = "fee_schedule"
    __table_args__ = (
        UniqueConstraint("entity_id", "slug"),
        CheckConstraint(f"business_line IN ({sql_in(BUSINESS_LINES)})", name="business_line"),
        CheckConstraint("length(currency) = 3", name="currency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("charging_entity.id"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    business_line: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entity: Mapped[ChargingEntity] = relationship(back_populates="schedules")
    versions: Mapped[list[ScheduleVersion]] = relationship(
        back_populates="schedule", order_by="ScheduleVersion.id"
    )


class ScheduleVersion(Base):
    """A version of a schedule: a draft, then published (immutable) or withdrawn.

    Immutability of published versions is enforced twice: by the services, and by
    database triggers created in the migrations (see migrations/versions).
    """

    __tablename__ = "schedule_version"
    __table_args__ = (
        UniqueConstraint("schedule_id", "number"),
        CheckConstraint(f"status IN ({sql_in(VERSION_STATUSES)})", name="status"),
        CheckConstraint(
            "status = 'draft' OR (number IS NOT NULL AND effective_from IS NOT NULL"
            " AND published_at IS NOT NULL AND content_sha256 IS NOT NULL)",
            name="published_complete",
        ),
        CheckConstraint(
            "status != 'withdrawn' OR withdrawn_at IS NOT NULL", name="withdrawn_complete"
        ),
        CheckConstraint("number IS NULL OR number >= 1", name="number_positive"),
        # The version in effect on a day, one probe per schedule (fees.services.market).
        Index("ix_schedule_version_in_effect", "schedule_id", "status", "effective_from", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("fee_schedule.id"), index=True)
    number: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("schedule_version.id"))
    effective_from: Mapped[date | None] = mapped_column(Date)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    publisher_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    change_note: Mapped[str] = mapped_column(Text, default="")
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    short_notice: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdraw_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Optimistic locking of drafts: every save bumps it, and SQLAlchemy's UPDATE checks it.
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __mapper_args__ = {"version_id_col": revision}

    schedule: Mapped[FeeSchedule] = relationship(back_populates="versions")
    base_version: Mapped[ScheduleVersion | None] = relationship(remote_side=[id])
    publisher: Mapped[User | None] = relationship(foreign_keys=[publisher_id])
    items: Mapped[list[FeeItem]] = relationship(
        back_populates="version",
        order_by="FeeItem.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def is_draft(self) -> bool:
        """True while the version can still be edited."""
        return self.status == "draft"


class FeeItem(Base):
    """One fee of a version. Its key (code, container, direction, cargo class, unit)
    matches the same fee across versions and across entities."""

    __tablename__ = "fee_item"
    __table_args__ = (
        UniqueConstraint("version_id", "code", "container", "direction", "cargo_class", "unit"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("min_amount IS NULL OR min_amount >= 0", name="min_not_negative"),
        CheckConstraint("length(currency) = 3", name="currency"),
        CheckConstraint(f"unit IN ({sql_in(UNITS)})", name="unit"),
        CheckConstraint(f"container IN ({sql_in(CONTAINER_TYPES)})", name="container"),
        CheckConstraint(f"direction IN ({sql_in(DIRECTIONS)})", name="direction"),
        CheckConstraint(f"cargo_class IN ({sql_in(CARGO_CLASSES)})", name="cargo_class"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("schedule_version.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(40), index=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    service: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(32))
    container: Mapped[str] = mapped_column(String(8), default="")
    direction: Mapped[str] = mapped_column(String(8), default="both")
    cargo_class: Mapped[str] = mapped_column(String(32), default="")
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    min_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    version: Mapped[ScheduleVersion] = relationship(back_populates="items")
    tiers: Mapped[list[FeeTier]] = relationship(
        back_populates="item",
        order_by="FeeTier.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """The item key that matches the same fee across versions and entities."""
        return (self.code, self.container, self.direction, self.cargo_class, self.unit)


class FeeTier(Base):
    """One band of a tiered fee: quantities from_qty..to_qty (inclusive; open if to_qty
    is empty) are charged `amount` per unit (e.g. storage days 5–10 at ¥20/day)."""

    __tablename__ = "fee_tier"
    __table_args__ = (
        UniqueConstraint("item_id", "position"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("from_qty >= 0", name="from_not_negative"),
        CheckConstraint("to_qty IS NULL OR to_qty >= from_qty", name="bounds_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("fee_item.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    from_qty: Mapped[Decimal] = mapped_column(QUANTITY)
    to_qty: Mapped[Decimal | None] = mapped_column(QUANTITY)
    amount: Mapped[Decimal] = mapped_column(MONEY)

    item: Mapped[FeeItem] = relationship(back_populates="tiers")
