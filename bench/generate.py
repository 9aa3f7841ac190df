"""Generate a national-scale data set: `python -m bench.generate --scale {10k,100k,1m}`.

Builds a fresh database with the project's Alembic migrations (as `flask db upgrade`
does, immutability triggers included) and fills it through the domain rules: the
standard catalogue, real ports, charging entities of every kind with valid credit
codes, schedules and versions from 2019 to 2026 published in time order, a few
withdrawn, all in one valid hash-chained publication log. Then it builds the search
index once, from everything (publishing does not update it meanwhile).

SQLite by default (bench/data/opf-<scale>.db, built beside as .partial and renamed when
complete); PostgreSQL when DATABASE_URL is set. See bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import sqlalchemy as sa

DATA_DIR = Path(__file__).resolve().parent / "data"
# Up to this many items, "auto" goes through the publishing services themselves.
SERVICES_UP_TO = 10_000


@dataclass
class Summary:
    """What was generated and how long it took."""

    scale: str
    seed: str
    method: str
    database: str
    entities: int
    kinds: int
    ports: int
    schedules: int
    versions: int
    withdrawn: int
    items: int
    tiers: int
    log_entries: int
    plan_s: float
    register_s: float
    load_s: float
    items_per_s: float
    search_rebuild_s: float | None
    search_dir: str | None
    verify_s: float | None
    log_verifies: bool | None
    total_s: float


def default_sqlite_path(scale_name: str) -> Path:
    """Where `--scale X` puts its SQLite database unless told otherwise."""
    return DATA_DIR / f"opf-{scale_name}.db"


def _app(url: str, search_dir: str | None):
    """The application on the target database, with the publishing policy fixed so that
    the data do not depend on the environment (FEES_NOTICE_POLICY=enforce would refuse
    some planned short-notice increases)."""
    from app import create_app

    config = {"SQLALCHEMY_DATABASE_URI": url, "FEES_NOTICE_POLICY": "flag", "FEES_NOTICE_DAYS": 30,
              "FEES_TIMEZONE": "Asia/Shanghai"}
    if search_dir:
        config["FEES_SEARCH_DIR"] = search_dir
    return create_app(config)


def relax_durability(engine) -> None:
    """Commit without waiting for the disk on every connection of the generator: if the
    machine fails half-way, the data set is simply generated again (a SQLite file is
    renamed into place only once complete)."""

    @sa.event.listens_for(engine, "connect")
    def _no_sync(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA synchronous=OFF")
        elif engine.dialect.name == "postgresql":
            cursor.execute("SET synchronous_commit TO off")
            dbapi_connection.commit()  # a SET inside a rolled-back transaction would be undone
        cursor.close()


def prepare_postgres(url: str, force: bool) -> None:
    """An empty public schema: refuse to touch a database that has tables, unless forced."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            tables = sa.inspect(conn).get_table_names()
            if tables and not force:
                raise SystemExit(f"The database already has tables ({len(tables)}); use --force to replace them.")
            if tables:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def count(session) -> dict:
    """Row counts of what the data set holds."""
    from fees.models import (
        ChargingEntity, FeeItem, FeeSchedule, FeeTier, Port, PublicationLogEntry, ScheduleVersion,
    )

    def n(model, *where) -> int:
        return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

    return {
        "entities": n(ChargingEntity),
        "kinds": session.scalar(sa.select(sa.func.count(sa.distinct(ChargingEntity.kind)))),
        "ports": n(Port),
        "schedules": n(FeeSchedule),
        "versions": n(ScheduleVersion, ScheduleVersion.status != "draft"),
        "withdrawn": n(ScheduleVersion, ScheduleVersion.status == "withdrawn"),
        "items": n(FeeItem),
        "tiers": n(FeeTier),
        "log_entries": n(PublicationLogEntry),
    }


def generate(scale_text: str, url: str, *, seed: str | None = None, method: str = "auto",
             search_dir: str | None = None, verify: bool = False, echo=print) -> Summary:
    """Fill the (empty, not yet migrated) database at `url` with a generated data set.

    `method`: "services" (every version through the publishing services), "bulk" (the
    same rules in batched inserts) or "auto" (services up to SERVICES_UP_TO items).
    `search_dir`: where to build the search index at the end (None: no index).
    `verify`: run the publication-log check (fees.services.ledger.verify_log) at the end.
    """
    from flask_migrate import upgrade

    from fees import search
    from fees.db import db
    from fees.services.base import Policy

    from bench.gen_load import Ticker, load_in_bulk, load_through_services, register
    from bench.gen_plan import DEFAULT_SEED, make_plan, parse_scale

    scale = parse_scale(scale_text)
    seed = seed or DEFAULT_SEED
    if method == "auto":
        method = "services" if scale.items <= SERVICES_UP_TO else "bulk"
    started = time.monotonic()
    if search_dir and os.path.exists(search_dir):
        shutil.rmtree(search_dir)  # an index of older data must not survive
    app = _app(url, search_dir)
    # Search off while loading: the signal receiver serves only apps that registered the
    # search extension, so no publication touches any index (not even instance/'s);
    # the index is built once at the end, from everything.
    app.extensions.pop(search.EXTENSION, None)
    with app.app_context():
        relax_durability(db.engine)
        upgrade(directory=app.config["MIGRATIONS_DIR"])
        echo(f"Planning {scale.name}: ~{scale.items:,} items, {scale.entities:,} entities (seed {seed!r})")
        plan = make_plan(scale, seed)
        planned = time.monotonic()
        echo(f"  {len(plan.schedules):,} schedules, {len(plan.events):,} publications and withdrawals "
             f"planned in {planned - started:.1f} s; loading through the {method} path")
        session = db.session
        policy = Policy.from_config(app.config)
        registered = register(session, plan)
        ready = time.monotonic()
        echo(f"  catalogue, ports, {len(plan.entities):,} entities and {len(registered):,} schedules registered "
             f"in {ready - planned:.1f} s")
        load = load_through_services if method == "services" else load_in_bulk
        load(session, plan, registered, policy, progress=Ticker(scale.items, echo=echo))
        loaded = time.monotonic()
        counts = count(session)
        echo(f"  published {counts['items']:,} items in {loaded - ready:.1f} s "
             f"({counts['items'] / (loaded - ready):,.0f} items/s)")
        if db.engine.dialect.name == "postgresql":
            session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")  # what autovacuum would soon do anyway
        rebuild_s = _rebuild_search(session, search_dir, echo) if search_dir else None
        verify_s, verifies = _verify(session, echo) if verify else (None, None)
        session.remove()
        db.engine.dispose()
    return Summary(
        scale=scale.name, seed=seed, method=method, database=_safe(url), **counts,
        plan_s=round(planned - started, 1), register_s=round(ready - planned, 1), load_s=round(loaded - ready, 1),
        items_per_s=round(counts["items"] / (loaded - ready)),
        search_rebuild_s=None if rebuild_s is None else round(rebuild_s, 1), search_dir=search_dir,
        verify_s=None if verify_s is None else round(verify_s, 1), log_verifies=verifies,
        total_s=round(time.monotonic() - started, 1),
    )


def _rebuild_search(session, search_dir: str, echo) -> float:
    """Build the search index from everything, as `flask search rebuild` does; seconds taken."""
    from fees.search import index

    echo(f"  rebuilding the search index in {search_dir} …")
    started = time.monotonic()
    index.rebuild(session, search_dir)
    seconds = time.monotonic() - started
    echo(f"  search index rebuilt in {seconds:.1f} s")
    return seconds


def _verify(session, echo) -> tuple[float, bool]:
    """The publication log check of `flask log verify`; seconds taken and whether it passed."""
    from fees.services.ledger import verify_log

    started = time.monotonic()
    problems = verify_log(session)
    seconds = time.monotonic() - started
    echo(f"  publication log {'verifies' if not problems else 'DOES NOT verify: ' + str(problems[:3])}"
         f" ({seconds:.1f} s)")
    return seconds, not problems


def _safe(url: str) -> str:
    """The database URL without a password."""
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def print_summary(summary: Summary, echo=print) -> None:
    """A readable table of what was generated."""
    rows = [("scale", summary.scale), ("method", summary.method), ("database", summary.database),
            ("ports", f"{summary.ports:,}"), ("entities", f"{summary.entities:,} ({summary.kinds} kinds)"),
            ("schedules", f"{summary.schedules:,}"),
            ("versions", f"{summary.versions:,} ({summary.withdrawn:,} withdrawn)"),
            ("fee items", f"{summary.items:,}"), ("tiers", f"{summary.tiers:,}"),
            ("log entries", f"{summary.log_entries:,}"),
            ("registering", f"{summary.register_s:,.1f} s (catalogue, ports, entities, schedules)"),
            ("publishing", f"{summary.load_s:,.1f} s ({summary.items_per_s:,} items/s)"),
            ("search rebuild", "—" if summary.search_rebuild_s is None else f"{summary.search_rebuild_s:,.1f} s"),
            ("log verify", "—" if summary.verify_s is None
             else f"{'passes' if summary.log_verifies else 'FAILS'} ({summary.verify_s:,.1f} s)"),
            ("total", f"{summary.total_s:,.1f} s")]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        echo(f"{key:<{width}}  {value}")


def rebuild_search_only(url: str, search_dir: str, echo=print) -> float:
    """(Re)build the search index of an existing data set; seconds taken."""
    from fees.db import db

    if os.path.exists(search_dir):
        shutil.rmtree(search_dir)
    app = _app(url, search_dir)
    with app.app_context():
        seconds = _rebuild_search(db.session, search_dir, echo)
        db.session.remove()
        db.engine.dispose()
    return seconds


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring and bench/README.md."""
    from fees.config import database_url

    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="10k", help="10k, 100k, 1m, or a number of fee items (e.g. 500)")
    parser.add_argument("--out", type=Path, help="SQLite file (default bench/data/opf-<scale>.db); "
                        "ignored when DATABASE_URL is set")
    parser.add_argument("--seed", help="random seed (default fixed: the same data every time)")
    parser.add_argument("--method", choices=("auto", "services", "bulk"), default="auto",
                        help=f"services: every version through the publishing services; bulk: the same rules "
                             f"in batched inserts; auto (default): services up to {SERVICES_UP_TO:,} items")
    parser.add_argument("--search-dir", type=Path, help="where to build the search index "
                        "(default beside the database: <name>.search)")
    parser.add_argument("--no-search", action="store_true", help="do not build the search index")
    parser.add_argument("--only-search", action="store_true",
                        help="generate nothing: (re)build the search index of the existing data set")
    parser.add_argument("--verify", action="store_true", help="check the publication log at the end (flask log verify)")
    parser.add_argument("--force", action="store_true", help="replace an existing database")
    args = parser.parse_args(argv)

    from bench.gen_plan import parse_scale

    try:
        scale = parse_scale(args.scale)
    except ValueError as exc:
        parser.error(str(exc))
    DATA_DIR.mkdir(exist_ok=True)
    raw = os.environ.get("DATABASE_URL")
    final = None
    if raw:
        url = database_url(raw, str(DATA_DIR))
        stem = DATA_DIR / f"{Path(sa.engine.make_url(url).database or 'db').stem}-{scale.name}"
    else:
        final = (args.out or default_sqlite_path(scale.name)).resolve()
        url = f"sqlite:///{final}"
        stem = final.with_suffix("")
    search_dir = str(args.search_dir or stem.with_name(stem.name + ".search"))
    summary_file = stem.with_name(stem.name + ".json")

    if args.only_search:
        if final is not None and not final.exists():
            parser.error(f"{final} does not exist: generate it first")
        seconds = rebuild_search_only(url, search_dir)
        if summary_file.exists():  # keep the summary's record of the index current
            recorded = json.loads(summary_file.read_text(encoding="utf-8"))
            recorded.update(search_rebuild_s=round(seconds, 1), search_dir=search_dir)
            summary_file.write_text(json.dumps(recorded, indent=2) + "\n", encoding="utf-8")
        return 0

    if url.startswith("postgresql"):
        prepare_postgres(url, args.force)
    partial = None
    if final is not None:
        if final.exists() and not args.force:
            parser.error(f"{final} exists; use --force to replace it")
        final.parent.mkdir(parents=True, exist_ok=True)
        partial = final.with_name(final.name + ".partial")
        partial.unlink(missing_ok=True)
        url = f"sqlite:///{partial}"
    summary = generate(args.scale, url, seed=args.seed, method=args.method,
                       search_dir=None if args.no_search else search_dir, verify=args.verify)
    if final is not None:
        os.replace(partial, final)
        summary.database = str(final)
    summary_file.write_text(json.dumps(asdict(summary), indent=2) + "\n", encoding="utf-8")
    print_summary(summary)
    return 0 if summary.log_verifies in (None, True) else 1


if __name__ == "__main__":
    sys.exit(main())
