"""The open-data collections: /api/v1/entities, ports, catalog, schedules, versions,
fee-items and changes, each as JSON pages and, with .csv, as one streamed CSV.

Every collection is a data set of opendata/schema.py read through opendata.tables, so
its JSON objects and CSV columns are the data package's fields, in the same order.

- JSON: `{"items": [...], "next": <url or null>}`, `?limit=` rows (default 100, at most
  1000: a page of fee items with their tiers stays well under a megabyte), keyset paging
  on the primary key with an opaque `?cursor=` (opendata.pagination), and an RFC 8288
  `Link: <…>; rel="next"` header whenever there is a next page. Rows added meanwhile
  never shift or repeat a page.
- CSV: every matching row, streamed from a connection of its own in keyset batches, so
  memory stays flat however many rows there are; `?bom=true` for Excel. The rows come
  from the database as text, ready for the writer (opendata.tables.csv_batches).
- Filters are plain query parameters named after fields and become SQL clauses (see
  PARAMS); a value the schema does not allow is refused with 422 naming the parameter,
  never ignored. HTTP caching, CORS and rate limits are opendata/api/http.py's.

Described in opendata/api/openapi_collections.py from the same declarations.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import islice

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_, select

from fees.db import db
from fees.errors import DomainError, FieldError
from fees.models import CatalogEntry, ChargingEntity, FeeItem, FeeSchedule, Port, ScheduleVersion
from fees.params import parse_day
from fees.views.helpers import today
from opendata import tables
from opendata.api import bp, openapi, openapi_collections
from opendata.csvout import csv_batch_response, parse_bom
from opendata.pagination import decode_key, encode_key, page_response
from opendata.schema import (
    CATALOG,
    CHANGES,
    ENTITIES,
    FEE_ITEMS,
    PORTS,
    SCHEDULES,
    VERSIONS,
    Field,
    Resource,
)

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_INTEGER = 2**31 - 1  # ids and numbers are 32-bit columns
MAX_TEXT = 100
TRUE_FALSE = {"true": True, "false": False}


# -- parameters ------------------------------------------------------------------------

@dataclass(frozen=True)
class Param:
    """A filter: query parameter `name`, read as `field` of the schema describes it (type,
    enum, pattern), turned into a SQL clause and/or, for computed rows, a row test."""

    name: str
    field: Field
    description: str
    clause: Callable | None = None  # value -> SQL clause
    matches: Callable | None = None  # (record, value) -> bool, for rows computed in Python

    def read(self, raw: str):
        """The value of the parameter, or ValueError with the reason."""
        return read_value(self.field, raw)


def read_value(field: Field, raw: str):
    """A query value as the field's type, exactly as its schema allows; ValueError else."""
    if field.type == "boolean":
        if raw not in TRUE_FALSE:
            raise ValueError(_l("true or false."))
        return TRUE_FALSE[raw]
    if field.type == "integer":
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 10 and 1 <= int(raw) <= MAX_INTEGER):
            raise ValueError(_l("A whole number from 1 to %(n)s.", n=MAX_INTEGER))
        return int(raw)
    if field.type == "date":
        try:
            day = parse_day(raw)
        except ValueError:
            day = None
        if day is None:
            raise ValueError(_l("A date as YYYY-MM-DD is required."))
        return day
    if field.enum is not None:
        if raw not in field.enum:
            raise ValueError(_l("%(value)s is not accepted here. Accepted values: %(accepted)s.", value=raw,
                                accepted=", ".join(v or '""' for v in field.enum)))
        return raw
    if field.pattern and not (len(raw) <= MAX_TEXT and re.fullmatch(field.pattern, raw)):
        raise ValueError(_l("%(value)s is not a valid %(field)s.", value=raw[:MAX_TEXT], field=field.name))
    if len(raw) > MAX_TEXT:
        raise ValueError(_l("At most %(n)s characters.", n=MAX_TEXT))
    return raw


def equals(name: str, field: Field, column, description: str | None = None) -> Param:
    """Rows whose `column` equals the value (read as `field`)."""
    return Param(name, field, description or f"Only rows whose {name} is this value. {field.en}",
                 clause=lambda value: column == value)


def _text_matches(value: str):
    """Fee items whose code, names or service contain `value`, ignoring case (in SQL)."""
    if "\x00" in value:  # no stored text holds NUL (PostgreSQL refuses it even in a pattern)
        return false()
    columns = (FeeItem.code, FeeItem.name_zh, FeeItem.name_en, FeeItem.service)
    return or_(*(c.icontains(value, autoescape=True) for c in columns))


def _entity_at_port(locode: str):
    """Entities at the port with this UN/LOCODE."""
    return ChargingEntity.port_id.in_(select(Port.id).where(Port.locode == locode))


def _current(value: bool):
    """?current=true: in effect today at the port; false narrows nothing."""
    return tables.in_effect_on(today()) if value else None


def _row_equals(name: str):
    """A row test: the record's `name` is the value."""
    return lambda record, value: record[name] == value


ON = Field("on", "date",
           "只列出该日（YYYY-MM-DD）有效的：各收费目录在该日或之前生效的最新发布版本（同日生效取版本号大者）；已撤回的版本从不有效。",
           "Only what is in effect on this day (YYYY-MM-DD): each schedule's published version with the latest "
           "effective_from on or before it (a tie goes to the higher number); withdrawn versions never are.")
CURRENT = Field("current", "boolean", "true：只列出口岸今日有效的（等同于 on=今日）；false：不限。",
                "true: only what is in effect today at the port (as `on` with today's date); false: no restriction.")
Q = Field("q", "string", f"收费代码、中英文名称或服务内容包含的文字（不区分大小写，至多 {MAX_TEXT} 字）。",
          f"Text (at most {MAX_TEXT} characters) that the fee's code, Chinese or English name or service content "
          "contains, ignoring case.")
SINCE = Field("since", "date", "只列出该日（YYYY-MM-DD）或之后生效的版本。",
              "Only versions that take effect on or after this day (YYYY-MM-DD).")
UNTIL = Field("until", "date", "只列出该日（YYYY-MM-DD）或之前生效的版本。",
              "Only versions that take effect on or before this day (YYYY-MM-DD).")
ENTITY_SLUG, SCHEDULE_SLUG = ENTITIES.field("slug"), SCHEDULES.field("slug")
LOCODE, KIND = PORTS.field("locode"), ENTITIES.field("kind")


def _on() -> Param:
    """?on=YYYY-MM-DD: in effect on that day."""
    return Param("on", ON, ON.en, clause=tables.in_effect_on)


# Every collection's filters. The columns are those tables.JOINED makes available.
PARAMS: dict[str, tuple[Param, ...]] = {
    "ports": (),
    "entities": (
        equals("kind", KIND, ChargingEntity.kind),
        equals("port", LOCODE, Port.locode, "Only entities at the port with this UN/LOCODE."),
        equals("verified", ENTITIES.field("verified"), ChargingEntity.verified),
    ),
    "catalog": (
        equals("business_line", CATALOG.field("business_line"), CatalogEntry.business_line),
        equals("pricing_regime", CATALOG.field("pricing_regime"), CatalogEntry.pricing_regime),
        equals("unit", CATALOG.field("unit"), CatalogEntry.unit),
    ),
    "schedules": (
        equals("entity", ENTITY_SLUG, ChargingEntity.slug, "Only the schedules of this entity (slug)."),
        equals("business_line", SCHEDULES.field("business_line"), FeeSchedule.business_line),
        equals("currency", SCHEDULES.field("currency"), FeeSchedule.currency),
    ),
    "versions": (
        equals("entity", ENTITY_SLUG, ChargingEntity.slug, "Only versions of this entity's schedules (slug)."),
        equals("schedule", SCHEDULE_SLUG, FeeSchedule.slug, "Only versions of schedules with this slug."),
        equals("status", VERSIONS.field("status"), ScheduleVersion.status),
        equals("business_line", SCHEDULES.field("business_line"), FeeSchedule.business_line),
        _on(),
        Param("current", CURRENT, CURRENT.en, clause=_current),
    ),
    "fee_items": (
        equals("entity", ENTITY_SLUG, ChargingEntity.slug, "Only fees of this entity (slug)."),
        Param("port", LOCODE, "Only fees of entities at the port with this UN/LOCODE.", clause=_entity_at_port),
        equals("kind", KIND, ChargingEntity.kind, f"Only fees of entities of this kind. {KIND.en}"),
        equals("schedule", SCHEDULE_SLUG, FeeSchedule.slug, "Only fees of schedules with this slug."),
        equals("business_line", SCHEDULES.field("business_line"), FeeSchedule.business_line,
               "Only fees of schedules of this business line."),
        equals("version", FEE_ITEMS.field("version"), ScheduleVersion.number,
               "Only fees of versions with this number (with `entity` and `schedule`: one version)."),
        equals("version_id", FEE_ITEMS.field("version_id"), FeeItem.version_id),
        equals("code", FEE_ITEMS.field("code"), FeeItem.code),
        equals("container", FEE_ITEMS.field("container"), FeeItem.container,
               "Only fees for this container type; an empty value: fees for any container."),
        equals("direction", FEE_ITEMS.field("direction"), FeeItem.direction),
        equals("cargo_class", FEE_ITEMS.field("cargo_class"), FeeItem.cargo_class,
               "Only fees for this cargo class; an empty value: fees for any cargo."),
        equals("unit", FEE_ITEMS.field("unit"), FeeItem.unit),
        equals("currency", FEE_ITEMS.field("currency"), FeeItem.currency),
        Param("q", Q, Q.en, clause=_text_matches),
        _on(),
        Param("current", CURRENT, CURRENT.en, clause=_current),
    ),
    "changes": (
        equals("entity", ENTITY_SLUG, ChargingEntity.slug, "Only changes of this entity's schedules (slug)."),
        equals("schedule", SCHEDULE_SLUG, FeeSchedule.slug, "Only changes of schedules with this slug."),
        Param("since", SINCE, SINCE.en, clause=lambda day: ScheduleVersion.effective_from >= day),
        Param("until", UNTIL, UNTIL.en, clause=lambda day: ScheduleVersion.effective_from <= day),
        Param("code", CHANGES.field("code"), "Only changes of fees with this code.",
              clause=tables.changes_touching("code"), matches=_row_equals("code")),
        Param("status", CHANGES.field("status"), f"Only changes of this kind. {CHANGES.field('status').en}",
              clause=tables.changes_with_status, matches=_row_equals("status")),
        *(Param(name, CHANGES.field(name), f"Only changes of fees with this {name}. {CHANGES.field(name).en}",
                clause=tables.changes_touching(name), matches=_row_equals(name))
          for name in ("container", "direction", "cargo_class")),
    ),
}

COLLECTIONS: tuple[Resource, ...] = (PORTS, ENTITIES, CATALOG, SCHEDULES, VERSIONS, FEE_ITEMS, CHANGES)


# -- reading a request -----------------------------------------------------------------

@dataclass(frozen=True)
class Query:
    """What a request asks of a collection: SQL clauses and row tests."""

    where: tuple
    tests: tuple  # (matches, value) pairs

    def accepts(self, record: dict) -> bool:
        """Does a computed row pass every row test?"""
        return all(matches(record, value) for matches, value in self.tests)


def read_query(resource: Resource, errors: list[FieldError]) -> Query:
    """The filters the request gives, each checked; errors collected per parameter."""
    where, tests = [], []
    for param in PARAMS[resource.name]:
        if param.name not in request.args:
            continue
        try:
            value = param.read(request.args[param.name])
        except ValueError as exc:
            errors.append(FieldError(param.name, exc.args[0]))
            continue
        clause = param.clause(value) if param.clause else None
        if clause is not None:
            where.append(clause)
        if param.matches:
            tests.append((param.matches, value))
    return Query(tuple(where), tuple(tests))


def read_limit(errors: list[FieldError]) -> int:
    """?limit=: rows per page, 1..MAX_LIMIT (default DEFAULT_LIMIT)."""
    raw = request.args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if raw.isascii() and raw.isdigit() and len(raw) <= 4 and 1 <= int(raw) <= MAX_LIMIT:
        return int(raw)
    errors.append(FieldError("limit", _l("A whole number from 1 to %(n)s.", n=MAX_LIMIT)))
    return DEFAULT_LIMIT


def read_cursor(resource: Resource, errors: list[FieldError]) -> tuple | None:
    """?cursor= from a `next` link: the key of the last row of the previous page."""
    raw = request.args.get("cursor")
    if raw is None:
        return None
    kinds = tuple(int if resource.field(name).type == "integer" else str for name in resource.primary_key)
    try:
        return decode_key(raw, kinds)
    except ValueError:
        errors.append(FieldError("cursor", _l("Use the cursor of a `next` link as it is.")))
        return None


def raise_if(errors: list[FieldError]) -> None:
    """422 listing every bad parameter, if any."""
    if errors:
        raise DomainError(_l("Some query parameters are not valid."), errors=errors)


# -- answering -------------------------------------------------------------------------

def page(resource: Resource, query: Query, after: tuple | None, limit: int) -> tuple[list[dict], tuple | None]:
    """Up to `limit` matching records after the key `after`, and the key to continue
    after (None on the last page). One more row is read to know whether one follows."""
    rows = tables.iter_records(db.session, resource, where=query.where, after=after,
                               limit=None if query.tests else limit + 1, batch=limit + 1)
    found = list(islice(filter(query.accepts, rows), limit + 1))
    more = len(found) > limit
    return found[:limit], tables.key_of(resource, found[limit - 1]) if more else None


def stream(resource: Resource, query: Query):
    """Every matching row as CSV cells, in batches, read from a connection of its own."""
    accepts = query.accepts if query.tests else None
    with db.engine.connect() as connection:
        yield from tables.csv_batches(connection, resource, where=query.where, accepts=accepts)


def list_view(resource: Resource):
    """The JSON view of a collection."""

    def view():
        errors: list[FieldError] = []
        query = read_query(resource, errors)
        limit = read_limit(errors)
        after = read_cursor(resource, errors)
        raise_if(errors)
        items, last = page(resource, query, after, limit)
        return page_response(items, encode_key(last) if last else None)

    view.__doc__ = f"A page of {resource.title_en.lower()} (JSON), in primary-key order."
    return view


def csv_view(resource: Resource):
    """The CSV view of a collection."""

    def view():
        errors: list[FieldError] = []
        query = read_query(resource, errors)
        bom = parse_bom(request.args.get("bom"))
        if bom is None:
            errors.append(FieldError("bom", _l("bom is true or false.")))
        raise_if(errors)
        return csv_batch_response(resource.field_names, stream(resource, query), f"{resource.name}.csv",
                                  text_columns=tables.csv_text_columns(resource), bom=bom)

    view.__doc__ = f"Every matching row of {resource.title_en.lower()} as CSV, streamed."
    return view


for _resource in COLLECTIONS:
    bp.add_url_rule(f"/{_resource.collection}", f"{_resource.name}_list", list_view(_resource), methods=["GET"])
    bp.add_url_rule(f"/{_resource.collection}.csv", f"{_resource.name}_csv", csv_view(_resource), methods=["GET"])

if not any(getattr(s, "NAME", None) == openapi_collections.NAME for s in openapi.SECTIONS):
    openapi.SECTIONS.append(openapi_collections.section(COLLECTIONS, PARAMS, DEFAULT_LIMIT, MAX_LIMIT))
