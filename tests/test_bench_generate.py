"""The national-scale data generator (bench/generate.py) at a tiny scale: the data it
makes verify, read back through the API, and are the same whether they went through
the publishing services or the bulk path. Runs on SQLite, and on PostgreSQL with
TEST_DATABASE_URL like the rest of the suite."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from stdnum.cn import uscc

from app import create_app
from bench.gen_plan import Publication, Withdrawal, make_plan, parse_scale, version_items
from bench.generate import generate
from fees.db import db
from fees.models import ChargingEntity, FeeItem, PublicationLogEntry, ScheduleVersion
from fees.services.ledger import verify_log, version_document
from fees.vocab import ENTITY_KINDS
from tests.conftest import PG_URL, _empty_postgres

SCALE = "600"  # 13 entities (one of each kind), ~600 items, one withdrawal with the default seed
CJK = re.compile(r"[\u4e00-\u9fff]")


def _app(url: str):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "API_RATE_LIMIT": ""})


def snapshot(url: str) -> dict:
    """What must be identical between two generated databases: every version's canonical
    document and state, every item and tier as stored, and the log with its hashes."""
    app = _app(url)
    with app.app_context():
        session = db.session
        versions = session.scalars(sa.select(ScheduleVersion).order_by(ScheduleVersion.id)).all()
        log = session.execute(sa.select(PublicationLogEntry.__table__).order_by(PublicationLogEntry.seq)).all()
        items = session.execute(sa.select(FeeItem.__table__).order_by(FeeItem.id)).all()
        data = {
            "problems": verify_log(session),
            "documents": [version_document(v) for v in versions],
            "states": [(v.id, v.status, v.base_version_id, v.short_notice, v.content_sha256, v.withdraw_reason,
                        v.revision) for v in versions],
            "log": [tuple(row) for row in log],
            "items": [tuple(row) for row in items],
        }
        session.remove()
        db.engine.dispose()
    return data


@pytest.fixture
def second_database(database_uri, tmp_path):
    """Another empty database: a new SQLite file, or the PostgreSQL test database emptied again."""
    if PG_URL:
        return lambda: (_empty_postgres(database_uri), database_uri)[1]
    return lambda: f"sqlite:///{tmp_path / 'second.db'}"


def test_generated_data_verify_and_read_back(database_uri, tmp_path):
    """A tiny data set: the log verifies (flask log verify), counts match the plan, every
    kind of entity is there with Chinese names and valid credit codes, and every item
    comes back through /api/v1/fee-items."""
    summary = generate(SCALE, database_uri, method="services", verify=True, echo=lambda *_: None)
    plan = make_plan(parse_scale(SCALE))
    publications = [e for e in plan.events if isinstance(e, Publication)]
    planned_items = sum(len(version_items(plan, e)[0]) for e in publications)
    assert summary.log_verifies is True
    assert (summary.versions, summary.withdrawn, summary.log_entries, summary.items) == (
        len(publications), sum(isinstance(e, Withdrawal) for e in plan.events), len(plan.events), planned_items)
    assert summary.withdrawn >= 1
    assert abs(summary.items - 600) < 60 and summary.tiers > 0

    app = _app(database_uri)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["log", "verify"])
        assert result.exit_code == 0, result.output
        entities = db.session.scalars(sa.select(ChargingEntity)).all()
        assert {e.kind for e in entities} == set(ENTITY_KINDS)
        assert all(CJK.search(e.name_zh) and e.name_en for e in entities)
        assert all(uscc.is_valid(e.uscc) for e in entities)

        client = app.test_client()
        found, url = [], "/api/v1/fee-items?limit=1000"
        while url:
            response = client.get(url)
            assert response.status_code == 200, response.get_json()
            found += response.get_json()["items"]
            url = response.get_json()["next"]
        assert len(found) == summary.items
        assert all(CJK.search(item["name_zh"]) for item in found)
        assert {item["entity"] for item in found} == {e.slug for e in entities}
        db.session.remove()
        db.engine.dispose()


def test_bulk_path_writes_what_the_services_write(database_uri, second_database):
    """The bulk path and the publishing services give the same versions, canonical
    documents, short-notice flags, items, withdrawals and log, hash for hash."""
    generate(SCALE, database_uri, method="services", echo=lambda *_: None)
    through_services = snapshot(database_uri)
    other = second_database()
    generate(SCALE, other, method="bulk", echo=lambda *_: None)
    in_bulk = snapshot(other)
    assert through_services["problems"] == [] and in_bulk["problems"] == []
    assert any(state[1] == "withdrawn" for state in in_bulk["states"])
    for key in ("documents", "states", "log", "items"):
        assert in_bulk[key] == through_services[key], key


def test_plan_is_deterministic_and_seeded():
    """The same seed gives the same data; another seed other data."""
    def content(seed):
        plan = make_plan(parse_scale(SCALE), seed)
        return ([e.__dict__ for e in plan.entities],
                [(e, version_items(plan, e)) if isinstance(e, Publication) else e for e in plan.events])

    assert content("a") == content("a")
    assert content("a") != content("b")


@pytest.mark.parametrize("text, items, entities", [
    ("10k", 10_000, 20), ("100k", 100_000, 200), ("1m", 1_000_000, 2_000), ("500", 500, 13), ("250k", 250_000, 500),
])
def test_scales(text, items, entities):
    scale = parse_scale(text)
    assert (scale.items, scale.entities) == (items, entities)


def test_unknown_scale_refused():
    with pytest.raises(ValueError):
        parse_scale("huge")


def test_readme_documents_the_command():
    readme = (Path(__file__).resolve().parent.parent / "bench" / "README.md").read_text(encoding="utf-8")
    assert "## Generating data" in readme and "python -m bench.generate --scale" in readme
