"""`flask search rebuild`, `flask search catch-up`, `flask search status`."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from fees.db import db
from fees.search import index

search_cli = AppGroup("search", help="The full-text search index (derived data).")


@search_cli.command("rebuild")
def rebuild_command():
    """Build the search index again from the database."""
    try:
        index.rebuild(db.session)
    except index.SearchUnavailable as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    mark = index.database_mark(db.session)
    click.echo(f"Search index rebuilt in {index.index_dir()} up to log entry {mark.seq}.")


@search_cli.command("catch-up")
def catch_up_command():
    """Index what the publication log recorded since the index last caught up."""
    try:
        count = index.catch_up(db.session, wait=60.0)
    except index.SearchUnavailable as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{count} schedule(s) reindexed; the index is at log entry {_stored_seq()}.")


@search_cli.command("status")
def status_command():
    """Show where the index is and how far it has caught up."""
    head = index.database_mark(db.session)
    click.echo(f"index: {index.index_dir()}")
    click.echo(f"publication log: entry {head.seq}, {head.entities} entities")
    stored = _stored_seq()
    click.echo("indexed: " + ("missing or unreadable (the next search rebuilds it)" if stored is None
                              else f"entry {stored}"))


def _stored_seq() -> int | None:
    """The log entry the index has caught up to, if it can be read."""
    ix = index.open_index()
    mark = index.index_mark(ix) if ix is not None else None
    return mark.seq if mark else None
