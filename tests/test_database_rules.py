"""The database itself refuses to change published history, whatever code asks."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from fees.services import drafts
from fees.services.ledger import verify_log
from tests import factories as f


@pytest.fixture
def published(session):
    sched = f.schedule(session)
    version = f.publish(session, sched, [f.thc("850"), f.storage()], effective=date(2022, 3, 1),
                        now=f.utc(2022, 1, 10))
    return version


@pytest.mark.parametrize("statement", [
    "UPDATE schedule_version SET change_note = 'rewritten' WHERE id = :v",
    "UPDATE schedule_version SET effective_from = '2021-01-01' WHERE id = :v",
    "UPDATE schedule_version SET status = 'draft' WHERE id = :v",
    "DELETE FROM schedule_version WHERE id = :v",
    "UPDATE fee_item SET amount = 1 WHERE version_id = :v",
    "DELETE FROM fee_item WHERE version_id = :v",
    "INSERT INTO fee_item (version_id, position, code, name_zh, name_en, service, unit, container, direction,"
    " cargo_class, amount, currency, legal_basis, notes) VALUES (:v, 9, 'DOC', '单证费', '', '', 'per_bill', '',"
    " 'both', '', 100, 'CNY', '', '')",
    "UPDATE fee_tier SET amount = 1 WHERE item_id IN (SELECT id FROM fee_item WHERE version_id = :v)",
    "DELETE FROM fee_tier WHERE item_id IN (SELECT id FROM fee_item WHERE version_id = :v)",
    "UPDATE publication_log SET content_sha256 = 'x' WHERE version_id = :v",
    "DELETE FROM publication_log WHERE version_id = :v",
])
def test_published_history_is_immutable_in_the_database(session, published, statement):
    with pytest.raises(IntegrityError):
        session.execute(text(statement), {"v": published.id})
        session.commit()
    session.rollback()
    assert verify_log(session) == []


def test_withdrawal_may_only_touch_withdrawal_fields(session):
    sched = f.schedule(session)
    version = f.publish(session, sched, [f.thc("850")], effective=date(2030, 3, 1), now=f.utc(2026, 1, 10))
    with pytest.raises(IntegrityError):
        session.execute(text("UPDATE schedule_version SET status = 'withdrawn', withdrawn_at = published_at,"
                             " change_note = 'sneaky' WHERE id = :v"), {"v": version.id})
        session.commit()
    session.rollback()


def test_version_numbers_are_unique_per_schedule(session, published):
    draft = drafts.create_draft(session, published.schedule)
    with pytest.raises(IntegrityError):
        session.execute(text("UPDATE schedule_version SET number = 1 WHERE id = :d"), {"d": draft.id})
        session.commit()
    session.rollback()


def test_drafts_stay_editable_in_the_database(session, published):
    draft = drafts.create_draft(session, published.schedule)
    session.execute(text("UPDATE fee_item SET amount = 1 WHERE version_id = :d"), {"d": draft.id})
    session.execute(text("DELETE FROM fee_item WHERE version_id = :d"), {"d": draft.id})
    session.commit()


@pytest.mark.parametrize("column, value", [("amount", -1), ("currency", "RM"), ("unit", "per_bucket")])
def test_check_constraints_on_items(session, published, column, value):
    draft = drafts.create_draft(session, published.schedule)
    with pytest.raises(IntegrityError):
        session.execute(text(f"UPDATE fee_item SET {column} = :x WHERE version_id = :d"), {"x": value, "d": draft.id})
        session.commit()
    session.rollback()
