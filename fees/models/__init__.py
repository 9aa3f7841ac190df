"""Typed SQLAlchemy models, one module per concern."""
from fees.models.reference import CatalogEntry, ChargingEntity, Port, SiteSetting
from fees.models.schedules import FeeItem, FeeSchedule, FeeTier, ScheduleVersion
from fees.models.ledger import LogHead, PublicationLogEntry
from fees.models.accounts import ApiToken, AuditEvent, User
from fees.models.reports import PublicReport

__all__ = [
    "ApiToken",
    "AuditEvent",
    "CatalogEntry",
    "ChargingEntity",
    "FeeItem",
    "FeeSchedule",
    "FeeTier",
    "LogHead",
    "Port",
    "PublicReport",
    "PublicationLogEntry",
    "ScheduleVersion",
    "SiteSetting",
    "User",
]
