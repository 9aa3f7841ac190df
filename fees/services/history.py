"""Read-only questions about change history: a schedule's versions with what each one
changed, the diff of any two versions, one fee over time, and the site-wide list of
publications and withdrawals behind /changes and the Atom feeds.

The coding of changes is fees.history's (pure); this module only fetches what it needs.
"""
from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from fees.canonical import item_content
from fees.diff import KEY_FIELDS
from fees.errors import NotFound
from fees.history import (
    ChangeFilter,
    DiffLine,
    PublicationSummary,
    Step,
    VersionPoint,
    day_bounds_utc,
    diff_lines,
    item_steps,
    matches,
    summarize,
)
from fees.models import (
    ChargingEntity,
    FeeItem,
    FeeSchedule,
    PublicationLogEntry,
    ScheduleVersion,
)
from fees.services.queries import diff_versions, get_version, version_items

SCAN_CHUNK = 200  # log entries examined per query when only their diffs can tell a match
CACHE_SIZE = 4096


def public_versions(session: Session, schedule: FeeSchedule) -> list[ScheduleVersion]:
    """Every published or withdrawn version of a schedule, newest number first, items loaded."""
    return list(session.scalars(
        select(ScheduleVersion)
        .options(selectinload(ScheduleVersion.items).selectinload(FeeItem.tiers))
        .where(ScheduleVersion.schedule_id == schedule.id, ScheduleVersion.status != "draft")
        .order_by(ScheduleVersion.number.desc())
    ))


# Summaries keyed by the two versions' content hashes. A published version's content
# never changes (services and database triggers both refuse), so an entry can never go
# stale; only which version counts as "previous" can change (a withdrawal), and that is
# part of the key. It spares /changes and the feeds from re-reading items on every request.
_cache: OrderedDict[tuple[str, str], PublicationSummary] = OrderedDict()
_cache_lock = threading.Lock()


def _cached(key: tuple[str, str]) -> PublicationSummary | None:
    """A remembered summary (marked as recently used), or None."""
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
        return found


def _remember(key: tuple[str, str], summary: PublicationSummary) -> None:
    """Remember a summary, forgetting the least recently used beyond CACHE_SIZE."""
    with _cache_lock:
        _cache[key] = summary
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def _previous_published(session: Session, versions: list[ScheduleVersion]) -> dict[int, tuple[int, int, str] | None]:
    """For each version id: (id, number, hash) of the published version it follows, if any
    (the rule of queries.previous_version, for many versions in one query)."""
    rows = session.execute(
        select(ScheduleVersion.schedule_id, ScheduleVersion.number, ScheduleVersion.id, ScheduleVersion.content_sha256)
        .where(ScheduleVersion.schedule_id.in_(sorted({v.schedule_id for v in versions})),
               ScheduleVersion.status == "published")
        .order_by(ScheduleVersion.number)
    ).all()
    result = {}
    for version in versions:
        earlier = [r for r in rows if r.schedule_id == version.schedule_id and r.number < version.number]
        result[version.id] = (earlier[-1].id, earlier[-1].number, earlier[-1].content_sha256) if earlier else None
    return result


def _items_of(session: Session, version_ids: set[int]) -> dict[int, list[dict]]:
    """Canonical items of several versions in one query, in each version's order."""
    items: dict[int, list[dict]] = {vid: [] for vid in version_ids}
    for item in session.scalars(
        select(FeeItem).options(selectinload(FeeItem.tiers))
        .where(FeeItem.version_id.in_(sorted(version_ids))).order_by(FeeItem.version_id, FeeItem.position, FeeItem.id)
    ):
        items[item.version_id].append(item_content(item))
    return items


def summaries_for(session: Session, versions: list[ScheduleVersion]) -> dict[int, tuple[int | None, PublicationSummary]]:
    """For each version id: the number of the version it is compared with, and the summary
    of what it changed from that version (everything is an addition for a first version)."""
    if not versions:
        return {}
    previous = _previous_published(session, versions)
    keys = {v.id: (previous[v.id][2] if previous[v.id] else "", v.content_sha256) for v in versions}
    found = {vid: _cached(key) for vid, key in keys.items()}
    missing = [v for v in versions if found[v.id] is None]
    if missing:
        wanted = {v.id for v in missing} | {previous[v.id][0] for v in missing if previous[v.id]}
        items = _items_of(session, wanted)
        for version in missing:
            before = items[previous[version.id][0]] if previous[version.id] else []
            found[version.id] = summarize(before, items[version.id])
            _remember(keys[version.id], found[version.id])
    return {v.id: (previous[v.id][1] if previous[v.id] else None, found[v.id]) for v in versions}


@dataclass(frozen=True)
class VersionPair:
    """Two versions of a schedule and every line that differs between them."""

    old: ScheduleVersion
    new: ScheduleVersion
    lines: list[DiffLine]
    summary: PublicationSummary


def compare_versions(session: Session, schedule: FeeSchedule, old_number: int, new_number: int) -> VersionPair:
    """The diff from version `old_number` to `new_number`, in any order, withdrawn or not."""
    old, new = get_version(session, schedule, old_number), get_version(session, schedule, new_number)
    if old.status == "draft" or new.status == "draft":  # drafts have no number; belt and braces
        raise NotFound(_l("Only published or withdrawn versions can be compared."))
    return VersionPair(old, new, diff_lines(diff_versions(old, new)),
                       summarize(version_items(old), version_items(new)))


def item_keys(versions: list[ScheduleVersion]) -> list[dict]:
    """Every fee (by item key) that any of the versions publishes, with its newest names and
    in how many versions it appears, in the order of their keys (code first)."""
    seen: Counter = Counter()
    names: dict[tuple, dict] = {}
    for version in sorted(versions, key=lambda v: v.number):
        for item in version.items:
            seen[item.key] += 1
            names[item.key] = {"name_zh": item.name_zh, "name_en": item.name_en}
    return [{**dict(zip(KEY_FIELDS, key)), **names[key], "versions": seen[key]} for key in sorted(seen)]


@dataclass(frozen=True)
class ItemHistory:
    """One fee of a schedule over time."""

    key: dict  # the item key's fields
    names: dict  # name_zh, name_en
    steps: list[Step]
    withdrawn: list[int]  # numbers of withdrawn versions that carried the fee (not charted)


def item_history(session: Session, schedule: FeeSchedule, given: dict[str, str | None]) -> ItemHistory:
    """The fee whose key agrees with every field given (None: not given) over time.

    When fields are left out, the most often published fee that fits is shown, so
    `?code=THC` alone already answers.
    """
    versions = public_versions(session, schedule)
    fitting = [k for k in item_keys(versions) if all(given.get(f) is None or given[f] == k[f] for f in KEY_FIELDS)]
    if not fitting:
        raise NotFound(_l("This schedule has never published such a fee."))
    chosen = min(fitting, key=lambda k: -k["versions"])  # the most often published; a tie goes by key
    key = tuple(chosen[f] for f in KEY_FIELDS)
    points = [VersionPoint(v.number, v.status, v.effective_from, version_items(v)) for v in versions]
    withdrawn = sorted(v.number for v in versions if v.status == "withdrawn" and any(i.key == key for i in v.items))
    return ItemHistory(dict(zip(KEY_FIELDS, key)), {"name_zh": chosen["name_zh"], "name_en": chosen["name_en"]},
                       item_steps(points, key), withdrawn)


@dataclass(frozen=True)
class ChangeRow:
    """One publication or withdrawal, with what the version changed."""

    entry: PublicationLogEntry
    version: ScheduleVersion
    schedule: FeeSchedule
    entity: ChargingEntity
    previous_number: int | None
    summary: PublicationSummary


@dataclass(frozen=True)
class ChangesPage:
    """One page of /changes."""

    rows: list[ChangeRow]
    page: int
    has_next: bool


def _log_query(filt: ChangeFilter, tz: str):
    """The log entries that pass every filter SQL can decide, newest first."""
    query = (
        select(PublicationLogEntry)
        .join(ScheduleVersion, PublicationLogEntry.version_id == ScheduleVersion.id)
        .join(FeeSchedule, ScheduleVersion.schedule_id == FeeSchedule.id)
        .join(ChargingEntity, FeeSchedule.entity_id == ChargingEntity.id)
        .options(selectinload(PublicationLogEntry.version).selectinload(ScheduleVersion.schedule)
                 .selectinload(FeeSchedule.entity))
        .order_by(PublicationLogEntry.seq.desc())
    )
    if filt.entity:
        query = query.where(ChargingEntity.slug == filt.entity)
    if filt.kind:
        query = query.where(ChargingEntity.kind == filt.kind)
    if filt.action:
        query = query.where(PublicationLogEntry.action == filt.action)
    start, end = day_bounds_utc(filt.first, filt.last, tz)
    if start:
        query = query.where(PublicationLogEntry.recorded_at >= start)
    if end:
        query = query.where(PublicationLogEntry.recorded_at < end)
    if filt.code:
        # Only schedules that ever published the code can have a diff that touches it.
        query = query.where(FeeSchedule.id.in_(
            select(ScheduleVersion.schedule_id).join(FeeItem, FeeItem.version_id == ScheduleVersion.id)
            .where(FeeItem.code == filt.code)
        ))
    return query


def _rows(session: Session, entries: list[PublicationLogEntry]) -> list[ChangeRow]:
    """Log entries with their versions and what each version changed."""
    summaries = summaries_for(session, list({e.version.id: e.version for e in entries}.values()))
    return [ChangeRow(e, e.version, e.version.schedule, e.version.schedule.entity, *summaries[e.version.id])
            for e in entries]


def list_changes(session: Session, filt: ChangeFilter, *, tz: str, page: int = 1, per_page: int = 30) -> ChangesPage:
    """One page of publications and withdrawals that match the filter, newest first.

    Summaries are computed for the page shown only, unless a fee code or a direction was
    asked for: then entries are examined newest first, a chunk at a time, until the page
    (and one more match, to know there is a next page) is full.
    """
    query = _log_query(filt, tz)
    start = (page - 1) * per_page
    if not filt.needs_diffs:
        entries = list(session.scalars(query.offset(start).limit(per_page + 1)))
        return ChangesPage(_rows(session, entries[:per_page]), page, len(entries) > per_page)
    matched: list[ChangeRow] = []
    last_seq = None
    while len(matched) <= start + per_page:
        chunk_query = query if last_seq is None else query.where(PublicationLogEntry.seq < last_seq)
        chunk = list(session.scalars(chunk_query.limit(SCAN_CHUNK)))
        matched += [row for row in _rows(session, chunk) if matches(row.summary, filt.code, filt.direction)]
        if len(chunk) < SCAN_CHUNK:
            break
        last_seq = chunk[-1].seq
    return ChangesPage(matched[start:start + per_page], page, len(matched) > start + per_page)

