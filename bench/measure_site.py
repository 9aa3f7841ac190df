"""The benchmark's work inside the application: preparing a data set and timing writes.

Runs with the project's interpreter (.venv), because it imports the app; bench/run.py
(in bench/.venv, with Datasette and the HTTP client) calls it as a subprocess and reads
the one JSON object it prints:

    .venv/bin/python -m bench.measure_site prepare --db bench/data/work-100k/opf.db --search-dir …
    .venv/bin/python -m bench.measure_site writes  --db bench/data/work-100k/opf.db --search-dir …

`prepare` counts the rows, makes sure the search index exists (the server would
otherwise build it inside the first search, past gunicorn's 60 s timeout at national
scale) and chooses what the HTTP measurements ask for: page keys spread over the fee
items, entities, the comparison day. `writes` times the two write paths publishers
use: importing a 5,000-row CSV into a draft and publishing a 60-item version, both
through the same services the web and the API call (never a shortcut).
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from itertools import product

from sqlalchemy import func, select

from fees.canonical import item_content
from fees.db import db
from fees.models import ChargingEntity, FeeItem, FeeSchedule, FeeTier, PublicationLogEntry, ScheduleVersion
from fees.search import index as search_index
from fees.services import drafts, publishing
from fees.services.base import Policy
from fees.services.queries import latest_published
from fees.tabular.reading import parse_upload
from fees.tabular.writing import export_items
from fees.types import utcnow
from fees.vocab import CARGO_CLASSES, CONTAINER_TYPES, DIRECTIONS
from opendata.pagination import encode_key

PUBLIC = ("published", "withdrawn")
PAGE_STARTS = 50  # page keys spread over the fee items, for the API load test
ENTITY_SAMPLES = 5
IMPORT_ROWS = 5000
IMPORT_RUNS = 3
PUBLISH_ITEMS = 60
PUBLISH_RUNS = 5
PUBLISH_NOTICE_DAYS = 60  # later than any notice policy asks: no short-notice branch


def make_app(db_path: str, search_dir: str):
    """The app on this SQLite file, with its own search index folder and no rate limit.
    (Paths are made absolute: Flask-SQLAlchemy reads a relative SQLite path as relative
    to the instance folder, not to the working directory.)"""
    from app import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{os.path.abspath(db_path)}",
        "FEES_SEARCH_DIR": os.path.abspath(search_dir),
        "API_RATE_LIMIT": "",
    })


# -- prepare ---------------------------------------------------------------------------

def counts(session) -> dict:
    """Rows of the data set: what the figures are per."""
    public_items = (select(func.count(FeeItem.id)).join(ScheduleVersion, FeeItem.version_id == ScheduleVersion.id)
                    .where(ScheduleVersion.status.in_(PUBLIC)))
    return {
        "fee_items": session.scalar(select(func.count(FeeItem.id))),
        "public_fee_items": session.scalar(public_items),
        "fee_tiers": session.scalar(select(func.count()).select_from(FeeTier)),
        "entities": session.scalar(select(func.count(ChargingEntity.id))),
        "schedules": session.scalar(select(func.count(FeeSchedule.id))),
        "versions": session.scalar(select(func.count(ScheduleVersion.id)).where(ScheduleVersion.status.in_(PUBLIC))),
        "log_entries": session.scalar(select(func.count()).select_from(PublicationLogEntry)),
    }


def ensure_search_index(session, build: bool = True) -> tuple[bool, float | None]:
    """Is there a search index (built now if missing and `build`), and the seconds a
    build took (None: none was needed, or none was allowed)."""
    ix = search_index.open_index()
    if ix is not None:
        search_index.catch_up(session, ix, wait=60.0)
        return True, None
    if not build:
        return False, None
    started = time.perf_counter()
    search_index.rebuild(session)
    return True, round(time.perf_counter() - started, 2)


def page_keys(session, count: int = PAGE_STARTS) -> list[int]:
    """Fee item ids spread evenly over the table, each the key a page starts after.

    The last start is 100 rows short of the end, so every page is full. Ids need not
    exist: a keyset page "after id X" is well defined for any X, in our API as in
    Datasette's `_next`.
    """
    low, high = session.execute(select(func.min(FeeItem.id), func.max(FeeItem.id))).one()
    span = max(0, high - 100 - low)
    return sorted({low - 1 + span * n // max(1, count - 1) for n in range(count)})


def sample_entities(session, count: int = ENTITY_SAMPLES) -> list[str]:
    """Slugs of entities spread over the directory (by id), for the entity page."""
    slugs = session.scalars(select(ChargingEntity.slug).order_by(ChargingEntity.id)).all()
    step = max(1, len(slugs) // count)
    return slugs[::step][:count]


def prepare(session, build_search: bool = True) -> dict:
    """Counts, the search index, and the inputs of the HTTP measurements."""
    found = counts(session)
    found["sqlite_version"] = sqlite3.sqlite_version
    found["search_index"], found["search_rebuild_s"] = ensure_search_index(session, build_search)
    keys = page_keys(session)
    found["page_keys"] = keys
    found["page_cursors"] = [encode_key((key,)) for key in keys]
    found["entity_slugs"] = sample_entities(session)
    return found


# -- writes ----------------------------------------------------------------------------

def import_items(session, rows: int = IMPORT_ROWS) -> list[dict]:
    """`rows` canonical items with distinct keys, taken from the data set's own items
    (real names, amounts, tiers) and spread over containers, directions and cargo
    classes where two would share a key — a big tariff a terminal could upload."""
    found = [item_content(i) for i in session.scalars(select(FeeItem).order_by(FeeItem.id).limit(rows)).all()]
    variants = list(product(sorted(CONTAINER_TYPES), sorted(DIRECTIONS), sorted(CARGO_CLASSES)))
    items, seen = [], set()
    for n in range(rows * 4):  # a small data set is gone through more than once
        content = found[n % len(found)]
        shift = n % len(variants)
        for container, direction, cargo in [(content["container"], content["direction"], content["cargo_class"]),
                                            *variants[shift:], *variants[:shift]]:
            key = (content["code"], container, direction, cargo, content["unit"])
            if key not in seen:
                seen.add(key)
                items.append({**content, "container": container, "direction": direction, "cargo_class": cargo})
                break
        if len(items) == rows:
            return items
    raise RuntimeError(f"the data set has too few items to make a {rows}-row import")


def busiest_schedules(session, count: int) -> list[FeeSchedule]:
    """Schedules with a published version, spread over the table, to publish on."""
    ids = session.scalars(
        select(ScheduleVersion.schedule_id).where(ScheduleVersion.status == "published")
        .group_by(ScheduleVersion.schedule_id).order_by(ScheduleVersion.schedule_id)).all()
    step = max(1, len(ids) // count)
    return [session.get(FeeSchedule, i) for i in ids[::step][:count]]


def time_import(session, schedule: FeeSchedule, data: bytes) -> dict:
    """Parse the file and make a draft of it, as the web import does; the draft is then
    discarded so that runs do not pile up. Seconds of each step."""
    started = time.perf_counter()
    parsed = parse_upload("bench-5000.csv", data, default_currency=schedule.currency)
    parsed_at = time.perf_counter()
    draft = drafts.create_draft(session, schedule, items=parsed)
    done = time.perf_counter()
    drafts.discard_draft(session, draft.id)
    return {"parse_s": parsed_at - started, "draft_s": done - parsed_at, "total_s": done - started}


def sixty_items(version: ScheduleVersion) -> list[dict]:
    """The latest version's items as 60 (cut, or filled with numbered items of the
    entity's own code), most amounts raised by 3 %: a typical yearly revision."""
    items = [item_content(i) for i in version.items][:PUBLISH_ITEMS]
    for n in range(len(items), PUBLISH_ITEMS):
        items.append({"code": f"BENCH_{n}", "name_zh": f"基准测试收费{n}", "name_en": f"Benchmark fee {n}",
                      "unit": "per_order", "direction": "both", "amount": "10.00"})
    for item in items:
        if not item.get("tiers") and Decimal(item["amount"]) > 0:
            item["amount"] = str((Decimal(item["amount"]) * Decimal("1.03")).quantize(Decimal("0.01")))
    return items


def time_publish(session, schedule: FeeSchedule, policy: Policy) -> float:
    """Publish a 60-item draft on this schedule (the draft is made before the clock
    starts); seconds of publish_version, which commits, appends to the log and updates
    the search index (the publication_logged signal runs inside the call)."""
    latest = latest_published(session, schedule.id)
    draft = drafts.create_draft(session, schedule, items=sixty_items(latest))
    effective = max(latest.effective_from, policy.local_date(utcnow())) + timedelta(days=PUBLISH_NOTICE_DAYS)
    started = time.perf_counter()
    publishing.publish_version(session, draft.id, effective_from=effective, change_note="基准测试 benchmark",
                               policy=policy)
    return time.perf_counter() - started


def writes(session, app) -> dict:
    """Import and publish timings (median of several runs, and each run)."""
    schedules = busiest_schedules(session, PUBLISH_RUNS + 1)
    data = export_items(import_items(session), fmt="csv", lang="zh")
    imports = [time_import(session, schedules[0], data) for _ in range(IMPORT_RUNS)]
    policy = Policy.from_config(app.config)
    publishes = [time_publish(session, s, policy) for s in schedules[1:PUBLISH_RUNS + 1]]
    return {
        # Without an index (bench/run.sh --no-search) publishing leaves it missing: then
        # publish_ms does not include the index update.
        "publish_updates_search_index": search_index.open_index() is not None,
        "import_rows": IMPORT_ROWS,
        "import_file_kb": round(len(data) / 1024),
        "import_5k_s": round(statistics.median(r["total_s"] for r in imports), 3),
        "import_parse_s": round(statistics.median(r["parse_s"] for r in imports), 3),
        "import_draft_s": round(statistics.median(r["draft_s"] for r in imports), 3),
        "import_runs_s": [round(r["total_s"], 3) for r in imports],
        "publish_items": PUBLISH_ITEMS,
        "publish_ms": round(statistics.median(publishes) * 1000, 1),
        "publish_runs_ms": [round(s * 1000, 1) for s in publishes],
    }


def main(argv: list[str] | None = None) -> int:
    """Run one task on one database and print its figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.measure_site", description=__doc__.split("\n")[0])
    parser.add_argument("task", choices=("prepare", "writes"))
    parser.add_argument("--db", required=True, help="the SQLite file (a copy: writes change it)")
    parser.add_argument("--search-dir", required=True, help="the search index folder of this copy")
    parser.add_argument("--no-search", action="store_true", help="prepare: do not build a missing search index")
    args = parser.parse_args(argv)
    app = make_app(args.db, args.search_dir)
    with app.app_context():
        if args.task == "prepare":
            # A data set generated by an earlier version of the code is brought up to
            # this one's schema (new indexes too), as `flask db upgrade` does on a site.
            from flask_migrate import upgrade

            upgrade(directory=app.config["MIGRATIONS_DIR"])
        result = (prepare(db.session, build_search=not args.no_search) if args.task == "prepare"
                  else writes(db.session, app))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
