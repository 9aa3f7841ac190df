"""Ports, charging entities, schedules and the fee catalogue."""
from __future__ import annotations

import csv
import re
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from fees.errors import DomainError, FieldError, NotFound
from fees.models import CatalogEntry, ChargingEntity, FeeSchedule, Port, User
from fees.rules import check_currency, check_uscc
from fees.services.base import audit, require_entity_writer, require_oversight, unit_of_work
from fees.vocab import (
    BUSINESS_LINES,
    CODE_PATTERN,
    ENTITY_KINDS,
    LOCODE_PATTERN,
    PRICING_REGIMES,
    SLUG_PATTERN,
    UNITS,
)

SLUG_RE = re.compile(SLUG_PATTERN)
LOCODE_RE = re.compile(LOCODE_PATTERN)
CODE_RE = re.compile(CODE_PATTERN)


def _check_slug(value: str, errors: list[FieldError], field: str = "slug") -> None:
    if not SLUG_RE.match(value or "") or len(value) > 64:
        errors.append(
            FieldError(field, _l("Use lowercase letters, digits and single hyphens (e.g. xiamen-port-terminal)."))
        )


def _fail_if(errors: list[FieldError]) -> None:
    if errors:
        raise DomainError(_l("Please correct the highlighted fields."), errors=errors)


def create_port(session: Session, *, locode: str, name_zh: str, name_en: str, actor: User | None = None) -> Port:
    """Register a port by UN/LOCODE."""
    require_oversight(actor)
    errors = []
    if not LOCODE_RE.match(locode or ""):
        errors.append(FieldError("locode", _l("A UN/LOCODE is 5 characters, e.g. CNXMN.")))
    if not name_zh.strip():
        errors.append(FieldError("name_zh", _l("This field is required.")))
    _fail_if(errors)
    if session.scalar(select(Port).where(Port.locode == locode)):
        raise DomainError(_l("Port %(code)s is already registered.", code=locode), code="duplicate")
    with unit_of_work(session):
        port = Port(locode=locode, name_zh=name_zh.strip(), name_en=name_en.strip())
        session.add(port)
        session.flush()
        audit(session, actor, "port.create", port, {"locode": locode})
    return port


def create_entity(
    session: Session,
    *,
    slug: str,
    name_zh: str,
    kind: str,
    port_locode: str,
    uscc: str,
    name_en: str = "",
    contact: str = "",
    website: str = "",
    address: str = "",
    description: str = "",
    verified: bool = False,
    actor: User | None = None,
) -> ChargingEntity:
    """Register a charging entity; its unified social credit code must pass the check."""
    require_oversight(actor)
    errors: list[FieldError] = []
    _check_slug(slug, errors)
    if not name_zh.strip():
        errors.append(FieldError("name_zh", _l("This field is required.")))
    if kind not in ENTITY_KINDS:
        errors.append(FieldError("kind", _l("Unknown kind of entity: %(value)s.", value=kind)))
    uscc = (uscc or "").strip().upper()
    if err := check_uscc(uscc):
        errors.append(err)
    if website and not re.match(r"^https?://", website):
        errors.append(FieldError("website", _l("A website address starts with http:// or https://.")))
    port = session.scalar(select(Port).where(Port.locode == port_locode))
    if port is None:
        errors.append(FieldError("port", _l("Unknown port: %(value)s.", value=port_locode)))
    _fail_if(errors)
    if session.scalar(select(ChargingEntity).where(ChargingEntity.slug == slug)):
        raise DomainError(_l("The short name %(slug)s is taken.", slug=slug), code="duplicate",
                          errors=[FieldError("slug", _l("Already in use."))])
    if session.scalar(select(ChargingEntity).where(ChargingEntity.uscc == uscc)):
        raise DomainError(_l("An entity with this unified social credit code is already registered."),
                          code="duplicate", errors=[FieldError("uscc", _l("Already in use."))])
    with unit_of_work(session):
        entity = ChargingEntity(
            slug=slug, name_zh=name_zh.strip(), name_en=name_en.strip(), kind=kind, port=port,
            uscc=uscc, contact=contact, website=website, address=address,
            description=description, verified=verified,
        )
        session.add(entity)
        session.flush()
        audit(session, actor, "entity.create", entity, {"slug": slug})
    return entity


def create_schedule(
    session: Session,
    *,
    entity: ChargingEntity,
    slug: str,
    name_zh: str,
    business_line: str,
    name_en: str = "",
    currency: str = "CNY",
    actor: User | None = None,
) -> FeeSchedule:
    """Open a new fee schedule (tariff) for an entity; its versions come later."""
    if actor is None or actor.role != "publisher":
        require_oversight(actor)  # registering an entity's schedules is oversight work
    else:
        require_entity_writer(actor, entity)
    errors: list[FieldError] = []
    _check_slug(slug, errors)
    if not name_zh.strip():
        errors.append(FieldError("name_zh", _l("This field is required.")))
    if business_line not in BUSINESS_LINES:
        errors.append(FieldError("business_line", _l("Unknown business line: %(value)s.", value=business_line)))
    if err := check_currency(currency):
        errors.append(err)
    _fail_if(errors)
    exists = session.scalar(
        select(FeeSchedule).where(FeeSchedule.entity_id == entity.id, FeeSchedule.slug == slug)
    )
    if exists:
        raise DomainError(_l("This entity already has a schedule called %(slug)s.", slug=slug), code="duplicate")
    with unit_of_work(session):
        schedule = FeeSchedule(
            entity=entity, slug=slug, name_zh=name_zh.strip(), name_en=name_en.strip(),
            business_line=business_line, currency=currency,
        )
        session.add(schedule)
        session.flush()
        audit(session, actor, "schedule.create", schedule, {"entity": entity.slug, "slug": slug})
    return schedule


def load_catalog(session: Session, path: Path, actor: User | None = None) -> int:
    """Create or update catalogue entries from a CSV file (the format of data/fee-catalogue.csv).

    All rows are checked first; one bad row and nothing is written. Returns the row count.
    """
    require_oversight(actor)
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    errors: list[FieldError] = []
    for n, row in enumerate(rows, start=2):
        if not CODE_RE.match(row.get("code") or ""):
            errors.append(FieldError("code", _l("Codes are uppercase letters, digits and _."), n))
        if row.get("business_line") not in BUSINESS_LINES:
            errors.append(FieldError("business_line", _l("Unknown business line: %(value)s.", value=row.get("business_line")), n))
        if row.get("pricing_regime") not in PRICING_REGIMES:
            errors.append(FieldError("pricing_regime", _l("Unknown pricing regime: %(value)s.", value=row.get("pricing_regime")), n))
        if row.get("unit") not in UNITS:
            errors.append(FieldError("unit", _l("Unknown unit: %(value)s.", value=row.get("unit")), n))
        if not (row.get("name_zh") or "").strip():
            errors.append(FieldError("name_zh", _l("This field is required."), n))
    if errors:
        raise DomainError(_l("The catalogue file has errors; nothing was loaded."), errors=errors)
    with unit_of_work(session):
        existing = {e.code: e for e in session.scalars(select(CatalogEntry))}
        for row in rows:
            entry = existing.get(row["code"]) or CatalogEntry(code=row["code"])
            entry.name_zh = row["name_zh"].strip()
            entry.name_en = (row.get("name_en") or "").strip()
            entry.business_line = row["business_line"]
            entry.pricing_regime = row["pricing_regime"]
            entry.unit = row["unit"]
            entry.tiered = (row.get("tiered") or "").strip().lower() in ("yes", "true", "1")
            entry.notes = (row.get("notes") or "").strip()
            session.add(entry)
        audit(session, actor, "catalog.load", CatalogEntry(), {"rows": len(rows), "file": path.name})
    return len(rows)


def get_entity(session: Session, slug: str) -> ChargingEntity:
    """The entity with this slug, or NotFound."""
    entity = session.scalar(select(ChargingEntity).where(ChargingEntity.slug == slug))
    if entity is None:
        raise NotFound(_l("No charging entity called %(slug)s.", slug=slug))
    return entity


def get_schedule(session: Session, entity_slug: str, schedule_slug: str) -> FeeSchedule:
    """The schedule `schedule_slug` of entity `entity_slug`, or NotFound."""
    schedule = session.scalar(
        select(FeeSchedule)
        .join(ChargingEntity)
        .where(ChargingEntity.slug == entity_slug, FeeSchedule.slug == schedule_slug)
    )
    if schedule is None:
        raise NotFound(_l("No such fee schedule."))
    return schedule
