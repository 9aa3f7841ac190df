"""Operator commands: `flask catalog load`, `flask demo load`, `flask log verify`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

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

    problems = verify_log(db.session)
    if problems:
        first = problems[0]
        where = f"entry {first.seq}" if first.seq else "the published versions"
        click.echo(f"FAILED at {where}: {first.reason}", err=True)
        for p in problems[1:]:
            click.echo(f"  also: entry {p.seq}: {p.reason}", err=True)
        sys.exit(1)
    click.echo("OK: the publication log verifies.")


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
    """Register the command groups."""
    for group in (catalog_cli, demo_cli, log_cli, users_cli, tokens_cli):
        app.cli.add_command(group)
