"""Fixtures: a migrated database per test (SQLite by default, PostgreSQL when
TEST_DATABASE_URL is set), the app, its client, and data built through the services."""
from __future__ import annotations

import logging
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from fees.canonical import GENESIS_HASH
from fees.config import database_url
from fees.db import db

PG_URL = os.environ.get("TEST_DATABASE_URL")


def _config(uri: str, instance: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": uri,
        "WTF_CSRF_ENABLED": False,
        "FEES_NOTICE_DAYS": 30,
        "FEES_NOTICE_POLICY": "flag",
    }


def migrate_database(uri: str, instance: Path) -> None:
    """Build the schema the one supported way: the Alembic migrations."""
    app = create_app(_config(uri, instance))
    with app.app_context():
        upgrade(directory=app.config["MIGRATIONS_DIR"])
        db.engine.dispose()


def reset_postgres(url: str) -> None:
    """Drop everything in the test database's public schema."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """A migrated database: a SQLite file to copy, or the PostgreSQL URL itself."""
    instance = tmp_path_factory.mktemp("instance")
    if PG_URL:
        url = database_url(PG_URL, str(instance))
        reset_postgres(url)
        migrate_database(url, instance)
        return url
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate_database(f"sqlite:///{path}", instance)
    return path


def _empty_postgres(url: str) -> None:
    """TRUNCATE bypasses the row triggers that (rightly) forbid deleting published data."""
    from fees.db import Base

    tables = ", ".join(t.name for t in Base.metadata.sorted_tables if t.name != "log_head")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(sa.text("UPDATE log_head SET seq = 0, entry_hash = :g"), {"g": GENESIS_HASH})
    engine.dispose()


@pytest.fixture
def database_uri(database_template, tmp_path) -> str:
    """A fresh, migrated, empty database for one test."""
    if PG_URL:
        _empty_postgres(database_template)
        return database_template
    path = tmp_path / "test.db"
    shutil.copyfile(database_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(database_uri, tmp_path):
    """The app on a fresh database, inside an app context."""
    app = create_app(_config(database_uri, tmp_path))
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def session(app):
    """The database session services are called with."""
    return db.session


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def schedule(session):
    """Haicang's container tariff, made through the services: the catalogue loaded and
    version 1 in effect since 2022-03-01 with THC ¥850 (40HQ export) and tiered storage."""
    from fees.cli import DEFAULT_CATALOG
    from fees.services import registry
    from tests import factories as f

    registry.load_catalog(session, DEFAULT_CATALOG)
    owner = f.entity(session, slug="haicang-demo", name_zh="海沧示例码头", name_en="Haicang Demo Terminal")
    sched = f.schedule(session, owner)
    f.publish(session, sched, [f.thc("850"), f.storage()], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    return sched


@pytest.fixture
def publisher(session, schedule):
    """Haicang's publisher account."""
    from tests.web import make_user

    return make_user(session, "publisher", entity=schedule.entity)


@pytest.fixture
def searching(app):
    """The app with search turned on (as app.py's register_extensions does), its loggers
    enabled: Alembic's logging set-up (the migrations run first) disables loggers that
    existed then."""
    from fees import search

    if search.EXTENSION not in app.extensions:
        search.init_app(app)
    for name in ("fees.search", "fees.search.index", "fees.search.results"):
        logging.getLogger(name).disabled = False
    return app
