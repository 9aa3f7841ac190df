"""The load test's work inside the application (bench/load.py calls it as a subprocess
with the project's interpreter and reads the one JSON object it prints):

    .venv/bin/python -m bench.load_publish publishers --db bench/data/work-load-10k/opf.db --search-dir … --count 3
    .venv/bin/python -m bench.load_publish verify     --db bench/data/work-load-10k/opf.db --search-dir …

`publishers` makes, on the working copy, one publisher account and API token for each
of `count` schedules spread over the data set (accounts.create_user and
tokens.create_token, as `flask users create` and `flask tokens create` do), and hands
the load test what it publishes through the publisher API: the token, the schedule,
its latest version's items (bench.measure_site.sixty_items) and a first effective date
with more notice than any policy asks, and builds the copy's open data files, as `flask
opendata build` does after a deployment loads its data. `verify` checks the publication log as
`flask log verify` does (fees.services.ledger.verify_log).
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path

from bench.measure_site import PUBLISH_NOTICE_DAYS, busiest_schedules, make_app, sixty_items
from fees.db import db
from fees.services import accounts, tokens
from fees.services.base import Policy
from fees.services.ledger import verify_log
from fees.services.queries import latest_published
from fees.types import utcnow
from opendata import bulk

PASSWORD = "bench-load-publisher-password"  # a throwaway copy's accounts; never signed in with


def publishers(session, app, count: int) -> list[dict]:
    """One publisher (account, token, schedule, items to start from) per chosen schedule."""
    policy = Policy.from_config(app.config)
    today = policy.local_date(utcnow())
    found = []
    for n, schedule in enumerate(busiest_schedules(session, count)):
        latest = latest_published(session, schedule.id)
        user = accounts.create_user(session, email=f"load-{n}-{schedule.id}@bench.example", password=PASSWORD,
                                    role="publisher", entity=schedule.entity, name=f"Load test publisher {n}")
        token, _ = tokens.create_token(session, user, name="bench.load")
        first = max(latest.effective_from, today) + timedelta(days=PUBLISH_NOTICE_DAYS)
        found.append({
            "token": token,
            "entity": schedule.entity.slug,
            "schedule": schedule.slug,
            "latest_number": latest.number,
            "first_effective_from": first.isoformat(),
            "items": sixty_items(latest),
        })
    return found


def main(argv: list[str] | None = None) -> int:
    """Run one task on one database and print its result as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.load_publish", description=__doc__.split("\n")[0])
    parser.add_argument("task", choices=("publishers", "verify"))
    parser.add_argument("--db", required=True, help="the SQLite file (a working copy: accounts are added)")
    parser.add_argument("--search-dir", required=True, help="the search index folder of this copy")
    parser.add_argument("--count", type=int, default=3, help="publishers: how many")
    args = parser.parse_args(argv)
    app = make_app(args.db, args.search_dir)
    # The folder the served copy keeps its bulk files in (bench.run.site_server).
    app.config["OPENDATA_DIR"] = str(Path(args.db).resolve().parent / "opendata")
    with app.app_context():
        if args.task == "publishers":
            result = {"publishers": publishers(db.session, app, args.count)}
            # As a deployment does after loading its data (`flask opendata build`,
            # docs/OPERATIONS.md): the site then always has a last good build to serve
            # while publications keep it rebuilding.
            bulk.store_for(app).rebuild()
        else:
            problems = verify_log(db.session)
            result = {"log_verifies": not problems, "log_problems": [f"{p.seq}: {p.reason}" for p in problems][:20]}
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
