"""The migrations are the only source of the schema, and they match the models exactly."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from fees.db import Base, db


def schema_drift() -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        return compare_metadata(context, Base.metadata)


def test_migrated_schema_matches_the_models(app):
    assert schema_drift() == []


def test_migrations_go_down_and_up_again(app):
    downgrade(directory=app.config["MIGRATIONS_DIR"], revision="base")
    db.session.remove()
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade(directory=app.config["MIGRATIONS_DIR"])
    assert schema_drift() == []
    tables = set(inspect(db.engine).get_table_names())
    assert {"schedule_version", "fee_item", "publication_log", "log_head"} <= tables
