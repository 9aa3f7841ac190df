"""Operator commands: `flask catalog load`, `flask demo load`, `flask log verify`,
`flask backup`, `flask restore`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from fees.db import db
from fees.errors import DomainError

catalog_cli = AppGroup("catalog", help="The standard fee catalogue.")
demo_cli = AppGroup("demo", help="The illustrative demo data set.")
log_cli = AppGroup("log", help="The hash-chained publication log.")
users_cli = AppGroup("users", help="Accounts of publishers, regulators and admins.")
tokens_cli = AppGroup("tokens", help="API tokens for publishers' systems.")

DEFAULT_CATALOG = Path(__file__).resolve().parent / "data" / "fee-catalogue.csv"


def _fail(exc: DomainError) -> None:
    click.echo(f"Error: {exc}", err=True)
    for e in exc.errors:
        where = f"row {e.row}, " if e.row else ""
        click.echo(f"  {where}{e.field}: {e.message}", err=True)
    sys.exit(1)


@catalog_cli.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False)
def catalog_load(path: Path | None):
    """Load or update the fee catalogue from a CSV file (default: the bundled one)."""
    from fees.services.registry import load_catalog

    try:
        count = load_catalog(db.session, path or DEFAULT_CATALOG)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"{count} catalogue entries loaded.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when any entity already exists.")
def demo_load(if_empty: bool):
    """Load the fictional Xiamen demo data set."""
    from fees.demo import load_demo

    try:
        summary = load_demo(db.session, if_empty=if_empty, policy_config=current_app.config)
    except DomainError as exc:
        _fail(exc)
    if summary is None:
        click.echo("The database already holds data; demo data not loaded.")
    else:
        click.echo(
            f"Demo data loaded: {summary['entities']} entities, {summary['schedules']} schedules, "
            f"{summary['versions']} versions, {summary['items']} fee items."
        )
        demo_credentials.callback()


@demo_cli.command("credentials")
def demo_credentials():
    """Print the demo accounts' sign-in details (only while demo data is loaded)."""
    from fees.demo import DEMO_ACCOUNTS
    from fees.services.queries import setting

    if setting(db.session, "demo_data") != "1":
        return
    click.echo("Demo accounts (illustrative data only):")
    for account in DEMO_ACCOUNTS:
        entity = f" ({account['entity']})" if account["entity"] else ""
        click.echo(f"  {account['role']:<10} {account['email']:<26} password: {account['password']}{entity}")


@log_cli.command("verify")
def log_verify():
    """Verify the publication log and every published version's hash; exit 1 on the first problem."""
    from fees.services.ledger import verify_log

    _report_verification(verify_log(db.session))


def _report_verification(problems) -> None:
    """Print what verifying a log found; exit 1 when it found anything."""
    if problems:
        first = problems[0]
        where = f"entry {first.seq}" if first.seq else "the published versions"
        click.echo(f"FAILED at {where}: {first.reason}", err=True)
        for p in problems[1:]:
            click.echo(f"  also: entry {p.seq}: {p.reason}", err=True)
        sys.exit(1)
    click.echo("OK: the publication log verifies.")


def _sqlite_database(command: str) -> Path:
    """The SQLite file the app uses; on any other database, exit naming what to use instead."""
    from fees.services.backup import pg_dump_hint, sqlite_file

    url = db.engine.url
    path = sqlite_file(url)
    if path is None:
        if url.get_backend_name() == "postgresql":
            click.echo(f"Error: flask {command} works on SQLite only. On PostgreSQL back up with\n"
                       f"  {pg_dump_hint(url)}\n"
                       "and restore with pg_restore (docs/OPERATIONS.md).", err=True)
        else:
            click.echo(f"Error: flask {command} works on an SQLite file only, not {url.get_backend_name()}.",
                       err=True)
        sys.exit(1)
    return path


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path), required=False)
@with_appcontext
def backup_command(path: Path | None):
    """Copy the SQLite database while the site runs, then verify the copy's publication log."""
    from fees.services import backup

    source = _sqlite_database("backup")
    if path is None or path.is_dir():
        target = backup.default_backup_path(path or current_app.instance_path)
        if path is not None:
            target = path / target.name
    else:
        target = path
    try:
        snap = backup.backup(source, target, current_app.config["MIGRATIONS_DIR"])
    except backup.BackupError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Backup: {snap.path} ({snap.size} bytes)")
    click.echo(f"Publication log head: entry {snap.seq}, {snap.entry_hash}")
    _report_verification(snap.problems)


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace a database that holds data.")
@with_appcontext
def restore_command(path: Path, yes: bool):
    """Replace the SQLite database with a backup whose publication log verifies (stop the site first)."""
    from fees.search import index
    from fees.services import backup

    target = _sqlite_database("restore")
    db.session.remove()
    db.engine.dispose()  # this process lets go of the file it is about to replace
    try:
        snap = backup.restore(path, target, current_app.config["MIGRATIONS_DIR"], replace_data=yes)
    except backup.BackupError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Restored {path} into {target}.")
    click.echo(f"Publication log head: entry {snap.seq}, {snap.entry_hash}")
    click.echo("OK: the publication log verifies.")
    try:
        index.rebuild(db.session)
        click.echo(f"Search index rebuilt in {index.index_dir()}.")
    except index.SearchUnavailable as exc:
        click.echo(f"Note: the search index was not rebuilt ({exc}); the first search rebuilds it, "
                   "or run flask search rebuild.", err=True)
    click.echo("The bulk open-data files are rebuilt on the first request for them, "
               "or now with flask opendata build --force.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["publisher", "regulator", "admin"]), required=True)
@click.option("--entity", "entity_slug", help="The entity a publisher publishes for (its slug).")
@click.option("--name", default="", help="The person's name.")
def users_create(email: str, role: str, entity_slug: str | None, name: str):
    """Create an account and print its generated password (shown once)."""
    from fees.services.accounts import create_user, generate_password
    from fees.services.registry import get_entity

    password = generate_password()
    try:
        entity = get_entity(db.session, entity_slug) if entity_slug else None
        user = create_user(db.session, email=email, password=password, role=role, entity=entity, name=name)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Created {user.role} {user.email}" + (f" for {entity.slug}" if entity else ""))
    click.echo(f"Password: {password}")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="What the token is for, e.g. the system that uses it.")
def tokens_create(email: str, name: str):
    """Issue an API token for a publisher and print it (only its hash is stored)."""
    from sqlalchemy import select

    from fees.models import User
    from fees.services.tokens import create_token

    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        click.echo(f"Error: no account {email}", err=True)
        sys.exit(1)
    try:
        token, row = create_token(db.session, user, name=name)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Token for {user.email} ({row.prefix}…), shown only this once:")
    click.echo(token)


def init_app(app) -> None:
    """Register the command groups and commands."""
    for command in (catalog_cli, demo_cli, log_cli, users_cli, tokens_cli, backup_command, restore_command):
        app.cli.add_command(command)
