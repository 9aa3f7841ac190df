"""Reading the demo data files and planning every publication (no database here)."""
from __future__ import annotations

import copy
import csv
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from stdnum.cn import uscc as uscc_check


DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEMO_DIR = DATA_DIR / "demo"
CATALOG_PATH = DATA_DIR / "fee-catalogue.csv"

PORT_LOCODE = "CNXMN"
PORT_NAME_ZH = "厦门港"
PORT_NAME_EN = "Port of Xiamen"

# 9 = registered with market regulation, 1 = enterprise, 350200 = Xiamen; "MA" starts the
# body the way newly registered companies' codes do.
USCC_PREFIX = "91350200MA"
# GB 32100-2015 characters: digits and capitals without I, O, S, V, Z.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# Demo accounts: the passwords are public on purpose (README, ./run.sh); they exist
# only in a database holding the illustrative data set, never in a real deployment.
DEMO_ACCOUNTS = (
    {"email": "publisher@demo.example", "password": "demo-publisher", "role": "publisher",
     "entity": "haicang-demo-terminal", "name": "示例码头发布员 Demo publisher"},
    {"email": "regulator@demo.example", "password": "demo-regulator", "role": "regulator",
     "entity": None, "name": "示例监管人员 Demo regulator"},
    {"email": "admin@demo.example", "password": "demo-admin-pass", "role": "admin",
     "entity": None, "name": "示例管理员 Demo admin"},
)

UPCOMING_NOTICE_DAYS = 45
# Historical versions are "published" at 10:00 Xiamen time on their publication day.
PUBLISH_LOCAL_TIME = time(10, 0)
DATA_TIMEZONE = ZoneInfo("Asia/Shanghai")

ITEM_FIELDS = ("code", "name_zh", "name_en", "service", "unit", "container", "direction",
               "cargo_class", "amount", "currency", "min_amount", "tiers", "legal_basis", "notes")
OP_NAMES = ("scale", "adjust", "set", "add", "remove")


class DemoDataError(ValueError):
    """The demo data files contradict themselves (a bug in the data, not in user input)."""


@dataclass
class PlannedVersion:
    """One publication to make: which schedule, when, effective when, with which items."""

    entity_slug: str
    schedule_slug: str
    number: int  # its place in the schedule's history, 1-based
    published_at: datetime | None  # None: publish at load time (an upcoming version)
    effective_from: date | None  # None: UPCOMING_NOTICE_DAYS after the load date
    change_note: str
    items: list[dict] = field(default_factory=list)


@dataclass
class DemoData:
    """Everything read from fees/data/demo, checked and ready to load."""

    entities: list[dict]
    schedules: list[dict]
    plans: list[PlannedVersion]


# ---------------------------------------------------------------------------------------
# Reading and planning (pure: nothing is written to the database here)
# ---------------------------------------------------------------------------------------

def _read_json(name: str) -> dict:
    """A JSON file of the demo directory, with its `_about` note removed."""
    with open(DEMO_DIR / name, encoding="utf-8") as fh:
        data = json.load(fh)
    data.pop("_about", None)
    return data


def _read_catalog() -> dict[str, dict]:
    """The standard catalogue rows by code (names, unit, pricing regime)."""
    with open(CATALOG_PATH, newline="", encoding="utf-8-sig") as fh:
        return {row["code"]: row for row in csv.DictReader(fh)}


def demo_uscc(slug: str) -> str:
    """A fictional but well-formed unified social credit code, derived from the slug.

    Derived rather than random so that every load gives every entity the same code.
    """
    digest = hashlib.sha256(f"openportfees-demo:{slug}".encode()).digest()
    body = USCC_PREFIX + "".join(USCC_ALPHABET[b % len(USCC_ALPHABET)] for b in digest[:7])
    return body + uscc_check.calc_check_digit(body)


def read_entities() -> list[dict]:
    """The demo entities from entities.csv, each with its derived credit code."""
    with open(DEMO_DIR / "entities.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    entities = []
    for row in rows:
        entity = {k: (v or "").strip() for k, v in row.items()}
        entity["verified"] = entity["verified"] in ("1", "true", "yes")
        entity["uscc"] = demo_uscc(entity["slug"])
        if not uscc_check.is_valid(entity["uscc"]):
            raise DemoDataError(f"derived credit code of {entity['slug']} is invalid")
        entities.append(entity)
    for key in ("slug", "uscc", "name_zh", "name_en"):
        dupes = [v for v, n in Counter(e[key] for e in entities).items() if n > 1]
        if dupes:
            raise DemoDataError(f"duplicate entity {key}: {dupes}")
    return entities


def _money(value) -> Decimal:
    """An amount from the data files; JSON numbers are refused because floats are inexact."""
    if not isinstance(value, str):
        raise DemoDataError(f"amounts in the demo data must be strings, got {value!r}")
    return Decimal(value)


def round_price(value: Decimal) -> Decimal:
    """Round a scaled price the way tariffs are written: ¥5 steps above ¥200, whole yuan
    above ¥10, ten fen above ¥1, fen below."""
    step = (Decimal("5") if value >= 200 else Decimal("1") if value >= 10
            else Decimal("0.1") if value >= 1 else Decimal("0.01"))
    return ((value / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * step).quantize(Decimal("0.01"))


def _scale(value: Decimal, factor: Decimal) -> Decimal:
    """A price times a factor, rounded like a published tariff (zero stays zero)."""
    return value if factor == 1 or value == 0 else round_price(value * factor)


def _tiers(raw: list[dict]) -> list[dict]:
    """Tier bands from the data files with Decimal amounts."""
    return [{"from": str(t["from"]), "to": None if t.get("to") is None else str(t["to"]),
             "amount": _money(t["amount"])} for t in raw]


def _make_item(spec: dict, defaults: dict, catalog: dict) -> dict:
    """A full item from a tariff line: catalogue names and unit, then the code's default
    wording, then the line's own fields. Money is held as Decimal until output."""
    code = spec["code"]
    entry = catalog.get(code, {})
    item: dict = {"code": code, "name_zh": entry.get("name_zh", ""), "name_en": entry.get("name_en", ""),
                  "unit": entry.get("unit", ""), "service": "", "container": "", "direction": "both",
                  "cargo_class": "", "legal_basis": "", "notes": "", "min_amount": None, "tiers": [],
                  "amount": None, "currency": "CNY"}
    extra = {k: v for k, v in {**defaults.get(code, {}), **spec}.items() if k != "fixed"}
    unknown = set(extra) - set(ITEM_FIELDS)
    if unknown:
        raise DemoDataError(f"{code}: unknown item fields {sorted(unknown)}")
    for key, value in extra.items():
        if key == "tiers":
            item["tiers"] = _tiers(value)
        elif key in ("amount", "min_amount"):
            item[key] = None if value is None else _money(value)
        else:
            item[key] = value
    if not item["name_zh"] or not item["unit"]:
        raise DemoDataError(f"{code}: no Chinese name or unit (not in the catalogue nor fee-items.json)")
    if item["amount"] is None and not item["tiers"]:
        raise DemoDataError(f"{code}: neither an amount nor tiers")
    return item


def _matches(item: dict, match: dict) -> bool:
    """Does the item have every field value the selector names?"""
    return all(item.get(k) == v for k, v in match.items())


def _select(items: list[dict], match: dict, where: str) -> list[dict]:
    """The items a change applies to; a change that matches nothing is a data bug."""
    found = [i for i in items if _matches(i, match)]
    if not found:
        raise DemoDataError(f"{where}: nothing matches {match}")
    return found


def _apply(items: list[dict], change: dict, defaults: dict, catalog: dict, where: str) -> list[dict]:
    """One change of a version history, applied to a copy of the previous version's items."""
    ops = [k for k in OP_NAMES if k in change]
    if len(ops) != 1:
        raise DemoDataError(f"{where}: a change needs exactly one of {OP_NAMES}, got {sorted(change)}")
    op = ops[0]
    if op == "add":
        return items + [_make_item(change["add"], defaults, catalog)]
    if op == "remove":
        doomed = _select(items, change["remove"], where)
        return [i for i in items if i not in doomed]
    for item in _select(items, change.get("match") or {}, where):
        if op == "scale":
            factor = Decimal(change["scale"])
            if item["amount"] is not None and not item["tiers"]:
                item["amount"] = _scale(item["amount"], factor)
            if item["min_amount"] is not None:
                item["min_amount"] = _scale(item["min_amount"], factor)
            for tier in item["tiers"]:
                tier["amount"] = _scale(tier["amount"], factor)
        elif op == "adjust":
            item["amount"] = item["amount"] + _money(change["adjust"])
        else:
            values = change["set"]
            for key, value in values.items():
                if key not in ITEM_FIELDS or key in ("code", "unit", "container", "direction", "cargo_class"):
                    raise DemoDataError(f"{where}: cannot set {key}")
                if key == "tiers":
                    item["tiers"] = _tiers(value)
                elif key in ("amount", "min_amount"):
                    item[key] = None if value is None else _money(value)
                else:
                    item[key] = value
    return items


def _output_item(item: dict) -> dict:
    """An item as the services accept it (clean_item): amounts as strings; a tiered item's
    amount left empty so that it is the first charged tier's rate."""
    out = {k: item[k] for k in ITEM_FIELDS if k not in ("amount", "min_amount", "tiers", "currency")}
    out["amount"] = "" if item["tiers"] else str(item["amount"].quantize(Decimal("0.01")))
    out["min_amount"] = None if item["min_amount"] is None else str(item["min_amount"].quantize(Decimal("0.01")))
    out["tiers"] = [{"from": t["from"], "to": t["to"], "amount": str(t["amount"].quantize(Decimal("0.01")))}
                    for t in item["tiers"]]
    out["currency"] = "CNY"
    return out


def _base_items(schedule: dict, tariffs: dict, defaults: dict, catalog: dict) -> list[dict]:
    """A schedule's first version: its base tariff at its price level, minus `drop`, plus `extra`."""
    where = f"{schedule['entity']}/{schedule['slug']}"
    tariff = tariffs.get(schedule["tariff"])
    if tariff is None:
        raise DemoDataError(f"{where}: unknown tariff {schedule['tariff']}")
    factor = Decimal(schedule.get("scale", "1"))
    items = []
    for spec in tariff["items"]:
        item = _make_item(spec, defaults, catalog)
        # Government-set fees are the same at every entity, so price levels never touch them.
        fixed = spec.get("fixed") or catalog.get(spec["code"], {}).get("pricing_regime") == "government_set"
        if not fixed:
            _apply([item], {"scale": str(factor), "match": {}}, defaults, catalog, where)
        items.append(item)
    for match in schedule.get("drop", []):
        doomed = _select(items, match, f"{where} drop")
        items = [i for i in items if i not in doomed]
    for spec in schedule.get("extra", []):
        items.append(_make_item(spec, defaults, catalog))
    return items


def _local_10am(day: str) -> datetime:
    """10:00 Xiamen time on a YYYY-MM-DD day, as an aware UTC datetime."""
    local = datetime.combine(date.fromisoformat(day), PUBLISH_LOCAL_TIME, tzinfo=DATA_TIMEZONE)
    return local.astimezone(timezone.utc)


def read_demo() -> DemoData:
    """Read and check every demo data file and plan every publication (deterministic)."""
    catalog = _read_catalog()
    defaults = _read_json("fee-items.json")
    tariffs = _read_json("tariffs.json")
    schedules = _read_json("schedules.json")["schedules"]
    entities = read_entities()
    slugs = {e["slug"] for e in entities}
    plans: list[PlannedVersion] = []
    for schedule in schedules:
        where = f"{schedule['entity']}/{schedule['slug']}"
        if schedule["entity"] not in slugs:
            raise DemoDataError(f"{where}: unknown entity")
        if not 2 <= len(schedule["versions"]) <= 5:
            raise DemoDataError(f"{where}: a demo schedule has 2 to 5 versions")
        tariff = tariffs.get(schedule["tariff"]) or {}
        for key in ("name_zh", "name_en", "business_line"):
            schedule.setdefault(key, tariff.get(key, ""))
        items = _base_items(schedule, tariffs, defaults, catalog)
        previous: PlannedVersion | None = None
        for number, spec in enumerate(schedule["versions"], start=1):
            if number > 1:
                items = copy.deepcopy(items)
                for change in spec.get("changes", []):
                    items = _apply(items, change, defaults, catalog, f"{where} v{number}")
            elif spec.get("changes"):
                raise DemoDataError(f"{where}: the first version is the base tariff; it has no changes")
            upcoming = bool(spec.get("upcoming"))
            plan = PlannedVersion(
                entity_slug=schedule["entity"], schedule_slug=schedule["slug"], number=number,
                published_at=None if upcoming else _local_10am(spec["published"]),
                effective_from=None if upcoming else date.fromisoformat(spec["effective"]),
                change_note=spec["note"], items=[_output_item(i) for i in items],
            )
            if previous is not None and previous.published_at is None:
                raise DemoDataError(f"{where}: only the last version may be upcoming")
            if plan.published_at is not None:
                if plan.effective_from < plan.published_at.astimezone(DATA_TIMEZONE).date():
                    raise DemoDataError(f"{where} v{number}: takes effect before it is published")
                if previous is not None and (plan.published_at <= previous.published_at
                                             or plan.effective_from < previous.effective_from):
                    raise DemoDataError(f"{where} v{number}: out of order with the version before")
            plans.append(plan)
            previous = plan
    return DemoData(entities=entities, schedules=schedules, plans=plans)


def publication_order(plans: list[PlannedVersion], now: datetime) -> list[tuple[datetime, PlannedVersion]]:
    """Every planned publication with its moment, in the order they must be logged.

    The publication log is a hash chain in time order, so all schedules' versions are
    interleaved by publication time; several on one day are a minute apart so that the
    log and the change feed have a strict order. Upcoming versions come last, at `now`.
    """
    dated = sorted((p for p in plans if p.published_at is not None),
                   key=lambda p: (p.published_at, p.entity_slug, p.schedule_slug, p.number))
    ordered: list[tuple[datetime, PlannedVersion]] = []
    same_moment: Counter = Counter()
    for plan in dated:
        at = plan.published_at + timedelta(minutes=same_moment[plan.published_at])
        same_moment[plan.published_at] += 1
        ordered.append((at, plan))
    ordered.extend((now, p) for p in plans if p.published_at is None)
    return ordered
