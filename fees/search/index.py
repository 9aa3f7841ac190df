"""The whoosh index on disk: where it lives, how it is opened, built and kept current.

The index is derived data. A "meta" document, committed together with the documents it
describes, records the publication-log entry (seq and hash) and the number of entities
the index reflects; comparing that with the log head is the one cheap query that tells
whether anything needs indexing. Writers take whoosh's file lock: whoever does not get
it in time skips, because the next catch-up (before any search) does the work anyway.
"""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass

import whoosh.index
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import CLEAR

from fees.models import ChargingEntity, FeeSchedule, LogHead, PublicationLogEntry, ScheduleVersion
from fees.search import documents as docs
from fees.search import patches
from fees.search.analysis import SCHEMA, SCHEMA_VERSION

patches.apply()
log = logging.getLogger(__name__)

BUILD_LOCK = "build.lock"


class SearchUnavailable(Exception):
    """The index can neither be read nor built right now (built elsewhere, disk trouble)."""


@dataclass(frozen=True)
class Mark:
    """How far the index has got (or how far the database is): log seq and hash, entities."""

    seq: int = 0
    entry_hash: str = ""
    entities: int = 0

    def as_meta(self) -> dict:
        """The stored form, with the schema version the documents were made by."""
        return {"schema": SCHEMA_VERSION, "seq": self.seq, "hash": self.entry_hash, "entities": self.entities}


def index_dir() -> str:
    """FEES_SEARCH_DIR, or search-index/ in the instance folder (read per call: tests move it)."""
    return current_app.config.get("FEES_SEARCH_DIR") or os.path.join(current_app.instance_path, "search-index")


def database_mark(session: Session) -> Mark:
    """The log head and the entity count, in one small query (run before every search)."""
    entities = select(func.count(ChargingEntity.id)).scalar_subquery()
    row = session.execute(select(LogHead.seq, LogHead.entry_hash, entities).where(LogHead.id == 1)).first()
    return Mark(row[0], row[1], row[2]) if row else Mark()


def index_mark(ix) -> Mark | None:
    """What the index has caught up to; None when it has no meta document of this schema."""
    with ix.searcher() as searcher:
        stored = searcher.document(id="meta")
    meta = (stored or {}).get("meta") or {}
    if meta.get("schema") != SCHEMA_VERSION:
        return None
    return Mark(meta["seq"], meta["hash"], meta["entities"])


def open_index(path: str | None = None):
    """The index at `path`, if it exists, reads, and was built by this schema; else None."""
    path = path or index_dir()
    try:
        if not whoosh.index.exists_in(path):
            return None
        ix = whoosh.index.open_dir(path, schema=SCHEMA)
        if index_mark(ix) is None:
            log.warning("search index at %s is unfinished or of another schema; it will be rebuilt", path)
            return None
        return ix
    except Exception:  # a damaged index is rebuilt, never a reason for the page to fail
        log.exception("search index at %s cannot be read; it will be rebuilt", path)
        return None


# Memory for a rebuild's postings before whoosh sorts them on disk (its default is 128 MB):
# the fewer runs it spills, the less merging at commit. Only a rebuild (a command, or the
# first search of a new site) uses it; updates after a publish are small.
REBUILD_POOL_MB = 512
# Schedules read (with all their versions and items) at a time by a rebuild, so that its
# memory stays flat however large the history: about 100 MB at a time at national scale.
REBUILD_BATCH = 200


def _writer(ix, wait: float, limitmb: int = 128):
    """A writer, waiting up to `wait` seconds for another writer to finish (LockError after)."""
    return ix.writer(timeout=wait, delay=0.05, limitmb=limitmb)


def _acquire(lock, wait: float) -> bool:
    """Take a file lock, polling for up to `wait` seconds."""
    deadline = time.monotonic() + wait
    while not lock.acquire(blocking=False):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def rebuild(session: Session, path: str | None = None, *, wait: float = 60.0, only_if_missing: bool = False):
    """Index everything again and commit it in one go; return the index.

    Readers keep the old contents until the commit (mergetype CLEAR replaces every
    segment at once). A build lock keeps two processes from creating the same index at
    once; with `only_if_missing`, a process that waited for another's build uses it.
    """
    path = path or index_dir()
    try:
        os.makedirs(path, exist_ok=True)
        lock = FileStorage(path).lock(BUILD_LOCK)
    except OSError as exc:
        raise SearchUnavailable(str(exc)) from exc
    if not _acquire(lock, wait):
        raise SearchUnavailable("the search index is being built by another process")
    try:
        ix = open_index(path)
        if ix is not None and only_if_missing:
            return ix
        if ix is None:
            ix = whoosh.index.create_in(path, SCHEMA)
        mark = database_mark(session)  # read before the data, so the data is at least this new
        writer = _writer(ix, wait, limitmb=REBUILD_POOL_MB)
        try:
            _add_everything(session, writer)
            writer.update_document(id="meta", doctype="meta", meta=mark.as_meta())
            writer.commit(mergetype=CLEAR)
        except BaseException:
            writer.cancel()
            raise
        log.info("search index rebuilt at %s up to log entry %s", path, mark.seq)
        return ix
    except whoosh.index.LockError as exc:
        raise SearchUnavailable("the search index is being written by another process") from exc
    except OSError as exc:  # disk full, permissions: no search, but never a broken page
        raise SearchUnavailable(f"the search index cannot be written: {exc}") from exc
    finally:
        lock.release()


def _add_everything(session: Session, writer) -> None:
    """Every entity and every item of every version ever in effect, a batch of schedules
    at a time, each batch read in a session of its own and let go after (on the same
    connection, so it sees what `session` sees)."""
    labels, regimes = docs.Labels.build(), docs.catalogue_regimes(session)
    for entity in docs.load_entities(session):
        writer.add_document(**docs.entity_document(entity, labels))
    ids = list(session.scalars(select(FeeSchedule.id).order_by(FeeSchedule.id)))
    for start in range(0, len(ids), REBUILD_BATCH):
        with Session(session.get_bind()) as reader:
            for schedule in docs.load_schedules(reader, ids[start:start + REBUILD_BATCH]):
                for document in docs.item_documents(schedule, regimes, labels):
                    writer.add_document(**document)


def _touched_schedules(session: Session, after: int, upto: int) -> list[int]:
    """Schedules with a publish or withdraw logged in (after, upto]."""
    return list(session.scalars(
        select(ScheduleVersion.schedule_id)
        .join(PublicationLogEntry, PublicationLogEntry.version_id == ScheduleVersion.id)
        .where(PublicationLogEntry.seq > after, PublicationLogEntry.seq <= upto)
        .distinct()
    ))


def _same_history(session: Session, mark: Mark, head: Mark) -> bool:
    """Is the index's last entry still in this database's log? (Not after a restore or a
    switch to another database: then only a rebuild is right.)"""
    if mark.seq > head.seq:
        return False
    if mark.seq == 0:
        return True
    stored = session.scalar(select(PublicationLogEntry.entry_hash).where(PublicationLogEntry.seq == mark.seq))
    return stored == mark.entry_hash


def catch_up(session: Session, ix=None, *, wait: float = 0.0) -> int:
    """Index what the publication log recorded since the index last caught up.

    Every schedule touched by a newer entry is reindexed whole, because adding or
    withdrawing a version moves the end of the version before it. New entities are
    indexed too. Returns how many schedules were reindexed; 0 also when another process
    holds the write lock (it is doing this very work, or the next call will).
    """
    ix = ix or open_index()
    if ix is None:
        rebuild(session, wait=max(wait, 10.0), only_if_missing=True)
        return 0
    mark, head = index_mark(ix), database_mark(session)
    if mark == head:
        return 0
    if mark is None or not _same_history(session, mark, head):
        rebuild(session, wait=max(wait, 10.0))
        return 0
    schedules = _touched_schedules(session, mark.seq, head.seq)
    try:
        writer = _writer(ix, wait)
    except whoosh.index.LockError:
        log.info("search index is locked by another writer; catching up later")
        return 0
    try:
        _reindex(session, writer, schedules, all_entities=mark.entities != head.entities)
        writer.update_document(id="meta", doctype="meta", meta=head.as_meta())
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return len(schedules)


def _indexed_versions(searcher, schedule_id: int) -> dict[int, tuple[tuple[int, int], list[str]]]:
    """Version number → (its indexed (valid_from, valid_to), the ids of its documents)."""
    found: dict[int, tuple[tuple[int, int], list[str]]] = {}
    for fields in searcher.documents(schedule_key=f"schedule:{schedule_id}"):
        number = int(fields["order"].split("/")[-2])  # entity/schedule/<number>/<position>
        found.setdefault(number, ((fields["valid_from"], fields["valid_to"]), []))[1].append(fields["id"])
    return found


def _reindex(session: Session, writer, schedule_ids: list[int], *, all_entities: bool) -> None:
    """Replace the documents of these schedules and of their entities (or of all entities)."""
    labels, regimes = docs.Labels.build(), docs.catalogue_regimes(session)
    schedules = docs.load_schedules(session, schedule_ids) if schedule_ids else []
    with writer.searcher() as searcher:
        indexed = {schedule.id: _indexed_versions(searcher, schedule.id) for schedule in schedules}
    for schedule in schedules:
        # Only versions whose validity moved (or that are new, or no longer in effect
        # ever) are replaced: a publication touches the new version and the one before
        # it, not the schedule's whole history.
        wanted, found = docs.version_intervals(schedule), indexed[schedule.id]
        for number, (interval, ids) in found.items():
            if wanted.get(number) != interval:
                for doc_id in ids:
                    writer.delete_by_term("id", doc_id)
        fresh = {number for number, interval in wanted.items() if number not in found or found[number][0] != interval}
        for document in docs.item_documents(schedule, regimes, labels, numbers=fresh):
            writer.add_document(**document)
    if all_entities:
        writer.delete_by_term("doctype", "entity")
        entities = docs.load_entities(session)
    else:
        entities = docs.load_entities(session, {s.entity.slug for s in schedules}) if schedules else []
    for entity in entities:
        writer.update_document(**docs.entity_document(entity, labels))
