"""Market-wide reads: every entity's fee items in effect on one day, as plain rows.

Comparison, estimates and search all start here, so "in effect on day D" means the same
everywhere: each schedule's published version with the latest effective_from ≤ D (the
higher number wins a tie); withdrawn versions never count.

Everything here is read with Core selects of the columns needed (tuples, not ORM objects
with their relationships), and the versions in effect are found in SQL, one index probe
per schedule (`ix_schedule_version_in_effect`): at national scale (2,000 entities, a
million items over all versions) a comparison or an estimate reads a few thousand rows.
"""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Collection, Mapping
from datetime import date
from functools import lru_cache

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import Session

from fees.canonical import item_content
from fees.compare import VARIANT_FIELDS
from fees.models import CatalogEntry, ChargingEntity, FeeItem, FeeSchedule, FeeTier, Port, ScheduleVersion

# Where an item in effect is, as the plain rows name it (see schedules_in_effect).
PLACE_COLUMNS = (
    ChargingEntity.slug.label("entity"),
    ChargingEntity.name_zh.label("entity_name_zh"),
    ChargingEntity.name_en.label("entity_name_en"),
    ChargingEntity.kind.label("entity_kind"),
    Port.locode.label("port"),
    FeeSchedule.slug.label("schedule"),
    FeeSchedule.name_zh.label("schedule_name_zh"),
    FeeSchedule.name_en.label("schedule_name_en"),
    FeeSchedule.business_line.label("business_line"),
    ScheduleVersion.number.label("version"),
    ScheduleVersion.effective_from.label("effective_from"),
)
PLACE_FIELDS = tuple(column.key for column in PLACE_COLUMNS)
# The columns fees.canonical.item_content reads (tiers apart), under their own names.
ITEM_COLUMNS = (FeeItem.code, FeeItem.name_zh, FeeItem.name_en, FeeItem.service, FeeItem.unit, FeeItem.container,
                FeeItem.direction, FeeItem.cargo_class, FeeItem.amount, FeeItem.currency, FeeItem.min_amount,
                FeeItem.legal_basis, FeeItem.notes)
# An item and its tiers as fees.canonical.item_content reads them.
Item = namedtuple("Item", [column.key for column in ITEM_COLUMNS] + ["tiers"])
Tier = namedtuple("Tier", "from_qty to_qty amount")
# A result row of items_in_effect's query: the item's version, place in it and id, its
# columns, then one of its tiers (NULLs when it has none).
ITEM_ROW_COLUMNS = (FeeItem.version_id, FeeItem.position, FeeItem.id, *ITEM_COLUMNS,
                    FeeTier.position.label("tier_position"), FeeTier.from_qty, FeeTier.to_qty,
                    FeeTier.amount.label("tier_amount"))
VERSION_ID, POSITION, ITEM_ID = 0, 1, 2
TIER = ITEM_ID + 1 + len(ITEM_COLUMNS)
MAX_IDS = 1000  # ids bound to one query (SQLite allows 32,766 parameters, PostgreSQL 65,535)
# The fields of an item key besides its code (fees.compare.VARIANT_FIELDS), as FeeItem columns.
VARIANT_COLUMNS = {name: getattr(FeeItem, name) for name in VARIANT_FIELDS}


def version_in_effect_id(day: date, schedule_id):
    """SQL: the id of the version in effect on `day` of the schedule `schedule_id` (a
    column of the enclosing query), or NULL when none is.

    The rule as one index probe (`ix_schedule_version_in_effect`): the schedule's
    published versions that took effect on or before the day, latest first, the higher
    number first on the same day; the first of them. Withdrawn versions never count.
    """
    version = ScheduleVersion.__table__.alias()
    return (select(version.c.id)
            .where(version.c.schedule_id == schedule_id, version.c.status == "published",
                   version.c.effective_from <= day)
            .order_by(version.c.effective_from.desc(), version.c.number.desc())
            .limit(1)
            .scalar_subquery())


def version_ids_in_effect(day: date, *, kinds: set[str] | None = None, business_line: str | None = None,
                          port: str | None = None) -> Select:
    """SQL: the ids of the versions in effect on `day`, one per schedule that has one,
    optionally only of these kinds of entity, business line or port (UN/LOCODE).

    An uncorrelated select: used as `… IN (…)`, the database finds the day's versions
    once, then reaches their items through fee_item's (version_id, code, …) index.
    Built once per day and narrowing: statements are immutable, and building this one
    takes about as long (~0.5 ms) as the database takes to run it.
    """
    return _version_ids_in_effect(day, frozenset(kinds) if kinds else None, business_line, port)


@lru_cache(maxsize=128)
def _version_ids_in_effect(day: date, kinds: frozenset[str] | None, business_line: str | None,
                           port: str | None) -> Select:
    """version_ids_in_effect, built (in Core: the ORM adds nothing here but time)."""
    schedule, entity = FeeSchedule.__table__.alias(), ChargingEntity.__table__.alias()
    current = select(version_in_effect_id(day, schedule.c.id).label("id")).select_from(schedule)
    if kinds or port:
        current = current.join(entity, schedule.c.entity_id == entity.c.id)
    if kinds:
        current = current.where(entity.c.kind.in_(sorted(kinds)))
    if port:
        current = current.where(entity.c.port_id == select(Port.__table__.c.id)
                                .where(Port.__table__.c.locode == port).scalar_subquery())
    if business_line:
        current = current.where(schedule.c.business_line == business_line)
    found = current.subquery()
    return select(found.c.id).where(found.c.id.is_not(None))


def in_effect_on(day: date):
    """SQL: the ScheduleVersion is its schedule's version in effect on `day`."""
    return ScheduleVersion.id.in_(version_ids_in_effect(day))


def _rows(session: Session, query: Select) -> list:
    """The result rows (tuples) of a Core select, in the session's transaction: through
    its connection, without the ORM's result handling, which adds nothing to tuples."""
    return session.connection().execute(query).all()


def _placed(query: Select) -> Select:
    """The query (over ScheduleVersion) joined to the schedule, entity and port."""
    return (query.join(FeeSchedule, ScheduleVersion.schedule_id == FeeSchedule.id)
            .join(ChargingEntity, FeeSchedule.entity_id == ChargingEntity.id)
            .join(Port, ChargingEntity.port_id == Port.id))


def _by_place(rows: list[dict]) -> list[dict]:
    """Rows by entity and schedule slug, compared as Python compares strings (a
    database's collation may order `-` differently); a stable sort keeps the rest."""
    return sorted(rows, key=lambda row: (row["entity"], row["schedule"]))


def schedules_in_effect(session: Session, on: date, **narrow) -> list[dict]:
    """Every schedule with a version in effect on `on` (narrowed as version_ids_in_effect
    allows) as a plain row: where it is (PLACE_FIELDS), by entity and schedule slug."""
    query = _placed(select(*PLACE_COLUMNS).select_from(ScheduleVersion)
                    .where(ScheduleVersion.id.in_(version_ids_in_effect(on, **narrow))))
    return _by_place([dict(zip(PLACE_FIELDS, row)) for row in _rows(session, query)])


def _item_filter(on: date, codes: set[str] | None, matching: Mapping[str, str | Collection[str]] | None,
                 narrow: dict) -> list:
    """The WHERE clauses of items_in_effect on FeeItem."""
    clauses = [FeeItem.version_id.in_(version_ids_in_effect(on, **narrow))]
    if codes is not None:
        clauses.append(FeeItem.code.in_(sorted(codes)))
    for name, value in (matching or {}).items():
        column = VARIANT_COLUMNS[name]
        clauses.append(column == value if isinstance(value, str) else column.in_(sorted(value)))
    return clauses


def items_in_effect(session: Session, on: date, *, codes: set[str] | None = None,
                    matching: Mapping[str, str | Collection[str]] | None = None, **narrow) -> list[dict]:
    """Every fee item in effect on `on` as a plain row: the canonical item plus where it is.

    Only items with one of `codes` if given, whose variant fields (container, direction,
    cargo_class, unit) have the values `matching` gives (a value, or any of a collection),
    of the entities and schedules `narrow` keeps (kinds, business_line, port: see
    version_ids_in_effect). In order of entity and schedule slug, then of each version.

    Row keys: entity, entity_name_zh, entity_name_en, entity_kind, port, schedule,
    schedule_name_zh, schedule_name_en, business_line, version, effective_from, item_id,
    and the canonical item fields (code, …, amount as a string, tiers, …).

    Two reads: the items with their tiers (one result row per tier, or one for an item
    without), then where their versions are, once per version rather than per item. The
    rows are ordered here: cheaper than a database sort of wide rows, and strings compare
    as Python compares them (a database's collation may order `-` differently).
    """
    query = (select(*ITEM_ROW_COLUMNS).outerjoin(FeeTier, FeeTier.item_id == FeeItem.id)
             .where(*_item_filter(on, codes, matching, narrow)))
    found: dict[int, tuple] = {}  # item id → (its first result row, its tiers' values)
    for row in _rows(session, query):
        _, tiers = found.setdefault(row[ITEM_ID], (row, []))
        if row[TIER] is not None:
            tiers.append(row[TIER:])
    places = places_of(session, {row[VERSION_ID] for row, _ in found.values()})

    def order(item: tuple) -> tuple:
        row = item[0]
        place = places[row[VERSION_ID]]
        return place["entity"], place["schedule"], row[POSITION], row[ITEM_ID]

    return [{**places[row[VERSION_ID]], "item_id": row[ITEM_ID], **item_content(
                Item(*row[ITEM_ID + 1:TIER], tiers=[Tier(*values[1:]) for values in sorted(tiers)]))}
            for row, tiers in sorted(found.values(), key=order)]


def places_of(session: Session, version_ids: set[int]) -> dict[int, dict]:
    """Where each of these versions is (PLACE_FIELDS), by version id."""
    ids, found = sorted(version_ids), {}
    for start in range(0, len(ids), MAX_IDS):
        query = (_placed(select(*PLACE_COLUMNS, ScheduleVersion.id).select_from(ScheduleVersion))
                 .where(ScheduleVersion.id.in_(ids[start:start + MAX_IDS])))
        found.update({row[-1]: dict(zip(PLACE_FIELDS, row)) for row in _rows(session, query)})
    return found


def item_counts(session: Session, on: date, *, codes: set[str], **narrow) -> list[dict]:
    """How many items in effect on `on` with one of `codes` each schedule has, in each
    currency (narrowed as items_in_effect): plain rows of PLACE_FIELDS, currency and
    items (the count). Counted in SQL: no item becomes a row."""
    query = (select(FeeItem.version_id, FeeItem.currency, func.count())
             .where(*_item_filter(on, codes, None, narrow))
             .group_by(FeeItem.version_id, FeeItem.currency))
    counts = _rows(session, query)
    places = places_of(session, {version_id for version_id, _, _ in counts})
    return _by_place([{**places[version_id], "currency": currency, "items": n} for version_id, currency, n in counts])


def variant_counts(session: Session, on: date, code: str) -> list[tuple[tuple[str, ...], str, int]]:
    """Who publishes which variant of `code` on `on`: (variant values in the order of
    VARIANT_FIELDS, entity kind, how many entities of the kind publish it).

    Counted in SQL from fee_item's (version_id, code, container, direction, cargo_class,
    unit) index: no item row is read. An entity has one kind, so adding the counts of a
    variant over the kinds gives its number of entities.
    """
    variant = tuple(VARIANT_COLUMNS.values())
    query = (select(*variant, ChargingEntity.kind, func.count(distinct(ChargingEntity.id)))
             .select_from(FeeItem)
             .join(ScheduleVersion, FeeItem.version_id == ScheduleVersion.id)
             .join(FeeSchedule, ScheduleVersion.schedule_id == FeeSchedule.id)
             .join(ChargingEntity, FeeSchedule.entity_id == ChargingEntity.id)
             .where(FeeItem.version_id.in_(version_ids_in_effect(on)), FeeItem.code == code)
             .group_by(*variant, ChargingEntity.kind))
    return [(tuple(row[:-2]), row[-2], row[-1]) for row in _rows(session, query)]


def catalog(session: Session) -> dict[str, CatalogEntry]:
    """The fee catalogue by code."""
    return {e.code: e for e in session.scalars(select(CatalogEntry).order_by(CatalogEntry.code))}
