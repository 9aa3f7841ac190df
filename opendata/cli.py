"""`flask opendata build [--force]` and `flask opendata docs [--check]`.

The commands come with the opendata blueprint (opendata.site adds them to `bp.cli`), so
the package that owns the bulk files also owns their commands.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

ROOT = Path(__file__).resolve().parent.parent
DICTIONARY = ROOT / "docs" / "DATA_DICTIONARY.md"


@click.command("build")
@click.option("--force", is_flag=True, help="Build even if the files are up to date (e.g. after a catalogue revision).")
@with_appcontext
def build(force: bool):
    """Build the bulk files (CSV, datapackage.json, dataset.zip) if the public data changed."""
    from fees.db import db
    from opendata import bulk
    from fees.services.state import data_state

    store = bulk.store_for(current_app)
    if not store.meta.base_url:
        click.echo("Note: set OPENDATA_BASE_URL so that the descriptor in dataset.zip names the site.", err=True)
    latest = store.latest()
    if not force and latest is not None and latest.token == data_state(db.session).token:
        made = latest
        click.echo("Up to date.")
    else:
        try:
            made = store.rebuild()
        except Exception as exc:  # unlike a web request, an operator wants the failure itself
            click.echo(f"Error: the open data build failed: {exc}", err=True)
            sys.exit(1)
    click.echo(f"Open data {made.version} ({made.id}): "
               + ", ".join(f"{name} {info['rows']}" for name, info in made.files.items()))
    click.echo(f"{made.file(bulk.ZIP)} ({made.manifest['zip']['bytes']} bytes)")


@click.command("docs")
@click.option("--check", is_flag=True, help="Only check: exit 1 if the file is not what the schema gives.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=DICTIONARY, show_default=True)
def docs(check: bool, output: Path):
    """Write docs/DATA_DICTIONARY.md (every field of every data set, zh/en) from opendata/schema.py."""
    from opendata.package import data_dictionary

    text = data_dictionary()
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            click.echo(f"{output} is out of date: run `flask opendata docs`.", err=True)
            sys.exit(1)
        click.echo(f"{output} is up to date.")
        return
    output.write_text(text, encoding="utf-8", newline="\n")
    click.echo(f"Wrote {output}.")


COMMANDS = (build, docs)
