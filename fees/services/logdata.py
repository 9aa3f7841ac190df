"""The publication log as downloadable, checkable data.

Read-only: the log's entries as records, every published or withdrawn version's canonical
content (the bytes its `content_sha256` is the hash of), the Merkle tree over the entries
(fees.merkle; leaf data = an entry's canonical bytes, leaves in seq order) and a
verification report. docs/PUBLICATION_LOG.md is the contract these follow.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from fees import merkle
from fees.canonical import canonical_bytes, entry_content, utc_str
from fees.errors import DomainError, FieldError, NotFound
from fees.models import FeeItem, FeeSchedule, LogHead, PublicationLogEntry, ScheduleVersion
from fees.services.ledger import verify_log, version_document

RECORD_FIELDS = ("seq", "action", "recorded_at", "entity", "schedule", "version", "effective_from",
                 "content_sha256", "prev_hash", "entry_hash")
# The stored columns that entry_content() takes, by its keyword names.
HASHED_COLUMNS = ("seq", "action", "recorded_at", "entity_slug", "schedule_slug", "version_number",
                  "effective_from", "content_sha256", "prev_hash")
STREAM_BATCH = 500


@dataclass(frozen=True)
class LogFilter:
    """Plain field filters of a log listing (None: any). A filtered log is for reading;
    only the whole log verifies, since each entry's hash covers the one before."""

    entity: str | None = None
    schedule: str | None = None
    action: str | None = None

    def apply(self, query):
        """The query narrowed to the entries that match."""
        if self.entity:
            query = query.where(PublicationLogEntry.entity_slug == self.entity)
        if self.schedule:
            query = query.where(PublicationLogEntry.schedule_slug == self.schedule)
        if self.action:
            query = query.where(PublicationLogEntry.action == self.action)
        return query


# -- entries --------------------------------------------------------------------------

def entry_bytes(entry: PublicationLogEntry) -> bytes:
    """An entry's canonical bytes, re-computed from its stored fields: what its entry_hash
    should be the SHA-256 of, and the data of its Merkle leaf."""
    return canonical_bytes(entry_content(**{c: getattr(entry, c) for c in HASHED_COLUMNS}))


def entry_record(entry: PublicationLogEntry) -> dict:
    """An entry as the open data show it: the hashed fields by their published names, and
    the entry_hash. (The canonical content adds only `"format"`, so a reader rebuilds it
    from this record alone.)"""
    return {
        "seq": entry.seq,
        "action": entry.action,
        "recorded_at": utc_str(entry.recorded_at),
        "entity": entry.entity_slug,
        "schedule": entry.schedule_slug,
        "version": entry.version_number,
        "effective_from": entry.effective_from.isoformat(),
        "content_sha256": entry.content_sha256,
        "prev_hash": entry.prev_hash,
        "entry_hash": entry.entry_hash,
    }


def entries_page(session: Session, *, after: int, limit: int,
                 filters: LogFilter = LogFilter()) -> tuple[list[PublicationLogEntry], bool]:
    """Up to `limit` entries with seq > `after`, in seq order, and whether more follow.

    Keyset pagination: a page boundary is a seq, so entries appended meanwhile can
    neither shift nor repeat a page.
    """
    query = filters.apply(select(PublicationLogEntry).where(PublicationLogEntry.seq > after))
    rows = list(session.scalars(query.order_by(PublicationLogEntry.seq).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def iter_entries(engine: Engine, filters: LogFilter = LogFilter()) -> Iterator[PublicationLogEntry]:
    """Every matching entry in seq order, read in batches through a session of its own
    (cleared after each batch), so a long download keeps memory flat and leaves the
    caller's session alone."""
    with Session(engine) as session:
        after = 0
        while True:
            batch, more = entries_page(session, after=after, limit=STREAM_BATCH, filters=filters)
            yield from batch
            if not more:
                return
            after = batch[-1].seq
            session.expunge_all()


def last_seq(session: Session) -> int:
    """The highest seq in the log (0 when it is empty)."""
    return session.scalar(select(func.max(PublicationLogEntry.seq))) or 0


# -- versions -------------------------------------------------------------------------

def version_lines(engine: Engine, through: int | None = None) -> Iterator[bytes]:
    """The canonical bytes of every logged version, one per publish entry in seq order,
    up to entry `through` (default: the last entry when the download starts, so the file
    is a snapshot that matches the log as it was then).

    The SHA-256 of each is the content_sha256 its publish entry recorded, unless the
    stored version was altered since. A withdrawn version is listed once, where it was
    published; its withdrawal repeats the same hash.
    """
    loaders = (
        selectinload(PublicationLogEntry.version).selectinload(ScheduleVersion.items).selectinload(FeeItem.tiers),
        selectinload(PublicationLogEntry.version).selectinload(ScheduleVersion.schedule)
        .selectinload(FeeSchedule.entity),
    )
    with Session(engine) as session:
        through = last_seq(session) if through is None else through
        after = 0
        while True:
            batch = list(session.scalars(
                select(PublicationLogEntry).options(*loaders)
                .where(PublicationLogEntry.action == "publish", PublicationLogEntry.seq > after,
                       PublicationLogEntry.seq <= through)
                .order_by(PublicationLogEntry.seq).limit(STREAM_BATCH)
            ))
            for entry in batch:
                yield canonical_bytes(version_document(entry.version))
            if len(batch) < STREAM_BATCH:
                return
            after = batch[-1].seq
            session.expunge_all()


# -- the Merkle tree ------------------------------------------------------------------

def leaf_hashes(session: Session, size: int | None = None) -> list[bytes]:
    """The Merkle leaf hashes of the first `size` entries (all by default), in seq order."""
    query = select(PublicationLogEntry).order_by(PublicationLogEntry.seq)
    if size is not None:
        query = query.limit(size)
    return [merkle.leaf_hash(entry_bytes(e)) for e in session.scalars(query)]


def _size_error(field: str, low: int, high: int) -> DomainError:
    """422 naming the parameter and the sizes that exist."""
    message = _l("A whole number from %(low)s to %(high)s.", low=low, high=high)
    return DomainError(_l("Some query parameters are not valid."), errors=[FieldError(field, message)])


def _leaves_up_to(session: Session, size: int | None, field: str, low: int = 0) -> list[bytes]:
    """The leaves of the tree of `size` entries, or a 422 when there is no such tree."""
    leaves = leaf_hashes(session)
    if size is None:
        return leaves
    if not low <= size <= len(leaves):
        raise _size_error(field, low, len(leaves))
    return leaves[:size]


def tree_head(session: Session, size: int | None = None) -> dict:
    """{"size", "root"} of the tree of the first `size` entries (default: all of them)."""
    leaves = _leaves_up_to(session, size, "size")
    return {"size": len(leaves), "root": merkle.root(leaves).hex()}


def inclusion(session: Session, seq: int, tree_size: int | None = None) -> dict:
    """The audit path proving entry `seq` is in the tree of `tree_size` entries (default:
    all), with what the proof is checked against."""
    entries = list(session.scalars(select(PublicationLogEntry).order_by(PublicationLogEntry.seq)))
    index = next((i for i, e in enumerate(entries) if e.seq == seq), None)
    if index is None:
        raise NotFound(_l("No entry %(seq)s in the publication log.", seq=seq))
    leaves = [merkle.leaf_hash(entry_bytes(e)) for e in entries]
    size = len(leaves) if tree_size is None else tree_size
    if not index < size <= len(leaves):
        raise _size_error("tree_size", index + 1, len(leaves))
    tree = leaves[:size]
    return {
        "seq": seq,
        "leaf_index": index,
        "tree_size": size,
        "leaf_hash": tree[index].hex(),
        "audit_path": [h.hex() for h in merkle.inclusion_proof(tree, index)],
        "root": merkle.root(tree).hex(),
        "entry": entry_record(entries[index]),
    }


def consistency(session: Session, first: int, second: int | None = None) -> dict:
    """The proof that the tree of `first` entries is a prefix of the tree of `second`
    (default: all): everything logged by then is still there, unchanged."""
    leaves = leaf_hashes(session)
    second = len(leaves) if second is None else second
    if not 1 <= second <= len(leaves):
        raise _size_error("second", 1, len(leaves))
    if not 1 <= first <= second:
        raise _size_error("first", 1, second)
    return {
        "first": first,
        "second": second,
        "first_root": merkle.root(leaves[:first]).hex(),
        "second_root": merkle.root(leaves[:second]).hex(),
        "proof": [h.hex() for h in merkle.consistency_proof(leaves[:second], first)],
    }


# -- verification ---------------------------------------------------------------------

def verification(session: Session, now: datetime | None = None) -> dict:
    """fees.services.ledger.verify_log's findings, with the head and Merkle root they
    concern: what GET /api/v1/log/verify answers."""
    problems = verify_log(session)
    head = session.get(LogHead, 1)
    leaves = leaf_hashes(session)
    return {
        "verified": not problems,
        "entries": len(leaves),
        "head": {"seq": head.seq if head else None, "entry_hash": head.entry_hash if head else None},
        "merkle_root": merkle.root(leaves).hex(),
        "problems": [{"seq": p.seq, "reason": p.reason} for p in problems],
        "checked_at": utc_str(now or datetime.now(UTC)),
    }
