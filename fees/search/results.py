"""Running a search: hits from the index, facet counts over them, rows from the database.

The index decides which items and entities match and in what order; the rows shown are
read from the database (the one source of truth) by id, a page at a time. Facets are
counted over every hit: the count of a value is how many results there would be with
that value chosen instead, keeping the other facets' choices (so counts add up to the
total while a facet has no choice of its own).
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from whoosh.query import And

from fees.canonical import item_content
from fees.models import ChargingEntity, FeeItem, FeeSchedule, ScheduleVersion
from fees.search import query as q
from fees.search.analysis import OPEN_END, normalise
from fees.search.documents import NO_REGIME
from fees.search.index import SearchUnavailable, catch_up, database_mark, index_mark, open_index, rebuild
from fees.services.cache import StateCache

log = logging.getLogger(__name__)

FACETS = ("kind", "port", "business_line", "regime")
ENTITY_LIMIT = 20
# The hits of recent searches are remembered per process until the data change (see
# _remembered_find): at most this many searches holding at most this many hits in all
# (~230 bytes a hit: at most ~25 MB).
REMEMBERED_SEARCHES = 32
REMEMBERED_HITS = 100_000


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching document: what it points at, its score and its facet values."""

    key: int | str  # an item id, or an entity slug
    score: float
    order: str
    facets: dict
    valid_to: int = OPEN_END

    def values(self, facet: str) -> list[str]:
        """The document's values of a facet (business lines may be several for an entity)."""
        value = self.facets.get(facet)
        if value is None:
            return []
        return list(value) if isinstance(value, list) else [value]


@dataclass
class SearchResult:
    """One page of a search, with everything the page, the JSON and the CSV show."""

    text: str
    on: date
    filters: dict[str, list[str]]
    hits: list[Hit] = field(default_factory=list)  # every item hit after the facets, in order
    items: list[dict] = field(default_factory=list)  # the rows of this page
    facets: dict[str, dict[str, int]] = field(default_factory=lambda: {f: {} for f in FACETS})
    entities: list[dict] = field(default_factory=list)
    entity_total: int = 0
    loose: bool = False
    unavailable: bool = False
    offset: int = 0
    limit: int = 20

    @property
    def total(self) -> int:
        """Matching fee items, after the facets."""
        return len(self.hits)


def matches(hit: Hit, filters: dict[str, list[str]], skip: str | None = None) -> bool:
    """Does a hit have one of the chosen values of every facet (but `skip`)?"""
    return all(set(hit.values(facet)) & set(chosen)
               for facet, chosen in filters.items() if chosen and facet != skip)


def facet_counts(hits: list[Hit], filters: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """Per facet, the number of hits per value, most first; chosen values stay even at 0."""
    counts = {}
    for facet in FACETS:
        counter = Counter()
        for hit in hits:
            if matches(hit, filters, skip=facet):
                counter.update(hit.values(facet))
        for chosen in filters.get(facet, ()):
            counter[chosen] += 0
        counts[facet] = dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
    return counts


def search(session: Session, text: str, on: date, filters: dict | None = None, *,
           offset: int = 0, limit: int = 20, entity_limit: int = ENTITY_LIMIT) -> SearchResult:
    """Search fee items in effect on `on` and entities; rows for items offset..offset+limit."""
    filters = {f: sorted(set(filters[f])) for f in FACETS if filters and filters.get(f)}
    result = SearchResult(text=text, on=on, filters=filters, offset=offset, limit=limit)
    strict = q.parse(text)
    if strict is None:
        return result
    try:
        items, entities, result.loose = _remembered_find(session, text, strict, on)
    except SearchUnavailable as exc:
        log.warning("search unavailable: %s", exc)
        result.unavailable = True
        return result
    result.facets = facet_counts(items, filters)
    result.hits = [h for h in items if matches(h, filters)]
    chosen_entities = [h for h in entities if matches(h, filters)]
    result.entity_total = len(chosen_entities)
    result.items = item_rows(session, result.hits[offset:offset + limit])
    result.entities = entity_rows(session, chosen_entities[:entity_limit])
    return result


class Found(NamedTuple):
    """What the index found for a query: item and entity hits, best first."""

    items: list[Hit]
    entities: list[Hit]
    loose: bool  # found by jieba's words only (nothing contained the query as written)
    current: bool  # the index had caught up with the publication log


def _remembered_find(session: Session, text: str, strict, on: date) -> tuple[list[Hit], list[Hit], bool]:
    """_find's answer, remembered until the data change (the same key as the comparison's
    cache: the data state, which every publication and withdrawal moves, and so the index
    with it). whoosh is pure Python: a query with thousands of hits in a national index
    takes a few hundred milliseconds however it is asked, so popular searches are answered
    once per state. Not kept: answers from an index that could not catch up (another
    process was writing it); the memory they take is bounded by their number of hits."""
    cache = current_app.extensions.get("fees.search_answers")
    if cache is None:
        cache = current_app.extensions.setdefault("fees.search_answers", StateCache(
            REMEMBERED_SEARCHES, max_weight=REMEMBERED_HITS,
            weigh=lambda found: len(found.items) + len(found.entities)))
    found = cache.get_or_compute(session, "search", (normalise(text).strip(), on),
                                 lambda: _find(session, text, strict, on), keep=lambda found: found.current)
    return found.items, found.entities, found.loose


def _current_index(session: Session):
    """The index, built if missing and caught up with the publication log; and whether it
    is now current (it is not when another process holds the write lock)."""
    ix = open_index()
    if ix is None:
        ix = rebuild(session, wait=10.0, only_if_missing=True)
    else:
        try:
            catch_up(session, ix)
        except Exception:  # a stale answer beats no answer; the next search tries again
            log.exception("search index catch-up failed; searching it as it is")
    return ix, index_mark(ix) == database_mark(session)


def _find(session: Session, text: str, strict, on: date) -> Found:
    """Item and entity hits for the query, falling back to jieba's words if nothing matched."""
    ix, current = _current_index(session)
    try:
        found = _run(ix, strict, on)
    except Exception:  # damaged on disk after it was opened: build it again, once
        log.exception("search index failed while searching; rebuilding it")
        ix = rebuild(session, wait=10.0)
        found = _run(ix, strict, on)
    if found[0] or found[1] or not q.has_chinese(text):
        return Found(found[0], found[1], False, current)
    loose = q.parse(text, loose=True)
    if loose is None:
        return Found(found[0], found[1], False, current)
    items, entities = _run(ix, loose, on)
    return Found(items, entities, bool(items or entities), current)


def _run(ix, query, on: date) -> tuple[list[Hit], list[Hit]]:
    """Every item hit in effect on `on`, and every entity hit, best first."""
    shared: dict = {}
    with ix.searcher() as searcher:
        items = []
        for h in searcher.search(And([q.not_superseded_on(on), query]), limit=None):
            fields = h.fields()
            if q.in_effect(fields["valid_from"], fields["valid_to"], on):
                items.append(Hit(fields["item_id"], h.score, fields["order"], _shared(fields["facets"], shared),
                                 fields["valid_to"]))
        entities = [Hit(h["entity"], h.score, h["order"], h["facets"])
                    for h in searcher.search(And([q.entities(), query]), limit=None)]
    return sorted(items, key=_rank), sorted(entities, key=_rank)


def _shared(facets: dict, seen: dict) -> dict:
    """One dict for all hits with the same facet values (a few hundred combinations among
    thousands of hits), so remembered hits take little memory."""
    key = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(facets.items()))
    return seen.setdefault(key, facets)


def _rank(hit: Hit) -> tuple:
    """Best score first; equal matches (their scores differ in the last bits, hence the
    rounding) by entity, schedule, version and position, so pages are stable."""
    return (-round(hit.score, 6), hit.order)


def _superseded_on(valid_to: int) -> date | None:
    """The first day the next version is in effect (None while none is published)."""
    if valid_to >= OPEN_END:
        return None
    return date(valid_to // 10000, valid_to // 100 % 100, valid_to % 100)


def item_rows(session: Session, hits: list[Hit]) -> list[dict]:
    """Plain rows for item hits, in their order: where the item is, and its canonical content."""
    if not hits:
        return []
    found = session.scalars(
        select(FeeItem).where(FeeItem.id.in_([h.key for h in hits])).options(
            selectinload(FeeItem.tiers),
            selectinload(FeeItem.version).selectinload(ScheduleVersion.schedule)
            .selectinload(FeeSchedule.entity).selectinload(ChargingEntity.port),
        )
    )
    by_id = {item.id: item for item in found}
    rows = []
    for hit in hits:
        item = by_id.get(hit.key)
        if item is None:  # gone from the database (a test reset it): the index catches up later
            continue
        version, schedule, entity = item.version, item.version.schedule, item.version.schedule.entity
        regime = hit.facets.get("regime")
        rows.append({
            "entity": entity.slug, "entity_name_zh": entity.name_zh, "entity_name_en": entity.name_en,
            "entity_kind": entity.kind, "port": entity.port.locode,
            "schedule": schedule.slug, "business_line": schedule.business_line,
            "version": version.number, "effective_from": version.effective_from,
            "superseded_on": _superseded_on(hit.valid_to), "item_id": item.id,
            **item_content(item),
            "pricing_regime": None if regime in (None, NO_REGIME) else regime,
        })
    return rows


def entity_rows(session: Session, hits: list[Hit]) -> list[dict]:
    """Plain rows for entity hits, in their order."""
    if not hits:
        return []
    found = session.scalars(select(ChargingEntity).where(ChargingEntity.slug.in_([h.key for h in hits]))
                            .options(selectinload(ChargingEntity.port)))
    by_slug = {e.slug: e for e in found}
    return [{"slug": e.slug, "name_zh": e.name_zh, "name_en": e.name_en, "kind": e.kind,
             "port": e.port.locode, "verified": e.verified}
            for e in (by_slug.get(h.key) for h in hits) if e is not None]


def all_item_rows(session: Session, hits: list[Hit], batch: int = 500):
    """Rows of every hit, read a batch at a time, so a long CSV keeps memory flat."""
    for start in range(0, len(hits), batch):
        yield from item_rows(session, hits[start:start + batch])
