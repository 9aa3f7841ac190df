"""Public reports: someone was charged differently from the published fee."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fees.db import Base
from fees.models.reference import ChargingEntity
from fees.models.schedules import FeeItem
from fees.types import MONEY, UTCDateTime, utcnow

REPORT_STATUSES = ("pending", "accepted", "rejected")


class PublicReport(Base):
    """A report about an entity (and optionally one of its published fee items).

    `contact` is personal data: only regulators see it, never the public pages or the
    open data. Accepted reports are shown publicly with the entity's response.
    """

    __tablename__ = "public_report"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'accepted', 'rejected')", name="status"),
        CheckConstraint("charged_amount IS NULL OR charged_amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("charging_entity.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("fee_item.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    observed_on: Mapped[date] = mapped_column(Date)
    charged_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    contact: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    moderation_note: Mapped[str] = mapped_column(Text, default="")
    response: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    entity: Mapped[ChargingEntity] = relationship()
    item: Mapped[FeeItem | None] = relationship()
