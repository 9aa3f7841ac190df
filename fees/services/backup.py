"""Backing up and restoring an SQLite database (`flask backup`, `flask restore`).

A backup is made with SQLite's online backup API, so it is a consistent copy of one
moment even while the site serves and publishes; a restore checks the file (an SQLite
database of this schema whose publication log verifies) before it replaces anything,
and replaces the database in one rename. PostgreSQL is backed up with `pg_dump`
(docs/OPERATIONS.md): nothing here copies a server database.

Operator messages are plain English, like the other commands': the CLI has no reader
whose language could be chosen.
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from fees.models import LogHead
from fees.services.ledger import Problem, verify_log

SQLITE_HEADER = b"SQLite format 3\x00"
# Pages copied per step: a publisher's write waits at most for one step, and a write
# between steps makes SQLite restart the copy, so the result is always one moment's state.
PAGES_PER_STEP = 1024
# Tables whose rows mean "this database holds someone's data" (a fresh migrated one has none).
DATA_TABLES = ("charging_entity", "publication_log", "user_account")


class BackupError(Exception):
    """A backup or restore was refused or failed; nothing was replaced."""


@dataclass(frozen=True)
class Snapshot:
    """A database file checked: its schema revision, log head and what verifying the log found."""

    path: Path
    size: int
    revision: str
    seq: int
    entry_hash: str
    problems: list[Problem]


def sqlite_file(url: str | URL) -> Path | None:
    """The file behind an SQLite URL; None for any other database (or an in-memory one)."""
    url = make_url(url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def pg_dump_hint(url: str | URL) -> str:
    """The pg_dump command that backs up this PostgreSQL database (password left out)."""
    url = make_url(url)
    bare = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                      query=url.query)
    target = bare.render_as_string(hide_password=False)
    return f'pg_dump --format=custom --file="opf-$(date -u +%Y%m%dT%H%M%SZ).dump" "{target}"'


def default_backup_path(instance_path: str | Path, now: datetime | None = None) -> Path:
    """instance/backups/opf-<UTC time>.db"""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return Path(instance_path) / "backups" / f"opf-{now:%Y%m%dT%H%M%SZ}.db"


def _copy(source: Path, target: Path) -> None:
    """Copy one consistent state of `source` into a new file `target`, via a temporary file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst, pages=PAGES_PER_STEP, sleep=0.01)
            # A rollback-journal file stands alone; a WAL one would need its -wal beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def head_revision(migrations_dir: str | Path) -> str:
    """The newest migration's revision: the schema this code expects."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    heads = ScriptDirectory.from_config(config).get_heads()
    if len(heads) != 1:
        raise BackupError(f"the migrations have {len(heads)} heads; merge them first")
    return heads[0]


def check_file(path: Path, migrations_dir: str | Path) -> str:
    """Check that `path` is an intact SQLite database of this site at this code's schema
    revision, and return that revision; raise BackupError otherwise."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise BackupError(f"{path} cannot be read: {exc}") from exc
    if header != SQLITE_HEADER:
        raise BackupError(f"{path} is not an SQLite database")
    expected = head_revision(migrations_dir)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"{path} is damaged (SQLite integrity check: {check})")
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").fetchone():
            raise BackupError(f"{path} is not a database of this site (no alembic_version table)")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as a database: {exc}") from exc
    finally:
        conn.close()
    revision = row[0] if row else None
    if revision != expected:
        raise BackupError(
            f"{path} is at schema revision {revision}, this code expects {expected}. Upgrade a copy first "
            f"(DATABASE_URL=sqlite:////absolute/path/copy.db flask db upgrade), then restore the copy; "
            f"a backup newer than the code needs the newer code.")
    return revision


def inspect(path: Path, migrations_dir: str | Path) -> Snapshot:
    """check_file, then verify the publication log with the code behind `flask log verify`.

    The log's problems (an empty list when it verifies) are in the result.
    """
    path = Path(path)
    revision = check_file(path, migrations_dir)
    engine = sa.create_engine(f"sqlite:///file:{path.resolve()}?mode=ro&uri=true", poolclass=sa.pool.NullPool)
    try:
        with Session(engine) as session:
            problems = verify_log(session)
            head = session.get(LogHead, 1)
            seq, entry_hash = (head.seq, head.entry_hash) if head else (0, "")
    except sa.exc.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as a database of this site: {exc.orig}") from exc
    finally:
        engine.dispose()
    return Snapshot(path, path.stat().st_size, revision, seq, entry_hash, problems)


def backup(source: Path, target: Path, migrations_dir: str | Path) -> Snapshot:
    """Copy the live database `source` to the new file `target` and check the copy.

    The copy is kept even when its log does not verify (it is then a faithful copy of
    a database whose log does not verify either); the caller reports the problems.
    """
    if target.exists():
        raise BackupError(f"{target} exists already; choose another name")
    if not source.is_file():
        raise BackupError(f"the database {source} does not exist")
    _copy(source, target)
    return inspect(target, migrations_dir)


def holds_data(path: Path) -> bool:
    """Does the database at `path` hold any entity, publication or account?"""
    if not path.is_file() or path.stat().st_size == 0:
        return False
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return any(conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in DATA_TABLES if t in tables)
    except sqlite3.DatabaseError:
        return True  # unreadable: better to ask than to overwrite silently
    finally:
        conn.close()


def restore(backup_path: Path, target: Path, migrations_dir: str | Path, *, replace_data: bool) -> Snapshot:
    """Replace the database file `target` with the backup, after checking the backup.

    The backup is copied next to the target first, and that copy (the very bytes that
    will be put in place) must be a database of this schema whose publication log
    verifies; only then does one rename replace the target. Refuses a target holding
    data unless `replace_data`. Other processes must have closed the database (stop
    the site): a connection opened before the rename keeps reading the old file.
    """
    backup_path = Path(backup_path)
    if not backup_path.is_file():
        raise BackupError(f"{backup_path} does not exist")
    if backup_path.resolve() == Path(target).resolve():
        raise BackupError("the backup is the database itself")
    check_file(backup_path, migrations_dir)  # refuse a foreign or damaged file before copying it
    if not replace_data and holds_data(target):
        raise BackupError(f"the database {target} holds data; add --yes to replace it with the backup")
    for sidecar in ("-wal", "-journal"):
        if Path(f"{target}{sidecar}").exists():
            raise BackupError(f"{target}{sidecar} exists: the database is in use or was left mid-write; "
                              f"stop the site and try again")
    staged = target.with_name(f".{target.name}.restore-{os.getpid()}")
    try:
        _copy(backup_path, staged)
        checked = inspect(staged, migrations_dir)
        if checked.problems:
            first = checked.problems[0]
            where = f"entry {first.seq}" if first.seq else "the published versions"
            raise BackupError(f"the backup's publication log does not verify: FAILED at {where}: {first.reason}")
        os.replace(staged, target)
    finally:
        staged.unlink(missing_ok=True)
    _fsync_dir(target.parent)
    return Snapshot(target, target.stat().st_size, checked.revision, checked.seq, checked.entry_hash, [])
