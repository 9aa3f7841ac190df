"""`flask backup` and `flask restore`: consistent copies, verified before anything is replaced."""
from __future__ import annotations

import re
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import create_app
from fees.db import db
from fees.models import LogHead, PublicationLogEntry
from fees.search import index
from fees.services import backup
from fees.services.ledger import verify_log
from tests import factories as f
from tests.conftest import PG_URL, _config

sqlite_only = pytest.mark.skipif(
    bool(PG_URL), reason="flask backup/restore copy an SQLite file; on PostgreSQL they refuse and name pg_dump "
                         "(test_backup_on_postgres_names_pg_dump)")

TABLES = ("charging_entity", "fee_schedule", "schedule_version", "fee_item", "fee_tier", "publication_log",
          "log_head", "alembic_version")


@pytest.fixture
def history(session):
    """Three published versions of one schedule."""
    sched = f.schedule(session)
    f.publish(session, sched, [f.thc("850"), f.storage()], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    f.publish(session, sched, [f.thc("900")], effective=date(2022, 6, 1), now=f.utc(2022, 4, 1))
    f.publish(session, sched, [f.thc("950")], effective=date(2022, 9, 1), now=f.utc(2022, 7, 1))
    return sched


def live_file() -> Path:
    return Path(db.engine.url.database)


def rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of the tables that matter, read with sqlite3 alone."""
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}
    finally:
        conn.close()


def head(session) -> tuple[int, str]:
    h = session.get(LogHead, 1)
    return h.seq, h.entry_hash


def tamper(path: Path) -> None:
    """What someone with the file could do: drop the guards and lower a published amount."""
    conn = sqlite3.connect(path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE fee_item SET amount = '1.00' WHERE code = 'THC' AND version_id = "
                 "(SELECT min(id) FROM schedule_version)")
    conn.commit()
    conn.close()


@pytest.fixture
def empty_app(database_template, tmp_path):
    """A second site on its own fresh, migrated, empty SQLite database."""
    path = tmp_path / "other.db"
    shutil.copyfile(database_template, path)
    other = create_app(_config(f"sqlite:///{path}", tmp_path))
    other.instance_path = str(tmp_path / "other-instance")
    return other


@sqlite_only
def test_backup_copies_every_row_and_a_verifying_log(runner, session, history, tmp_path):
    target = tmp_path / "copy.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    seq, entry_hash = head(session)
    assert f"Backup: {target} ({target.stat().st_size} bytes)" in result.output
    assert f"Publication log head: entry 3, {entry_hash}" in result.output and seq == 3
    assert "OK: the publication log verifies." in result.output
    assert rows(target) == rows(live_file())
    assert not list(tmp_path.glob(".copy.db.tmp-*"))  # the temporary file was renamed, not left


@sqlite_only
def test_backup_default_name_is_in_the_instance_folder(app, runner, history):
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    made = list((Path(app.instance_path) / "backups").iterdir())
    assert len(made) == 1 and re.fullmatch(r"opf-\d{8}T\d{6}Z\.db", made[0].name)
    assert str(made[0]) in result.output


@sqlite_only
def test_backup_during_a_write_copies_only_what_was_committed(runner, session, history, tmp_path):
    """A publisher's transaction in progress (another connection) is not in the copy, and
    the copy is taken without waiting for it."""
    writer = sqlite3.connect(live_file(), timeout=10)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO site_setting (key, value) VALUES ('in-flight', 'x')")
    try:
        result = runner.invoke(args=["backup", str(tmp_path / "copy.db")])
    finally:
        writer.rollback()
        writer.close()
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(tmp_path / "copy.db")
    assert conn.execute("SELECT count(*) FROM site_setting WHERE key = 'in-flight'").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM publication_log").fetchone() == (3,)
    conn.close()


@sqlite_only
def test_backup_refuses_to_overwrite_a_file(runner, history, tmp_path):
    target = tmp_path / "copy.db"
    target.write_bytes(b"keep me")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 1 and "exists already" in result.output
    assert target.read_bytes() == b"keep me"


@sqlite_only
def test_backup_of_a_tampered_database_says_so(runner, history, tmp_path):
    tamper(live_file())
    result = runner.invoke(args=["backup", str(tmp_path / "copy.db")])
    assert result.exit_code == 1
    assert "FAILED at entry 1" in result.output and "altered" in result.output
    assert (tmp_path / "copy.db").exists()  # a faithful copy of what there is, kept as evidence


@sqlite_only
def test_restore_into_an_empty_database(runner, history, empty_app, tmp_path):
    target = tmp_path / "copy.db"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    expected = rows(live_file())

    with empty_app.app_context():
        result = empty_app.test_cli_runner().invoke(args=["restore", str(target)])
        assert result.exit_code == 0, result.output
        assert rows(tmp_path / "other.db") == expected
        assert verify_log(db.session) == []
        seq, entry_hash = head(db.session)
        assert seq == 3 and f"Publication log head: entry 3, {entry_hash}" in result.output
        # the search index now reflects the restored data
        ix = index.open_index()
        assert ix is not None and index.index_mark(ix) == index.database_mark(db.session)
        db.session.remove()
        db.engine.dispose()


@sqlite_only
def test_restore_replaces_a_database_holding_data_only_with_yes(runner, session, history, tmp_path):
    target = tmp_path / "copy.db"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    f.publish(session, history, [f.thc("990")], effective=date(2022, 12, 1), now=f.utc(2022, 10, 1))
    index.rebuild(session)  # an index of the later history: after the restore it must not be trusted
    assert head(session)[0] == 4

    refused = runner.invoke(args=["restore", str(target)])
    assert refused.exit_code == 1 and "holds data; add --yes" in refused.output
    assert session.scalar(select(func.count()).select_from(PublicationLogEntry)) == 4

    result = runner.invoke(args=["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    session.remove()
    assert session.scalar(select(func.count()).select_from(PublicationLogEntry)) == 3
    assert verify_log(session) == []
    assert index.index_mark(index.open_index()) == index.database_mark(session)
    assert "Search index rebuilt" in result.output and "flask opendata build --force" in result.output


@sqlite_only
def test_restore_refuses_a_tampered_backup_and_changes_nothing(runner, session, history, tmp_path):
    target = tmp_path / "copy.db"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    tamper(target)
    before = rows(live_file())

    result = runner.invoke(args=["restore", "--yes", str(target)])
    assert result.exit_code == 1
    assert "does not verify: FAILED at entry 1: published content of version" in result.output
    assert "altered" in result.output
    assert rows(live_file()) == before
    assert [p.name for p in live_file().parent.iterdir() if ".restore-" in p.name] == []


@sqlite_only
@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_text("entity,amount\nA,1\n"), "is not an SQLite database"),
    (lambda p: sqlite3.connect(p).execute("CREATE TABLE t (x)").connection.commit(), "no alembic_version table"),
])
def test_restore_refuses_what_is_not_a_backup_of_this_site(runner, history, tmp_path, make, message):
    bad = tmp_path / "bad.db"
    make(bad)
    before = rows(live_file())
    result = runner.invoke(args=["restore", "--yes", str(bad)])
    assert result.exit_code == 1 and message in result.output
    assert rows(live_file()) == before


@sqlite_only
def test_restore_refuses_another_schema_revision(runner, history, tmp_path):
    target = tmp_path / "copy.db"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    conn = sqlite3.connect(target)
    conn.execute("UPDATE alembic_version SET version_num = '0001'")
    conn.commit()
    conn.close()
    result = runner.invoke(args=["restore", "--yes", str(target)])
    assert result.exit_code == 1
    assert "is at schema revision 0001, this code expects" in result.output and "flask db upgrade" in result.output


@pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")
@pytest.mark.parametrize("command", [["backup"], ["restore", "--yes", __file__]])
def test_backup_on_postgres_names_pg_dump(runner, session, command):
    result = runner.invoke(args=command)
    assert result.exit_code == 1
    assert f"flask {command[0]} works on SQLite only" in result.output
    assert "pg_dump --format=custom" in result.output and "pg_restore" in result.output
    assert db.engine.url.database in result.output


def test_pg_dump_hint_leaves_the_password_out():
    hint = backup.pg_dump_hint("postgresql+psycopg://fees:s3cret@db.internal:5433/openportfees?sslmode=require")
    assert "s3cret" not in hint
    assert '"postgresql://fees@db.internal:5433/openportfees?sslmode=require"' in hint


def test_only_an_sqlite_file_is_copied():
    found = backup.sqlite_file("sqlite:////srv/opf/instance/openportfees.db")
    assert found == Path("/srv/opf/instance/openportfees.db")
    assert backup.sqlite_file("sqlite://") is None
    assert backup.sqlite_file("postgresql+psycopg://fees@db/openportfees") is None
