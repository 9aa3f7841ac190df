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


def init_app(app) -> None:
    """Register the command groups."""
    app.cli.add_command(catalog_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(log_cli)
