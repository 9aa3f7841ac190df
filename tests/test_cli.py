"""Operator commands: catalogue loading and log verification (which must catch tampering)."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from fees.models import CatalogEntry
from tests import factories as f


@contextmanager
def triggers_off(session):
    """Simulate an attacker with direct database access: switch the guards off."""
    dialect = session.get_bind().dialect.name
    tables = ("schedule_version", "fee_item", "fee_tier", "publication_log")
    if dialect == "postgresql":
        for t in tables:
            session.execute(text(f"ALTER TABLE {t} DISABLE TRIGGER USER"))
        try:
            yield
        finally:
            session.rollback()
            for t in tables:
                session.execute(text(f"ALTER TABLE {t} ENABLE TRIGGER USER"))
            session.commit()
    else:
        names = session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all()
        for name in names:
            session.execute(text(f"DROP TRIGGER {name}"))
        yield  # the SQLite file is thrown away after the test


@pytest.fixture
def history(session):
    sched = f.schedule(session)
    v1 = f.publish(session, sched, [f.thc("850"), f.storage()], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    v2 = f.publish(session, sched, [f.thc("900")], effective=date(2022, 6, 1), now=f.utc(2022, 4, 1))
    v3 = f.publish(session, sched, [f.thc("950")], effective=date(2022, 9, 1), now=f.utc(2022, 7, 1))
    return v1, v2, v3


def test_catalog_load(runner, session):
    result = runner.invoke(args=["catalog", "load"])
    assert result.exit_code == 0, result.output
    assert session.scalar(select(func.count()).select_from(CatalogEntry)) >= 15
    thc = session.scalar(select(CatalogEntry).where(CatalogEntry.code == "THC"))
    assert (thc.name_zh, thc.pricing_regime, thc.unit) == ("码头操作费", "market", "per_container")
    assert session.scalar(select(CatalogEntry).where(CatalogEntry.code == "STORAGE")).tiered is True
    assert runner.invoke(args=["catalog", "load"]).exit_code == 0  # idempotent


def test_catalog_load_refuses_a_bad_file_whole(runner, session, tmp_path: Path):
    bad = tmp_path / "cat.csv"
    bad.write_text("code,name_zh,name_en,business_line,pricing_regime,unit,tiered,notes\n"
                   "GOOD,好,Good,port,market,per_bill,no,\n"
                   "bad code,坏,Bad,port,market,per_bucket,no,\n", encoding="utf-8")
    result = runner.invoke(args=["catalog", "load", str(bad)])
    assert result.exit_code == 1
    assert "row 3" in result.output and "per_bucket" in result.output
    assert session.scalar(select(func.count()).select_from(CatalogEntry)) == 0


def test_log_verify_passes_on_honest_history(runner, history):
    result = runner.invoke(args=["log", "verify"])
    assert result.exit_code == 0 and "OK" in result.output


def test_log_verify_catches_altered_published_content(runner, session, history):
    v1, _, _ = history
    with triggers_off(session):
        session.execute(text("UPDATE fee_item SET amount = 1 WHERE version_id = :v"), {"v": v1.id})
        session.commit()
        result = runner.invoke(args=["log", "verify"])
    assert result.exit_code == 1
    assert "FAILED at entry 1" in result.output and "altered" in result.output


def test_log_verify_catches_a_rewritten_entry(runner, session, history):
    with triggers_off(session):
        session.execute(text("UPDATE publication_log SET effective_from = '2022-05-01' WHERE seq = 2"))
        session.commit()
        result = runner.invoke(args=["log", "verify"])
    assert result.exit_code == 1 and "FAILED at entry 2" in result.output


def test_log_verify_catches_a_removed_entry(runner, session, history):
    with triggers_off(session):
        session.execute(text("DELETE FROM publication_log WHERE seq = 3"))
        session.commit()
        result = runner.invoke(args=["log", "verify"])
    assert result.exit_code == 1 and "entries removed" in result.output


def test_log_verify_catches_a_removed_entry_in_the_middle(runner, session, history):
    with triggers_off(session):
        session.execute(text("DELETE FROM publication_log WHERE seq = 2"))
        session.commit()
        result = runner.invoke(args=["log", "verify"])
    assert result.exit_code == 1 and "FAILED at entry 2" in result.output
