"""Drafts: start one, edit its items, discard it. Published versions are never edited."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from fees.diff import item_key
from fees.canonical import item_content
from fees.errors import Conflict, DomainError, FieldError, NotFound
from fees.items import clean_item
from fees.models import FeeItem, FeeSchedule, FeeTier, ScheduleVersion, User
from fees.services.base import audit, require_entity_writer, unit_of_work
from fees.services.queries import latest_published
from fees.types import utcnow


def _editable(session: Session, version_id: int, actor: User | None,
              expected_revision: int | None = None) -> ScheduleVersion:
    """The draft, if it exists, the actor may edit it, it is still a draft, and (when the
    caller says which revision it edited) nobody saved it in between."""
    version = session.get(ScheduleVersion, version_id)
    if version is None:
        raise NotFound(_l("No such draft."))
    require_entity_writer(actor, version.schedule.entity)
    if not version.is_draft:
        raise DomainError(
            _l("Version %(n)s is published and can no longer be changed; start a new draft instead.",
               n=version.number),
            code="immutable",
        )
    check_revision(version, expected_revision)
    return version


def check_revision(version: ScheduleVersion, expected_revision: int | None) -> None:
    """Refuse to overwrite a draft someone else saved since the caller loaded it."""
    if expected_revision is not None and expected_revision != version.revision:
        raise Conflict(
            _l("This draft was changed by someone else (or in another window) meanwhile; your change was not saved. Reload the draft and try again."),
            code="stale_draft",
        )


def _touch(version: ScheduleVersion) -> None:
    """Mark the draft saved: its row is updated, so its revision moves on (and is checked)."""
    version.updated_at = utcnow()


def _new_item(clean: dict, position: int) -> FeeItem:
    values = {k: v for k, v in clean.items() if k != "tiers"}
    item = FeeItem(position=position, **values)
    item.tiers = [FeeTier(position=n, **t) for n, t in enumerate(clean["tiers"], start=1)]
    return item


def _check_unique_key(version: ScheduleVersion, clean: dict, ignore: FeeItem | None, row: int | None) -> None:
    key = item_key(clean)
    for other in version.items:
        if other is not ignore and other.key == key:
            raise DomainError(
                _l("This draft already has a %(code)s fee for the same container, direction, cargo class and unit.",
                   code=clean["code"]),
                errors=[FieldError("code", _l("Duplicate fee."), row)],
                code="duplicate",
            )


def clean_items(items: Sequence[Mapping], default_currency: str) -> list[dict]:
    """Validate a whole list of items (rows numbered from 1); raise with every error at once."""
    errors: list[FieldError] = []
    cleaned: list[dict] = []
    seen: dict[tuple, int] = {}
    for row, data in enumerate(items, start=1):
        clean, errs = clean_item(data, default_currency=default_currency, row=row)
        errors.extend(errs)
        if not errs:
            key = item_key(clean)
            if key in seen:
                errors.append(FieldError("code", _l("Same fee as row %(n)s (same code, container, direction, cargo class and unit).", n=seen[key]), row))
            seen.setdefault(key, row)
            cleaned.append(clean)
    if errors:
        raise DomainError(_l("Some items are not valid; nothing was saved."), errors=errors)
    return cleaned


def create_draft(
    session: Session,
    schedule: FeeSchedule,
    *,
    copy_current: bool = True,
    items: Sequence[Mapping] | None = None,
    actor: User | None = None,
) -> ScheduleVersion:
    """Start a draft: a copy of the latest published version, empty, or from given items.

    The draft remembers which published version it started from; publishing it
    later is refused if another version was published in between.
    """
    require_entity_writer(actor, schedule.entity)
    base = latest_published(session, schedule.id)
    cleaned = clean_items(items, schedule.currency) if items is not None else None
    if cleaned is not None:
        new_items = [_new_item(c, n) for n, c in enumerate(cleaned, start=1)]
    elif copy_current and base is not None:
        new_items = [_new_item(_clean_from(item), n) for n, item in enumerate(base.items, start=1)]
    else:
        new_items = []
    with unit_of_work(session):
        draft = ScheduleVersion(schedule=schedule, status="draft", base_version=base,
                                created_by_id=actor.id if actor else None, items=new_items)
        session.add(draft)
        session.flush()
        audit(session, actor, "draft.create", draft,
              {"schedule": schedule.id, "base": base.number if base else None, "items": len(draft.items)})
    return draft


def _clean_from(item: FeeItem) -> dict:
    """An existing item's values in the shape clean_item returns."""
    values = {c: getattr(item, c) for c in (
        "code", "name_zh", "name_en", "service", "unit", "container", "direction",
        "cargo_class", "amount", "currency", "min_amount", "legal_basis", "notes")}
    values["tiers"] = [{"from_qty": t.from_qty, "to_qty": t.to_qty, "amount": t.amount} for t in item.tiers]
    return values


def add_item(session: Session, version_id: int, data: Mapping, actor: User | None = None,
    expected_revision: int | None = None) -> FeeItem:
    """Add one item at the end of a draft."""
    version = _editable(session, version_id, actor, expected_revision)
    clean, errors = clean_item(data, default_currency=version.schedule.currency)
    if errors:
        raise DomainError(_l("The item is not valid; nothing was saved."), errors=errors)
    _check_unique_key(version, clean, None, None)
    with unit_of_work(session):
        item = _new_item(clean, max((i.position for i in version.items), default=0) + 1)
        version.items.append(item)
        _touch(version)
        session.flush()
        audit(session, actor, "draft.item.add", version, {"item": item.id, "code": item.code})
    return item


def update_item(session: Session, version_id: int, item_id: int, data: Mapping,
                actor: User | None = None, expected_revision: int | None = None) -> FeeItem:
    """Replace one draft item's fields (and tiers) with new values."""
    version = _editable(session, version_id, actor, expected_revision)
    item = next((i for i in version.items if i.id == item_id), None)
    if item is None:
        raise NotFound(_l("No such item in this draft."))
    clean, errors = clean_item(data, default_currency=version.schedule.currency)
    if errors:
        raise DomainError(_l("The item is not valid; nothing was saved."), errors=errors)
    _check_unique_key(version, clean, item, None)
    with unit_of_work(session):
        before = item_content(item)
        for field, value in clean.items():
            if field != "tiers":
                setattr(item, field, value)
        item.tiers.clear()
        session.flush()
        item.tiers = [FeeTier(position=n, **t) for n, t in enumerate(clean["tiers"], start=1)]
        _touch(version)
        session.flush()
        audit(session, actor, "draft.item.update", version, {"item": item.id, "before": before})
    return item


def remove_item(session: Session, version_id: int, item_id: int, actor: User | None = None,
    expected_revision: int | None = None) -> None:
    """Delete one item from a draft."""
    version = _editable(session, version_id, actor, expected_revision)
    item = next((i for i in version.items if i.id == item_id), None)
    if item is None:
        raise NotFound(_l("No such item in this draft."))
    with unit_of_work(session):
        version.items.remove(item)
        _touch(version)
        audit(session, actor, "draft.item.remove", version, {"item": item_id, "code": item.code})


def move_item(session: Session, version_id: int, item_id: int, new_index: int,
              actor: User | None = None, expected_revision: int | None = None) -> None:
    """Move an item to another place (0-based) in the draft's order."""
    version = _editable(session, version_id, actor, expected_revision)
    items = list(version.items)
    item = next((i for i in items if i.id == item_id), None)
    if item is None:
        raise NotFound(_l("No such item in this draft."))
    items.remove(item)
    items.insert(max(0, min(new_index, len(items))), item)
    with unit_of_work(session):
        for n, it in enumerate(items, start=1):
            it.position = n
        _touch(version)
        audit(session, actor, "draft.item.move", version, {"item": item_id, "to": new_index})
    session.expire(version, ["items"])


def discard_draft(session: Session, version_id: int, actor: User | None = None,
    expected_revision: int | None = None) -> None:
    """Delete a draft and its items. Published versions cannot be discarded."""
    version = _editable(session, version_id, actor, expected_revision)
    with unit_of_work(session):
        audit(session, actor, "draft.discard", version, {"schedule": version.schedule_id})
        session.delete(version)


def get_draft(session: Session, version_id: int, actor: User | None) -> ScheduleVersion:
    """A draft the actor may see and edit (publishers see only their own entity's drafts)."""
    version = session.get(ScheduleVersion, version_id)
    if version is None or not version.is_draft:
        raise NotFound(_l("No such draft."))
    require_entity_writer(actor, version.schedule.entity)
    return version


def drafts_of(session: Session, schedule_id: int) -> list[ScheduleVersion]:
    """Open drafts of a schedule, oldest first."""
    return list(session.scalars(
        select(ScheduleVersion)
        .where(ScheduleVersion.schedule_id == schedule_id, ScheduleVersion.status == "draft")
        .order_by(ScheduleVersion.id)
    ))
