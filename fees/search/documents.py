"""What the index holds, built from the database: one document per fee item of every
published version, carrying the days that version is in effect, and one per entity.

Withdrawn versions and drafts are never indexed. Past versions are, so `?on=` can look
at any day; the date decides at query time which version of a schedule counts.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from fees import vocab
from fees.models import CatalogEntry, ChargingEntity, FeeSchedule, ScheduleVersion
from fees.search.analysis import OPEN_END, cjk_runs, container_words, normalise

LABELLED = ("ENTITY_KINDS", "BUSINESS_LINES", "UNITS", "DIRECTIONS", "CARGO_CLASSES")
NO_REGIME = "none"  # the regime facet value of items whose code is not in the catalogue


def day_number(day: date | None) -> int:
    """A date as the integer YYYYMMDD the index stores (no date: the open end)."""
    return OPEN_END if day is None else day.year * 10000 + day.month * 100 + day.day


def validity_intervals(versions: Iterable) -> list[tuple]:
    """(version, first day, first day of the next version or None) for every published
    version that is ever in effect.

    This is "in effect on day D" turned around: the published version with the latest
    effective_from ≤ D, the higher number winning a tie, so a version sharing its date
    with a later-numbered one is never in effect and gets no interval.
    """
    published = sorted((v for v in versions if v.status == "published"),
                       key=lambda v: (v.effective_from, v.number))
    intervals = []
    for i, version in enumerate(published):
        following = published[i + 1:]
        if following and following[0].effective_from == version.effective_from:
            continue
        intervals.append((version, version.effective_from, following[0].effective_from if following else None))
    return intervals


@dataclass(frozen=True)
class Labels:
    """Vocabulary labels in both languages, made once per indexing run (not per item)."""

    table: dict[str, dict[str, str]]

    @classmethod
    def build(cls) -> Labels:
        """Render every label of the vocabularies the documents mention, in Chinese and English."""
        table: dict[str, dict[str, str]] = {}
        for name in LABELLED:
            table[name] = {code: "" for code in getattr(vocab, name)}
            for lang in ("zh", "en"):
                with force_locale(lang):
                    for code, text in getattr(vocab, name).items():
                        table[name][code] += f" {text}"
        return cls(table)

    def of(self, name: str, code: str) -> str:
        """Both languages' labels of a code, with the code itself."""
        return f"{code} {self.table[name].get(code, '')}"


def _join(*parts: str | None) -> str:
    """Text pieces as one field value, NFKC-normalised like queries are (newlines keep runs
    apart for the bigrams)."""
    return "\n".join(normalise(p) for p in parts if p)


def chinese_only(*texts: str) -> str:
    """Just the Chinese runs, for jieba: segmenting the Latin text too would only cost time."""
    return "\n".join(run for text in texts for run in cjk_runs(text))


def version_intervals(schedule: FeeSchedule) -> dict[int, tuple[int, int]]:
    """Version number → (valid_from, valid_to) as the documents of its items store them."""
    return {version.number: (day_number(start), day_number(end))
            for version, start, end in validity_intervals(schedule.versions)}


def item_documents(schedule: FeeSchedule, regimes: dict[str, str], labels: Labels,
                   numbers: set[int] | None = None) -> Iterator[dict]:
    """The documents of every item of every version of a schedule that is ever in effect
    (of the versions with these numbers only, if given)."""
    entity = schedule.entity
    for version, start, end in validity_intervals(schedule.versions):
        if numbers is not None and version.number not in numbers:
            continue
        for item in version.items:
            catalogued = regimes.get(item.code)
            names = _join(item.name_zh, item.name_en)
            text = _join(
                item.service, item.notes, item.code,
                entity.name_zh, entity.name_en, schedule.name_zh, schedule.name_en,
                catalogued and catalogued[1],
                labels.of("UNITS", item.unit),
                item.container, container_words(item.container),
                labels.of("DIRECTIONS", item.direction),
                item.cargo_class and labels.of("CARGO_CLASSES", item.cargo_class),
            )
            yield {
                "id": f"item:{item.id}",
                "doctype": "item",
                "schedule_key": f"schedule:{schedule.id}",
                "entity": entity.slug,
                "item_id": item.id,
                "valid_from": day_number(start),
                "valid_to": day_number(end),
                "order": f"{entity.slug}/{schedule.slug}/{version.number:06d}/{item.position:06d}",
                "facets": {"port": entity.port.locode, "kind": entity.kind,
                           "business_line": [schedule.business_line],
                           "regime": catalogued[0] if catalogued else NO_REGIME},
                "code": item.code,
                "name_cjk": names, "text_cjk": text, "zh_words": chinese_only(names, text),
                "name_words": names, "text_words": text,
            }


def entity_document(entity: ChargingEntity, labels: Labels) -> dict:
    """An entity's document. It has no regime: a regime is a property of fees."""
    names = _join(entity.name_zh, entity.name_en)
    text = _join(entity.slug, labels.of("ENTITY_KINDS", entity.kind), entity.port.name_zh,
                 entity.port.name_en, entity.port.locode, entity.address, entity.description)
    lines = sorted({s.business_line for s in entity.schedules})
    return {
        "id": f"entity:{entity.slug}",
        "doctype": "entity",
        "entity": entity.slug,
        "valid_from": 0,
        "valid_to": OPEN_END,
        "order": entity.slug,
        "facets": {"port": entity.port.locode, "kind": entity.kind, "business_line": lines, "regime": None},
        "uscc": entity.uscc,
        "name_cjk": names, "text_cjk": text, "zh_words": chinese_only(names, text),
        "name_words": names, "text_words": text,
    }


def catalogue_regimes(session: Session) -> dict[str, tuple[str, str]]:
    """Catalogue code → (pricing regime, both names), for the regime facet and the text."""
    return {e.code: (e.pricing_regime, _join(e.name_zh, e.name_en))
            for e in session.scalars(select(CatalogEntry))}


def load_schedules(session: Session, schedule_ids: Iterable[int] | None = None) -> list[FeeSchedule]:
    """Schedules with their versions, items, entity and port, in one round of queries."""
    query = select(FeeSchedule).options(
        selectinload(FeeSchedule.versions).selectinload(ScheduleVersion.items),
        selectinload(FeeSchedule.entity).selectinload(ChargingEntity.port),
    ).order_by(FeeSchedule.id)
    if schedule_ids is not None:
        query = query.where(FeeSchedule.id.in_(list(schedule_ids)))
    return list(session.scalars(query))


def load_entities(session: Session, slugs: Iterable[str] | None = None) -> list[ChargingEntity]:
    """Entities with their port and schedules (for the business lines they work in)."""
    query = select(ChargingEntity).options(
        selectinload(ChargingEntity.port), selectinload(ChargingEntity.schedules),
    ).order_by(ChargingEntity.slug)
    if slugs is not None:
        query = query.where(ChargingEntity.slug.in_(list(slugs)))
    return list(session.scalars(query))
