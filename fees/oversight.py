"""The regulator's figures as pure functions over plain rows: no database, no Flask.

fees.services.oversight reads the rows (dicts) and the dashboard and the public summary
show what these functions return, so each figure has exactly one definition, tested on
hand-built data in tests/test_oversight.py. Instants are aware UTC datetimes; every
"day" and "month" is the port's (the `tz` argument), like dates of effect.

Version rows carry: id, schedule_id, entity, entity_name_zh, entity_name_en, schedule,
schedule_name_zh, schedule_name_en, number, status, effective_from, published_at,
withdrawn_at, withdrawn_by, withdraw_reason, short_notice, base_version_id and items
(canonical item dicts, see fees.canonical.item_content).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

from fees.diff import diff_items

REPORT_STATUSES = ("pending", "accepted", "rejected")


def local_date(moment: datetime, tz: str) -> date:
    """The calendar day of an instant at the port."""
    return moment.astimezone(ZoneInfo(tz)).date()


def month_key(day: date) -> str:
    """A day's calendar month as `YYYY-MM` (sorts as text, reads the same in both languages)."""
    return f"{day.year:04d}-{day.month:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` inclusive (`YYYY-MM`), so charts show empty months too."""
    year, month = int(first[:4]), int(first[5:])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def versions_on(versions: list[dict], on: date, tz: str) -> list[dict]:
    """The versions as they stood at the end of day `on`: published by then, each with the
    status it had then (a version withdrawn later was still published on `on`), plus
    `published_on` and `withdrawn_on` as port days. Drafts never count."""
    known = []
    for v in versions:
        if v["published_at"] is None or local_date(v["published_at"], tz) > on:
            continue
        withdrawn_on = local_date(v["withdrawn_at"], tz) if v["withdrawn_at"] is not None else None
        withdrawn = withdrawn_on is not None and withdrawn_on <= on
        known.append({**v, "status": "withdrawn" if withdrawn else "published",
                      "published_on": local_date(v["published_at"], tz),
                      "withdrawn_on": withdrawn_on if withdrawn else None})
    return known


def _place(row: dict, with_schedule: bool = True) -> dict:
    """The entity (and schedule) columns every table starts with."""
    place = {"entity": row["entity"], "entity_name_zh": row["entity_name_zh"], "entity_name_en": row["entity_name_en"]}
    if with_schedule:
        place.update(schedule=row["schedule"], schedule_name_zh=row["schedule_name_zh"],
                     schedule_name_en=row["schedule_name_en"])
    return place


def without_schedule_in_effect(entities: list[dict], schedules: list[dict], known: list[dict],
                               in_effect: set[str], on: date) -> list[dict]:
    """Entities with no schedule version in effect on `on`, and why.

    `in_effect` holds the slugs of entities that have one (fees.services.market decides,
    so "in effect" means the same here as on every other page). `known` is versions_on().
    The reason is `upcoming_only` (something published takes effect later; `next_effective`
    says when), else `withdrawn_only`, else `never_published`, or `no_schedule`.
    """
    schedules_of = Counter(s["entity"] for s in schedules)
    rows = []
    for entity in sorted(entities, key=lambda e: e["slug"]):
        if entity["slug"] in in_effect:
            continue
        own = [v for v in known if v["entity"] == entity["slug"]]
        upcoming = [v["effective_from"] for v in own if v["status"] == "published" and v["effective_from"] > on]
        if not schedules_of[entity["slug"]]:
            reason = "no_schedule"
        elif upcoming:
            reason = "upcoming_only"
        elif any(v["status"] == "withdrawn" for v in own):
            reason = "withdrawn_only"
        else:
            reason = "never_published"
        rows.append({"entity": entity["slug"], "entity_name_zh": entity["name_zh"],
                     "entity_name_en": entity["name_en"], "entity_kind": entity["kind"],
                     "schedules": schedules_of[entity["slug"]], "reason": reason,
                     "next_effective": min(upcoming) if upcoming else None})
    return rows


def stale_schedules(known: list[dict], on: date, stale_days: int) -> list[dict]:
    """Schedules whose latest publication (published, not withdrawn, by `on`) is more than
    `stale_days` days before `on`; the longest silent first. Never-published schedules
    are not here: their entities show up among those without a schedule in effect."""
    latest: dict[int, dict] = {}
    for v in known:
        if v["status"] != "published":
            continue
        best = latest.get(v["schedule_id"])
        if best is None or (v["published_on"], v["number"]) > (best["published_on"], best["number"]):
            latest[v["schedule_id"]] = v
    rows = []
    for v in latest.values():
        days = (on - v["published_on"]).days
        if days > stale_days:
            rows.append({**_place(v), "version": v["number"], "published_on": v["published_on"],
                         "days_since": days})
    return sorted(rows, key=lambda r: (-r["days_since"], r["entity"], r["schedule"]))


def notice_days(published_on: date, effective_from: date) -> int:
    """Days of notice: from the port day of publication to the day of effect (as the
    publishing rule counts them, fees.services.publishing.check_notice)."""
    return (effective_from - published_on).days


def increases(version: dict, by_id: dict[int, dict]) -> int:
    """How many fees the version raises against the version it was drafted from (its
    base, exactly what the notice check compared at publication; none: all are new)."""
    base = by_id.get(version["base_version_id"])
    return len(diff_items(base["items"] if base else [], version["items"]).increases)


def short_notice(known: list[dict]) -> list[dict]:
    """Versions published with too little notice for their increases (withdrawn ones too:
    the short notice was given all the same), newest publication first."""
    by_id = {v["id"]: v for v in known}
    rows = [{**_place(v), "version": v["number"], "status": v["status"], "published_on": v["published_on"],
             "effective_from": v["effective_from"],
             "notice_days": notice_days(v["published_on"], v["effective_from"]),
             "increases": increases(v, by_id)}
            for v in known if v["short_notice"]]
    return sorted(rows, key=lambda r: (r["published_on"], r["entity"], r["schedule"], r["version"]), reverse=True)


def short_notice_by_entity(rows: list[dict]) -> list[dict]:
    """short_notice() rows summed per entity: versions and fee increases; most increases first."""
    totals: dict[str, dict] = {}
    for r in rows:
        total = totals.setdefault(r["entity"], {**_place(r, with_schedule=False), "versions": 0, "increases": 0})
        total["versions"] += 1
        total["increases"] += r["increases"]
    return sorted(totals.values(), key=lambda t: (-t["increases"], -t["versions"], t["entity"]))


def without_legal_basis(items: list[dict]) -> list[dict]:
    """Items in effect (fees.services.market.items_in_effect rows) with a blank legal basis."""
    return [i for i in items if not (i["legal_basis"] or "").strip()]


def withdrawals(known: list[dict]) -> list[dict]:
    """Versions withdrawn by the day: who, when, why; the latest first."""
    rows = [{**_place(v), "version": v["number"], "effective_from": v["effective_from"],
             "published_on": v["published_on"], "withdrawn_at": v["withdrawn_at"],
             "withdrawn_by": v["withdrawn_by"], "reason": v["withdraw_reason"]}
            for v in known if v["status"] == "withdrawn"]
    return sorted(rows, key=lambda r: (r["withdrawn_at"], r["entity"]), reverse=True)


def consecutive_pairs(known: list[dict]) -> list[tuple[dict, dict]]:
    """(previous, next) for each schedule's published versions in number order; withdrawn
    versions are skipped because they never took effect."""
    chains: dict[int, list[dict]] = defaultdict(list)
    for v in sorted(known, key=lambda v: (v["schedule_id"], v["number"])):
        if v["status"] == "published":
            chains[v["schedule_id"]].append(v)
    return [(a, b) for chain in chains.values() for a, b in pairwise(chain)]


def most_changed(pairs: list[tuple[dict, dict]], names: dict[str, tuple[str, str]]) -> list[dict]:
    """Fee codes ranked by how many version-to-version changes touched them.

    `versions`: transitions in which at least one item of the code was added, removed or
    changed (wording included); `item_changes`: such items; `increases`/`reductions` as
    fees.diff counts them; `entities`: how many entities made them. Ties: more item
    changes first, then the code. `names` gives (zh, en) per code (the catalogue); codes
    outside it take the names of their latest changed item.
    """
    stats: dict[str, dict] = {}
    for old, new in pairs:
        touched = set()
        for change in diff_items(old["items"], new["items"]).changes:
            if change.status == "unchanged":
                continue
            code, item = change.key[0], change.new or change.old
            zh, en = names.get(code, (item["name_zh"], item["name_en"]))
            row = stats.setdefault(code, {"code": code, "versions": 0, "item_changes": 0, "increases": 0,
                                          "reductions": 0, "entities": set()})
            row.update(name_zh=zh, name_en=en)
            row["item_changes"] += 1
            row["increases"] += change.raises_charges
            row["reductions"] += change.lowers_charges
            row["entities"].add(new["entity"])
            touched.add(code)
        for code in touched:
            stats[code]["versions"] += 1
    ranked = sorted(stats.values(), key=lambda r: (-r["versions"], -r["item_changes"], r["code"]))
    return [{"rank": n, **r, "entities": len(r["entities"])} for n, r in enumerate(ranked, start=1)]


def publications_per_month(events: list[dict], on: date, tz: str) -> list[dict]:
    """Publication log entries per port calendar month up to `on`: `published` and
    `withdrawn` counts, every month from the first entry's to `on`'s (empty ones as 0)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for event in events:
        day = local_date(event["recorded_at"], tz)
        if day <= on:
            counts[month_key(day)][event["action"]] += 1
    if not counts:
        return []
    return [{"month": m, "published": counts[m]["publish"], "withdrawn": counts[m]["withdraw"]}
            for m in months_between(min(counts), month_key(on))]


def report_status_on(report: dict, on: date, tz: str) -> str | None:
    """A report's status at the end of `on`: None if not yet made; pending until it was
    moderated (a decision without a time is taken as it stands)."""
    if local_date(report["created_at"], tz) > on:
        return None
    moderated = report["moderated_at"]
    if report["status"] != "pending" and moderated is not None and local_date(moderated, tz) > on:
        return "pending"
    return report["status"]


def reports_by_status(reports: list[dict], on: date, tz: str) -> list[dict]:
    """How many reports stood in each status on `on` (every status listed, even at 0)."""
    counts = Counter(report_status_on(r, on, tz) for r in reports)
    return [{"status": s, "reports": counts[s]} for s in REPORT_STATUSES]


def reports_by_entity(reports: list[dict], on: date, tz: str) -> list[dict]:
    """Reports per entity and status on `on`; entities with most reports first."""
    rows: dict[str, dict] = {}
    for r in reports:
        status = report_status_on(r, on, tz)
        if status is None:
            continue
        row = rows.setdefault(r["entity"], {**_place(r, with_schedule=False), **dict.fromkeys(REPORT_STATUSES, 0),
                                            "total": 0})
        row[status] += 1
        row["total"] += 1
    return sorted(rows.values(), key=lambda r: (-r["total"], r["entity"]))
