"""The rows of every open data set, read the one way for the bulk files and the API alike.

`iter_records(connection, resource)` yields a data set's public rows in primary-key
order as plain dicts whose keys are exactly `resource.field_names` (opendata/schema.py)
and whose values are int, bool, str or None: money as two-decimal strings ("935.00"),
quantities as plain decimals ("5", "2.5"), dates "YYYY-MM-DD", timestamps UTC
"YYYY-MM-DDTHH:MM:SSZ". A fee item's `tiers` is a list of {"from", "to", "amount"}, as in
its canonical content (fees.canonical.item_content); `csv_row` writes it compactly.

`csv_batches(connection, resource)` yields the same rows ready for the CSV writer, in
lists: text cells in field order, the text made by the database (opendata.sqltext)
instead of by Python per cell. This is the streamed CSV of the API, which must keep up
with a million fee items.

Why it reads this way:

- Only public data: versions published or withdrawn, never drafts, and their items.
- Constant memory at national scale: rows are read in keyset batches (WHERE key > last
  ORDER BY key LIMIT batch) with SQLAlchemy Core, so no ORM identity map grows and
  nothing holds the whole table. A page of fee items costs two queries (the items with
  their version, schedule and entity joined, then the tiers of those item ids).
- `connection` is a SQLAlchemy Connection or a Session: only `.execute()` of Core
  selects is used, so the caller's Session and its objects are left alone. The bulk
  builder passes `db.engine.connect()`; the API passes a connection of its own for a
  streamed CSV and `db.session` for a JSON page.
- A streamed CSV reads one query per batch: the tiers are joined in as text by the
  database (group_concat / string_agg), and the rows go to the writer as they come.
- `where` narrows with SQL clauses over the models each data set's query joins (see
  JOINED); the API's filters are such clauses, so filtering happens in the database.

Changes (the `changes` data set) are not stored: each published version is diffed
(fees.diff, the same pure function as the web pages) against the schedule's previous
*published* version; a first version lists every item as added. Withdrawn versions have
no change rows, since they never took effect, and are skipped as "previous" too (the
rule of fees.services.queries.previous_version). Unchanged items are no rows; a row's
`position` is its order among the version's changed items, so (version_id, position)
is a stable key.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import islice
from types import SimpleNamespace

from sqlalchemy import String, and_, bindparam, cast, exists, func, or_, select
from sqlalchemy.orm import aliased

from fees.canonical import item_content, money_str, qty_str, utc_str
from fees.diff import KEY_FIELDS, diff_items
from fees.models import (
    CatalogEntry,
    ChargingEntity,
    FeeItem,
    FeeSchedule,
    FeeTier,
    Port,
    PublicationLogEntry,
    ScheduleVersion,
)
from fees.services import logdata
from fees.services.market import in_effect_on  # noqa: F401  (the collections filter with it)
from fees.tabular.values import format_tiers
from opendata.csvout import safe_cell
from opendata.schema import CHANGES, FEE_ITEMS, PUBLICATION_LOG, Resource
from opendata.sqltext import bool_text, date_text, money_text, qty_text, tiers_text, utc_text

PUBLIC_STATUSES = ("published", "withdrawn")
# Versions diffed per query round for `changes`: each brings its items and its previous
# version's, so this is smaller than a batch of plain rows.
CHANGE_VERSIONS_PER_ROW_BATCH = 20
# Rows per query of a streamed CSV: a few MB at most, and the fastest size measured (larger
# batches fall out of the CPU caches).
CSV_BATCH = 1000
# Data sets whose rows are computed in Python, not read as they are: CSV goes through records.
COMPUTED = frozenset({CHANGES.name, PUBLICATION_LOG.name})

E, S, V, I, T = ChargingEntity, FeeSchedule, ScheduleVersion, FeeItem, FeeTier

# The models a `where` clause may use, per data set (they are joined in its query).
JOINED: dict[str, tuple] = {
    "ports": (Port,),
    "entities": (ChargingEntity, Port),
    "catalog": (CatalogEntry,),
    "schedules": (FeeSchedule, ChargingEntity),
    "versions": (ScheduleVersion, FeeSchedule, ChargingEntity),
    "fee_items": (FeeItem, ScheduleVersion, FeeSchedule, ChargingEntity),
    "fee_tiers": (FeeTier, FeeItem, ScheduleVersion),
    "changes": (ScheduleVersion, FeeSchedule, ChargingEntity),
    "publication_log": (PublicationLogEntry,),
}


# -- SQL building blocks ---------------------------------------------------------------

def previous_published():
    """SQL, correlated to ScheduleVersion: the id and the number of the published version
    the row's version follows (queries.previous_version's rule, one index probe each).
    Correlated explicitly, so it also works nested in a filter's EXISTS."""
    prev = aliased(ScheduleVersion)

    def latest(column):
        return (select(column).where(prev.schedule_id == V.schedule_id, prev.status == "published",
                                     prev.number < V.number)
                .order_by(prev.number.desc()).limit(1).correlate(V).scalar_subquery())

    return latest(prev.id), latest(prev.number)


def changes_touching(name: str):
    """A `where` for changes by an item-key field (returns value -> clause): versions
    that, or whose previous published version, carry an item with that value. Only their
    diffs can hold such a row, so no other version is read or diffed; the caller still
    tests the rows themselves."""
    def clause(value):
        column = getattr(I, name)
        previous_id, _ = previous_published()
        return or_(exists().where(I.version_id == V.id, column == value),
                   exists().where(I.version_id == previous_id, column == value))
    return clause


def changes_with_status(status: str):
    """A `where` for changes of one kind: for added (removed), versions with an item
    whose key the previous version (this version) lacks; for changed, versions that have
    a previous one. Anti-joins on the unique item-key index, in the database; the caller
    still tests the rows themselves."""
    previous_id, _ = previous_published()
    if status == "changed":
        return previous_id.is_not(None)
    new, old = (V.id, previous_id) if status == "added" else (previous_id, V.id)
    mine, other = aliased(FeeItem), aliased(FeeItem)
    same_key = and_(*(getattr(other, name) == getattr(mine, name) for name in KEY_FIELDS))
    missing = ~exists().where(other.version_id == old, same_key).correlate(mine, V)
    return exists().where(mine.version_id == new, missing).correlate(V)


def _after(columns: Sequence, values: Sequence):
    """SQL: the key (columns) sorts after `values` (a row-value comparison, spelt out)."""
    first, value = columns[0], values[0]
    if len(columns) == 1:
        return first > value
    return or_(first > value, and_(first == value, _after(columns[1:], values[1:])))


def _queries() -> dict[str, tuple]:
    """Per data set: (select with columns labelled by field name, key columns)."""
    entity = E.slug.label("entity")
    return {
        "ports": (select(Port.locode, Port.name_zh, Port.name_en), (Port.locode,)),
        "entities": (
            select(E.slug, E.name_zh, E.name_en, E.kind, Port.locode.label("port"), E.uscc, E.contact,
                   E.website, E.address, E.description, E.verified, E.created_at)
            .join(Port, E.port_id == Port.id),
            (E.slug,)),
        "catalog": (
            select(CatalogEntry.code, CatalogEntry.name_zh, CatalogEntry.name_en, CatalogEntry.business_line,
                   CatalogEntry.pricing_regime, CatalogEntry.unit, CatalogEntry.tiered, CatalogEntry.notes),
            (CatalogEntry.code,)),
        "schedules": (
            select(S.id, entity, S.slug, S.name_zh, S.name_en, S.business_line, S.currency, S.created_at)
            .join(E, S.entity_id == E.id),
            (S.id,)),
        "versions": (
            select(V.id, V.schedule_id, entity, S.slug.label("schedule"), V.number, V.status, V.effective_from,
                   V.published_at, V.change_note, V.short_notice, V.content_sha256, V.withdrawn_at,
                   V.withdraw_reason)
            .join(S, V.schedule_id == S.id).join(E, S.entity_id == E.id)
            .where(V.status.in_(PUBLIC_STATUSES)),
            (V.id,)),
        "fee_items": (
            select(I.id, I.version_id, entity, S.slug.label("schedule"), V.number.label("version"),
                   V.effective_from, I.position, I.code, I.name_zh, I.name_en, I.service, I.unit, I.container,
                   I.direction, I.cargo_class, I.amount, I.currency, I.min_amount, I.legal_basis, I.notes)
            .join(V, I.version_id == V.id).join(S, V.schedule_id == S.id).join(E, S.entity_id == E.id)
            .where(V.status.in_(PUBLIC_STATUSES)),
            (I.id,)),
        "fee_tiers": (
            select(T.item_id, T.position, T.from_qty, T.to_qty, T.amount)
            .join(I, T.item_id == I.id).join(V, I.version_id == V.id)
            .where(V.status.in_(PUBLIC_STATUSES)),
            (T.item_id, T.position)),
        "publication_log": (select(*PublicationLogEntry.__table__.c), (PublicationLogEntry.seq,)),
    }


# -- values ----------------------------------------------------------------------------

def _converter(field):
    """The function that turns a stored value of `field` into its open-data value."""
    if field.money:
        return money_str
    if field.type == "number":
        return qty_str
    if field.type == "datetime":
        return utc_str
    if field.type == "date":
        return date.isoformat
    if field.type == "boolean":
        return bool
    if field.type == "integer":
        return int
    return None


def _plain_rows(resource: Resource, rows) -> list[dict]:
    """Rows of a labelled select as records (fee items' tiers are filled in later).

    Per field, where the value sits in the row and how it converts are worked out once
    per batch, not per cell: exports run this for every row there is."""
    if not rows:
        return []
    positions = {name: i for i, name in enumerate(rows[0]._fields)}
    plan = [(f.name, positions.get(f.name), _converter(f)) for f in resource.fields]
    records = []
    for row in rows:
        record = {}
        for name, at, convert in plan:
            raw = None if at is None else row[at]
            record[name] = raw if raw is None or convert is None else convert(raw)
        records.append(record)
    return records


def tiers_of(connection, item_ids: Sequence[int]) -> dict[int, list[dict]]:
    """Canonical tiers ({"from", "to", "amount"}) of these items, in one query."""
    found: dict[int, list[dict]] = {i: [] for i in item_ids}
    if not item_ids:
        return found
    rows = connection.execute(
        select(T.item_id, T.from_qty, T.to_qty, T.amount).where(T.item_id.in_(list(item_ids)))
        .order_by(T.item_id, T.position))
    for row in rows:
        found[row.item_id].append({"from": qty_str(row.from_qty), "to": qty_str(row.to_qty),
                                   "amount": money_str(row.amount)})
    return found


def _records(connection, resource: Resource, rows) -> list[dict]:
    """The records of one batch of rows."""
    if resource is PUBLICATION_LOG:
        return [logdata.entry_record(row) for row in rows]
    records = _plain_rows(resource, rows)
    if resource is FEE_ITEMS:
        tiers = tiers_of(connection, [r["id"] for r in records])
        for record in records:
            record["tiers"] = tiers[record["id"]]
    return records


# -- reading ---------------------------------------------------------------------------

def key_of(resource: Resource, record: dict) -> tuple:
    """A record's primary key, as `after` takes it (and a cursor holds it)."""
    return tuple(record[name] for name in resource.primary_key)


def _as_key(after) -> tuple | None:
    """`after` as a tuple (a single key may be given bare)."""
    if after is None or isinstance(after, tuple):
        return after
    return tuple(after) if isinstance(after, list) else (after,)


def _rows(result) -> list:
    """A result's rows as SQLAlchemy Rows."""
    return result.all()


def _plain_tuples(result) -> list[tuple]:
    """A result's rows as the DBAPI's own tuples: for selects whose columns need no
    conversion on the way out (all text, see csv_batches), where a SQLAlchemy Row per
    row would cost about a microsecond each, a second per million rows."""
    return result.cursor.fetchall()


def _keyset_batches(connection, resource: Resource, query, key: Sequence, *, after: tuple | None = None,
                    limit: int | None = None, batch: int, read=_rows) -> Iterator[list]:
    """Non-empty lists of rows of `query` (labelled by field name) in key order, `batch`
    per query (WHERE key > last ORDER BY key LIMIT batch), after the key `after`, at most
    `limit` rows in all; `read` takes the rows out of a result. The next key is read from
    the last row, as the field's type (CSV rows hold it as text).

    The two statements (first page, next page) are built once and given their key and
    size as parameters, so SQLAlchemy finds them in its cache without working out a cache
    key per batch."""
    last = [bindparam(f"after_{at}", type_=column.type) for at, column in enumerate(key)]
    first_page = query.order_by(*key).limit(bindparam("size"))
    next_page = query.where(_after(key, last)).order_by(*key).limit(bindparam("size"))
    remaining = limit
    while remaining is None or remaining > 0:
        size = batch if remaining is None else min(batch, remaining)
        values = {"size": size} if after is None else {"size": size, **{p.key: v for p, v in zip(last, after)}}
        with connection.execute(first_page if after is None else next_page, values) as result:
            names = list(result.keys())
            rows = read(result)
        if rows:
            yield rows
        if len(rows) < size:
            return
        after = tuple(_key_type(resource, name)(rows[-1][names.index(name)]) for name in resource.primary_key)
        remaining = None if remaining is None else remaining - len(rows)


def _key_type(resource: Resource, name: str):
    """int or str: how a key field is compared."""
    return int if resource.field(name).type == "integer" else str


def iter_records(connection, resource: Resource, *, where=(), after=None, limit: int | None = None,
                 batch: int = 1000) -> Iterator[dict]:
    """The public rows of a data set in primary-key order, `batch` per query.

    `where`: SQL clauses over the models of JOINED[resource.name]. `after`: a primary key
    (tuple, or a bare value for a one-column key); rows with a greater key only.
    `limit`: at most this many rows. Lazy: stop iterating and no more is read.
    """
    after = _as_key(after)
    if resource is CHANGES:
        yield from _iter_changes(connection, where, after, limit, batch)
        return
    query, key = _queries()[resource.name]
    for rows in _keyset_batches(connection, resource, query.where(*where), key, after=after, limit=limit,
                                 batch=batch):
        yield from _records(connection, resource, rows)


def _cell(value) -> str:
    """A record's value as CSV cell text: "" for None, tiers as text, booleans as
    true/false, numbers as their digits."""
    if value is None:
        return ""
    if value.__class__ is list:
        return format_tiers(value)
    if value is True or value is False:
        return "true" if value else "false"
    return value if value.__class__ is str else str(value)


def csv_row(resource: Resource, record: dict) -> list[str]:
    """A record's values in field order as CSV cell text: tiers as "1-4:0.00; 5+:20.00"
    (the import template's form), booleans as true/false, "" for none. The CSV writer
    (opendata.csvout) does the rest: formula neutralisation, quoting."""
    return [_cell(record[name]) for name in resource.field_names]


# -- CSV rows --------------------------------------------------------------------------
#
# A streamed CSV of a data set needs no records: the database writes every value as its
# open-data text (opendata.sqltext gives the same text as the converters above), so a
# batch of rows goes to the CSV writer as it comes, with no Python per cell. The JSON
# pages keep the records (tiers are a list there).

def csv_text_columns(resource: Resource) -> list[int]:
    """The columns of CSV rows that hold free text: only they can need neutralising
    (opendata.csvout.csv_batch_lines). The others are numbers, dates, timestamps or
    true/false, or have an enum (the database checks that they hold its values) none of
    whose values needs a quote."""
    return [at for at, field in enumerate(resource.fields) if field.type == "string"
            and (field.enum is None or any(safe_cell(value) != value for value in field.enum))]


def _as_text(field, column):
    """SQL: the field's value as its CSV text, "" for none."""
    if field.money:
        text = money_text(column)
    elif field.type == "number":
        text = qty_text(column)
    elif field.type == "date":
        text = date_text(column)
    elif field.type == "datetime":
        text = utc_text(column)
    elif field.type == "boolean":
        text = bool_text(column)
    elif field.type == "integer":
        text = cast(column, String)
    else:
        text = column
    return func.coalesce(text, "")


def _csv_query(resource: Resource) -> tuple:
    """The data set's select with one text column per field, in field order; its key."""
    query, key = _queries()[resource.name]
    columns = {column.key: column for column in query.selected_columns}
    if resource is FEE_ITEMS:
        columns["tiers"] = tiers_text(I.id)
    return query.with_only_columns(*(_as_text(f, columns[f.name]).label(f.name) for f in resource.fields)), key


def _batched(rows: Iterable, size: int) -> Iterator[list]:
    """Lists of `size` rows (the last may be shorter)."""
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def csv_batches(connection, resource: Resource, *, where=(), accepts=None, batch: int = CSV_BATCH) -> Iterator[list]:
    """Every public row of a data set as CSV cells: text ("" for none) in field order,
    free text only in csv_text_columns; in lists of `batch` rows, in primary-key order.

    `where` as for iter_records. `accepts(record)`, if given, is a row test on the records
    (the computed `changes` filters): such reads, and the data sets computed in Python
    (changes, publication_log), go through the records and csv_row."""
    if accepts is not None or resource.name in COMPUTED:
        records = iter_records(connection, resource, where=where)
        rows = (csv_row(resource, r) for r in records if accepts is None or accepts(r))
        yield from _batched(rows, batch)
        return
    query, key = _csv_query(resource)
    yield from _keyset_batches(connection, resource, query.where(*where), key, batch=batch, read=_plain_tuples)


# -- changes ---------------------------------------------------------------------------

def _item_contents(connection, version_ids: set[int]) -> dict[int, list[dict]]:
    """Canonical items (fees.canonical.item_content) of several versions, in their order."""
    items: dict[int, list[dict]] = {vid: [] for vid in version_ids}
    if not version_ids:
        return items
    rows = connection.execute(
        select(I.id, I.version_id, I.code, I.name_zh, I.name_en, I.service, I.unit, I.container, I.direction,
               I.cargo_class, I.amount, I.currency, I.min_amount, I.legal_basis, I.notes)
        .where(I.version_id.in_(sorted(version_ids))).order_by(I.version_id, I.position, I.id)).all()
    tiers = connection.execute(
        select(T.item_id, T.from_qty, T.to_qty, T.amount).join(I, T.item_id == I.id)
        .where(I.version_id.in_(sorted(version_ids))).order_by(T.item_id, T.position)).all()
    by_item: dict[int, list] = {}
    for tier in tiers:
        by_item.setdefault(tier.item_id, []).append(tier)
    for row in rows:
        items[row.version_id].append(item_content(SimpleNamespace(**row._mapping, tiers=by_item.get(row.id, []))))
    return items


def change_records(version, before: list[dict], after: list[dict]) -> list[dict]:
    """The change rows of one version (a row with id, schedule, numbers…) from its
    previous version's canonical items and its own."""
    rows = []
    changes = [c for c in diff_items(before, after).changes if c.status != "unchanged"]
    for position, change in enumerate(changes):
        old, new = change.old or {}, change.new or {}
        same_currency = not (old and new) or old["currency"] == new["currency"]
        moved = change.status == "changed" and same_currency
        rows.append({
            "version_id": version.id,
            "entity": version.entity,
            "schedule": version.schedule,
            "version": version.number,
            "previous_version": version.previous_number,
            "effective_from": version.effective_from.isoformat(),
            "position": position,
            "status": change.status,
            **dict(zip(KEY_FIELDS, change.key)),
            "changed_fields": " ".join(change.changed_fields),
            "old_amount": old.get("amount"),
            "new_amount": new.get("amount"),
            "currency": (new or old)["currency"],
            # Across a change of currency a difference means nothing: left empty.
            "amount_change": money_str(change.amount_change) if moved else None,
            "amount_change_pct": str(change.amount_change_pct)
            if moved and change.amount_change_pct is not None else None,
        })
    return [{name: row[name] for name in CHANGES.field_names} for row in rows]


def _iter_changes(connection, where, after: tuple | None, limit: int | None, batch: int) -> Iterator[dict]:
    """Change rows in (version_id, position) order: published versions a few at a time,
    each diffed against its previous published version."""
    previous_id, previous_number = previous_published()
    query = (
        select(V.id, V.number, V.effective_from, E.slug.label("entity"), S.slug.label("schedule"),
               previous_id.label("previous_id"), previous_number.label("previous_number"))
        .join(S, V.schedule_id == S.id).join(E, S.entity_id == E.id)
        .where(V.status == "published", *where)
        .order_by(V.id)
    )
    per_round = max(1, batch // CHANGE_VERSIONS_PER_ROW_BATCH)
    last_id, skip_through = (after[0], after[1]) if after else (None, None)
    start = None if last_id is None else V.id >= last_id
    yielded = 0
    while True:
        page = query if start is None else query.where(start)
        versions = connection.execute(page.limit(per_round)).all()
        contents = _item_contents(connection, {v.id for v in versions} | {v.previous_id for v in versions
                                                                          if v.previous_id is not None})
        for version in versions:
            before = contents[version.previous_id] if version.previous_id is not None else []
            for record in change_records(version, before, contents[version.id]):
                if version.id == last_id and record["position"] <= skip_through:
                    continue
                yield record
                yielded += 1
                if limit is not None and yielded >= limit:
                    return
        if len(versions) < per_round:
            return
        start = V.id > versions[-1].id
