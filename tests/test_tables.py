"""The rows of the open data sets (opendata.tables): exactly the schema's fields, public
data only, tiers and changes right, read in constant-size keyset batches; the CSV rows
that the database writes as text say exactly what the records say."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from fees.db import db
from fees.models import FeeItem, FeeSchedule, ScheduleVersion
from fees.services import drafts, publishing, queries
from opendata import csvout, tables
from opendata.schema import (
    CHANGES,
    ENTITIES,
    FEE_ITEMS,
    FEE_TIERS,
    PUBLICATION_LOG,
    RESOURCES,
    SCHEDULES,
    VERSIONS,
)
from tests import factories as f

TYPES = {"integer": int, "boolean": bool, "string": str, "number": str, "date": str, "datetime": str}


@pytest.fixture
def world(session, schedule):
    """Haicang's container tariff through four versions (the third withdrawn, the fourth
    upcoming) with a draft after them, and a customs broker's schedule in Chinese."""
    f.publish(session, schedule, [f.thc("900", notes="=1+1"),
                                  {"code": "DOC", "name_zh": "单证费", "unit": "per_bill", "amount": "50"}],
              effective=date(2023, 1, 1), now=f.utc(2022, 11, 1))
    v3 = f.publish(session, schedule, [f.thc("999")], effective=date(2099, 1, 1), now=f.utc(2025, 1, 1))
    publishing.withdraw_version(session, v3.id, reason="录入错误", now=f.utc(2025, 2, 1))
    f.publish(session, schedule, [f.thc("950"), {"code": "DOC", "name_zh": "单证费", "unit": "per_bill",
                                                "amount": "50"}],
              effective=date(2099, 6, 1), now=f.utc(2025, 3, 1))
    draft = drafts.create_draft(session, schedule, items=[f.thc("1.23")])
    broker = f.entity(session, slug="xiamen-broker", kind="customs_broker", name_zh="厦门示例报关行")
    customs = f.schedule(session, broker, slug="customs", name_zh="报关服务收费")
    f.publish(session, customs, [{"code": "CUSTOMS_DECL", "name_zh": "报关服务费", "service": "申报、审单",
                                  "unit": "per_bill", "amount": "150", "min_amount": "100"}],
              effective=date(2022, 5, 1), now=f.utc(2022, 4, 1))
    return {"schedule": schedule, "withdrawn": v3, "draft": draft, "customs": customs}


def records(resource, **kw):
    """Every record of a data set, read through the app's session."""
    return list(tables.iter_records(db.session, resource, **kw))


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_records_have_exactly_the_schema_fields_with_their_types(world, resource):
    found = records(resource)
    assert found, resource.name
    for record in found:
        assert tuple(record) == resource.field_names
        for field in resource.fields:
            value = record[field.name]
            if value is None:
                assert not field.required, (resource.name, field.name)
            elif field.name == "tiers":
                assert isinstance(value, list)
            else:
                assert type(value) is TYPES[field.type], (resource.name, field.name, value)
                if field.enum is not None:
                    assert value in field.enum


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_rows_come_in_primary_key_order_without_repeats(world, resource):
    keys = [tables.key_of(resource, r) for r in records(resource)]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_drafts_never_appear(world, session):
    draft = world["draft"]
    draft_items = {i.id for i in draft.items}
    assert draft.id not in {r["id"] for r in records(VERSIONS)}
    assert not draft_items & {r["id"] for r in records(FEE_ITEMS)}
    assert not draft_items & {r["item_id"] for r in records(FEE_TIERS)}
    assert "1.23" not in {r["amount"] for r in records(FEE_ITEMS)}
    assert draft.id not in {r["version_id"] for r in records(CHANGES)}


def test_versions_published_and_withdrawn(world):
    by_number = {(r["entity"], r["number"]): r for r in records(VERSIONS)}
    withdrawn = by_number[("haicang-demo", 3)]
    assert withdrawn["status"] == "withdrawn"
    assert withdrawn["withdrawn_at"] == "2025-02-01T02:00:00Z" and withdrawn["withdraw_reason"] == "录入错误"
    first = by_number[("haicang-demo", 1)]
    assert first["status"] == "published" and first["withdrawn_at"] is None
    assert first["effective_from"] == "2022-03-01" and first["published_at"] == "2022-01-10T02:00:00Z"
    assert len(first["content_sha256"]) == 64


def test_fee_items_carry_money_as_strings_and_their_tiers(world):
    items = records(FEE_ITEMS)
    storage = next(r for r in items if r["code"] == "STORAGE")
    assert storage["tiers"] == [{"from": "1", "to": "4", "amount": "0.00"}, {"from": "5", "to": "10", "amount": "20.00"},
                                {"from": "11", "to": None, "amount": "40.00"}]
    assert storage["version"] == 1 and storage["effective_from"] == "2022-03-01" and storage["entity"] == "haicang-demo"
    customs = next(r for r in items if r["code"] == "CUSTOMS_DECL")
    assert customs["amount"] == "150.00" and customs["min_amount"] == "100.00" and customs["currency"] == "CNY"
    assert customs["service"] == "申报、审单" and customs["tiers"] == []
    assert {r["amount"] for r in items if r["code"] == "THC"} == {"850.00", "900.00", "999.00", "950.00"}


def test_fee_tiers_rows(world):
    """Positions are the stored order (the services number tiers and items from 1)."""
    storage_id = next(r["id"] for r in records(FEE_ITEMS) if r["code"] == "STORAGE")
    assert [r for r in records(FEE_TIERS) if r["item_id"] == storage_id] == [
        {"item_id": storage_id, "position": 1, "from_qty": "1", "to_qty": "4", "amount": "0.00"},
        {"item_id": storage_id, "position": 2, "from_qty": "5", "to_qty": "10", "amount": "20.00"},
        {"item_id": storage_id, "position": 3, "from_qty": "11", "to_qty": None, "amount": "40.00"},
    ]


def test_changes_against_the_previous_published_version(world):
    rows = [r for r in records(CHANGES) if r["entity"] == "haicang-demo"]
    summary = [(r["version"], r["previous_version"], r["position"], r["status"], r["code"], r["changed_fields"],
                r["old_amount"], r["new_amount"], r["amount_change"], r["amount_change_pct"]) for r in rows]
    assert summary == [
        (1, None, 0, "added", "THC", "", None, "850.00", None, None),
        (1, None, 1, "added", "STORAGE", "", None, "20.00", None, None),
        (2, 1, 0, "changed", "THC", "amount notes", "850.00", "900.00", "50.00", "5.88"),
        (2, 1, 1, "added", "DOC", "", None, "50.00", None, None),
        (2, 1, 2, "removed", "STORAGE", "", "20.00", None, None, None),
        # version 3 was withdrawn: no rows, and version 4 is compared with version 2
        (4, 2, 0, "changed", "THC", "amount notes", "900.00", "950.00", "50.00", "5.56"),
    ]
    thc = rows[2]
    assert (thc["container"], thc["direction"], thc["cargo_class"], thc["unit"], thc["currency"]) == (
        "40HQ", "export", "", "per_container", "CNY")
    assert thc["effective_from"] == "2023-01-01" and thc["schedule"] == "container"


def test_changes_resume_after_a_key_and_stop_at_a_limit(world):
    everything = records(CHANGES)
    middle = tables.key_of(CHANGES, everything[2])
    assert records(CHANGES, after=middle) == everything[3:]
    assert records(CHANGES, after=middle, limit=2) == everything[3:5]
    assert records(CHANGES, batch=1) == everything


@pytest.mark.parametrize("resource", [ENTITIES, SCHEDULES, VERSIONS, FEE_ITEMS, FEE_TIERS, PUBLICATION_LOG],
                         ids=lambda r: r.name)
def test_after_limit_and_batch_size_change_nothing_but_the_slice(world, resource):
    everything = records(resource)
    assert records(resource, batch=1) == records(resource, batch=2) == everything
    key = tables.key_of(resource, everything[0])
    assert records(resource, after=key) == everything[1:]
    assert records(resource, after=key, limit=2, batch=1) == everything[1:3]


def test_where_clauses_narrow_in_sql(world):
    found = records(FEE_ITEMS, where=(FeeItem.code == "THC", ScheduleVersion.status == "published"))
    assert [r["amount"] for r in found] == ["850.00", "900.00", "950.00"]


def test_reads_in_constant_batches(world, app):
    """Each query asks for at most `batch` rows; the number of queries grows with rows/batch."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        items = records(FEE_ITEMS, batch=2)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(items) == 8
    item_queries = [s for s in statements if "FROM fee_item" in s]
    tier_queries = [s for s in statements if "FROM fee_tier" in s]
    # 2 + 2 + 2 + 2 rows, then an empty batch that ends it (and needs no tiers)
    assert len(item_queries) == 5 and len(tier_queries) == 4


def test_connection_or_session_read_the_same(world, app):
    with db.engine.connect() as connection:
        for resource in RESOURCES:
            assert list(tables.iter_records(connection, resource)) == records(resource)


@pytest.mark.parametrize("day", [date(2022, 2, 1), date(2022, 6, 1), date(2024, 1, 1), date(2099, 1, 1),
                                 date(2099, 3, 1), date(2099, 6, 1), date(2100, 1, 1)])
def test_in_effect_on_agrees_with_the_version_in_effect_of_each_schedule(world, session, day):
    """The one-clause rule (fees.services.market.in_effect_on) against queries.version_in_effect."""
    in_effect = (queries.version_in_effect(session, s.id, day) for s in session.scalars(select(FeeSchedule)))
    expected = {version.id for version in in_effect if version is not None}
    assert set(session.scalars(select(ScheduleVersion.id).where(tables.in_effect_on(day)))) == expected


def test_in_effect_tie_goes_to_the_higher_number(session, schedule):
    second = f.publish(session, schedule, [f.thc("860")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 11))
    found = set(session.scalars(select(ScheduleVersion.id).where(tables.in_effect_on(date(2022, 3, 1)))))
    assert found == {second.id}


def test_csv_row_writes_tiers_compactly(world):
    storage = next(r for r in records(FEE_ITEMS) if r["code"] == "STORAGE")
    row = tables.csv_row(FEE_ITEMS, storage)
    assert len(row) == len(FEE_ITEMS.fields)
    assert row[FEE_ITEMS.field_names.index("tiers")] == "1-4:0.00; 5-10:20.00; 11+:40.00"
    assert row[FEE_ITEMS.field_names.index("amount")] == "20.00"


def test_money_is_exact(world):
    for record in records(FEE_ITEMS):
        assert Decimal(record["amount"]) == Decimal(record["amount"]).quantize(Decimal("0.01"))


def test_a_change_of_currency_has_no_amount_change():
    """A difference between amounts in two currencies means nothing: left empty."""
    from types import SimpleNamespace

    version = SimpleNamespace(id=9, entity="e", schedule="s", number=2, previous_number=1,
                              effective_from=date(2024, 1, 1))
    old = {"code": "THC", "container": "", "direction": "both", "cargo_class": "", "unit": "per_container",
           "name_zh": "码头操作费", "name_en": "", "service": "", "amount": "100.00", "currency": "CNY",
           "min_amount": None, "tiers": [], "legal_basis": "", "notes": ""}
    new = {**old, "amount": "15.00", "currency": "USD"}
    [row] = tables.change_records(version, [old], [new])
    assert (row["status"], row["changed_fields"], row["old_amount"], row["new_amount"], row["currency"]) == (
        "changed", "amount currency", "100.00", "15.00", "USD")
    assert row["amount_change"] is None and row["amount_change_pct"] is None
    assert tuple(row) == CHANGES.field_names
    assert tables.change_records(version, [old], [old]) == []  # unchanged items are no rows


# -- CSV rows: the text the database writes -----------------------------------------------

@pytest.fixture
def awkward(world, session):
    """Values at the edges of every conversion the database makes for the CSV: amounts
    from 0.05 to the largest allowed, quantities with three decimals and 1,000 (never
    "1E+3"), no minimum and a zero minimum, a timestamp a microsecond before the next
    second (cut, never rounded), a leap day, text with commas, quotes, line breaks, tabs
    and every formula start, and text that only looks like a number."""
    owner = world["schedule"].entity
    owner.created_at = datetime(2024, 1, 1, 2, 3, 4, 999999, tzinfo=timezone.utc)
    owner.verified = True
    session.commit()
    sched = f.schedule(session, owner, slug="awkward", name_zh='边界值, "引号"\n换行', name_en="-Edge cases")
    tiers = [{"from": "0.5", "to": "2.25", "amount": "0"}, {"from": "2.251", "to": "999", "amount": "0.05"},
             {"from": "1000", "to": "999999999.999", "amount": "1234567.89"}]
    f.publish(session, sched, [
        f.thc("999999999999.99", min_amount="0", name_en="-50.00", service="'=already quoted", notes="-x",
              legal_basis="@SUM(A1)"),
        f.storage(tiers=tiers, name_en='say "hi", ok', service="\ttab", notes="line\r\nbreak", legal_basis="+1"),
        {"code": "DOC", "name_zh": "=单证费", "unit": "per_bill", "amount": "0.05", "notes": "50%, ok"},
    ], effective=date(2024, 2, 29), now=datetime(2024, 1, 31, 23, 59, 59, 999999, tzinfo=timezone.utc))
    return sched


def csv_of_records(connection, resource) -> str:
    """The CSV of a data set as its records say it (csv_row through csv_lines)."""
    rows = (tables.csv_row(resource, record) for record in tables.iter_records(connection, resource))
    return "".join(csvout.csv_lines(resource.field_names, rows))


def csv_of_batches(connection, resource, **kw) -> str:
    """The CSV of a data set as the API streams it (csv_batches through csv_batch_lines)."""
    return "".join(csvout.csv_batch_lines(resource.field_names, tables.csv_batches(connection, resource, **kw),
                                          text_columns=tables.csv_text_columns(resource)))


@pytest.mark.parametrize("batch", [1, 3, 1000])
@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_csv_batches_write_exactly_what_the_records_say(awkward, app, resource, batch):
    with db.engine.connect() as connection:
        expected = csv_of_records(connection, resource)
        assert csv_of_batches(connection, resource, batch=batch) == expected
    assert expected.count("\r\n") >= 2  # a header and rows


def test_csv_text_of_the_edge_values(awkward, app):
    with db.engine.connect() as connection:
        text = csv_of_batches(connection, FEE_ITEMS)
    assert "999999999999.99,CNY,0.00," in text
    assert ",0.5-2.25:0.00; 2.251-999:0.05; 1000-999999999.999:1234567.89," in text
    assert ",'=单证费,,,per_bill," in text and ',\"50%, ok\"\r\n' in text
    # a number is left alone; text that already starts with a quote gets one more
    assert ",-50.00,''=already quoted,per_container," in text and ",'@SUM(A1),'-x\r\n" in text
    with db.engine.connect() as connection:
        entities = csv_of_batches(connection, ENTITIES)
        versions = csv_of_batches(connection, VERSIONS)
    assert ",2024-01-01T02:03:04Z\r\n" in entities and ",true," in entities and ",false," in entities
    assert ",2024-02-29,2024-01-31T23:59:59Z," in versions


def test_csv_batches_filter_in_sql_and_stop_at_no_row(awkward, app):
    with db.engine.connect() as connection:
        found = list(tables.csv_batches(connection, FEE_ITEMS, where=(FeeItem.code == "DOC",), batch=2))
        assert [len(b) for b in found] == [2, 2] or [len(b) for b in found] == [2, 1]
        assert {row[FEE_ITEMS.field_names.index("code")] for b in found for row in b} == {"DOC"}
        assert list(tables.csv_batches(connection, FEE_ITEMS, where=(FeeItem.code == "NONE",))) == []


def test_csv_batches_read_one_query_per_batch(world, app):
    """The tiers are joined in by the database: no second query per batch."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.engine.connect() as connection:
            batches = list(tables.csv_batches(connection, FEE_ITEMS, batch=2))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert [len(b) for b in batches] == [2, 2, 2, 2]
    assert len(statements) == 5  # 4 full batches, then an empty one that ends it
    assert all(isinstance(cell, str) for b in batches for row in b for cell in row)


def test_csv_batch_lines_write_what_csv_lines_write():
    """The writer's fast paths (plain joins, the first-character scan) change nothing."""
    rows = [["1", "plain", ""], ["2", "a,b", "x"], ["3", 'say "hi"', "-5"], ["4", "line\nbreak", "=1+1"],
            ["5", "-50.00", "@x"], ["6", "'=already", "\ttab"], ["7", "", "+"], ["8", "trailing\r", " spaced "]]
    for batch in ([r] for r in rows):
        assert "".join(csvout.csv_batch_lines(["n", "a", "b"], [batch], text_columns=[1, 2])) == \
            "".join(csvout.csv_lines(["n", "a", "b"], batch))
    assert "".join(csvout.csv_batch_lines(["n", "a", "b"], [rows[:1], rows], text_columns=[1, 2], bom=True)) == \
        "".join(csvout.csv_lines(["n", "a", "b"], rows[:1] + rows, bom=True))
    lone = [[""], ["x"]]  # csv.writer quotes a lone empty cell
    assert "".join(csvout.csv_batch_lines(["a"], [lone], text_columns=[0])) == "a\r\n\"\"\r\nx\r\n"
