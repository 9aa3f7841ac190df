"""Ports, charging entities, the standard fee catalogue and site settings."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fees.db import Base
from fees.types import UTCDateTime, utcnow
from fees.vocab import BUSINESS_LINES, ENTITY_KINDS, PRICING_REGIMES, UNITS, sql_in

if TYPE_CHECKING:
    from fees.models.schedules import FeeSchedule


class Port(Base):
    """A port, identified by its UN/LOCODE (e.g. CNXMN)."""

    __tablename__ = "port"

    id: Mapped[int] = mapped_column(primary_key=True)
    locode: Mapped[str] = mapped_column(String(5), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))

    entities: Mapped[list[ChargingEntity]] = relationship(back_populates="port")


class ChargingEntity(Base):
    """A company that charges fees at a port and publishes its schedules."""

    __tablename__ = "charging_entity"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(ENTITY_KINDS)})", name="kind"),
        CheckConstraint("length(uscc) = 18", name="uscc_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(32), index=True)
    port_id: Mapped[int] = mapped_column(ForeignKey("port.id"), index=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    contact: Mapped[str] = mapped_column(String(200), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    port: Mapped[Port] = relationship(back_populates="entities")
    schedules: Mapped[list[FeeSchedule]] = relationship(
        back_populates="entity", order_by="FeeSchedule.id"
    )


class CatalogEntry(Base):
    """A standard fee code that makes prices comparable across entities."""

    __tablename__ = "catalog_entry"
    __table_args__ = (
        CheckConstraint(f"business_line IN ({sql_in(BUSINESS_LINES)})", name="business_line"),
        CheckConstraint(f"pricing_regime IN ({sql_in(PRICING_REGIMES)})", name="pricing_regime"),
        CheckConstraint(f"unit IN ({sql_in(UNITS)})", name="unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    business_line: Mapped[str] = mapped_column(String(16))
    pricing_regime: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(32))
    tiered: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")


class SiteSetting(Base):
    """A small key/value store for site-wide facts (e.g. whether demo data is loaded)."""

    __tablename__ = "site_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
