"""The plan of a generated data set: how big, which entities and schedules, and every
publication and withdrawal in the order they happen (pure, no database).

Deterministic: the same scale and seed give the same plan, and every random choice
is drawn from a generator seeded by what it is about (an entity, a schedule, a step),
so the plan does not depend on the order in which it is consumed.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from stdnum.cn import uscc as uscc_check

from bench.gen_data import (
    BRAND_CHARS,
    DEFAULT_SCHEDULE,
    DISTRICTS,
    ECOMMERCE_LINES,
    GENERAL_TRADE_LINES,
    KIND_LINES,
    KINDS,
    PORTS,
    ROADS,
    SCHEDULES,
    read_catalog,
)
from bench.gen_items import History, build_pool, regime_of

DEFAULT_SEED = "openportfees-bench-1"
NAMED_SCALES = {"10k": (10_000, 20), "100k": (100_000, 200), "1m": (1_000_000, 2_000)}
ITEMS_PER_ENTITY = 500  # for scales given as a number of items
# The data set's history runs from FIRST_DAY to LAST_DAY ("today" for the data: the last
# publications happen then, some taking effect later, i.e. upcoming).
FIRST_DAY = date(2019, 1, 1)
LAST_DAY = date(2026, 11, 20)
PORT_TZ = ZoneInfo("Asia/Shanghai")
VERSION_SIZE = (40, 80)
WITHDRAW_SHARE = 0.015  # of later versions, published with a typo and withdrawn


@dataclass(frozen=True)
class Scale:
    """How big a data set: fee items in all versions, and charging entities."""

    name: str
    items: int
    entities: int


def parse_scale(text: str) -> Scale:
    """'10k', '100k', '1m', or a number of items ('500', '250k')."""
    key = text.strip().lower().replace("_", "")
    if key in NAMED_SCALES:
        items, entities = NAMED_SCALES[key]
        return Scale(key, items, entities)
    match = re.fullmatch(r"(\d+)([km]?)", key)
    if not match:
        raise ValueError(f"unknown scale {text!r}: use 10k, 100k, 1m or a number of items")
    items = int(match[1]) * {"": 1, "k": 1_000, "m": 1_000_000}[match[2]]
    if items < 50:
        raise ValueError("a data set needs at least 50 items")
    return Scale(key, items, max(len(KINDS), round(items / ITEMS_PER_ENTITY)))


@dataclass
class Entity:
    """A charging entity: the arguments of registry.create_entity, and when it joined."""

    slug: str
    name_zh: str
    name_en: str
    kind: str
    port_locode: str
    uscc: str
    contact: str
    website: str
    address: str
    description: str
    verified: bool
    joined: date

    def registry_fields(self) -> dict:
        """The keyword arguments of registry.create_entity."""
        return {k: v for k, v in self.__dict__.items() if k != "joined"}


@dataclass
class Schedule:
    """A schedule to open and the shape of its history."""

    index: int
    entity: Entity
    slug: str
    name_zh: str
    name_en: str
    business_line: str
    lines: list
    level: Decimal
    start: date
    size: int = 0
    versions: int = 0


@dataclass(frozen=True)
class Publication:
    """Publish the schedule's next version at `at`, in effect from `effective_from`.
    `kind`: first, change, typo (withdrawn later) or correction (after a typo)."""

    at: datetime
    schedule: int
    step: int
    effective_from: date
    kind: str


@dataclass(frozen=True)
class Withdrawal:
    """Withdraw the schedule's latest published version (a typo) at `at`."""

    at: datetime
    schedule: int
    step: int


@dataclass
class Plan:
    """Everything to create, in order."""

    scale: Scale
    seed: str
    entities: list[Entity]
    schedules: list[Schedule]
    events: list  # Publication | Withdrawal, in time order
    histories: dict[int, History] = field(default_factory=dict)

    @property
    def ports(self) -> list[tuple]:
        """The ports the entities are at, as (locode, name_zh, name_en)."""
        used = {e.port_locode for e in self.entities}
        return [(p[0], p[1], p[2]) for p in PORTS if p[0] in used]


def gb11714_check(body: str) -> str:
    """The check character of an organisation code (GB 11714), the 9th character of
    the code embedded in a unified social credit code."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c, 36) * w for c, w in zip(body, weights))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(prefix: str, division: str, serial: int) -> str:
    """A well-formed unified social credit code: registration prefix, division code,
    organisation code (with its own check character), and the GB 32100 check character."""
    org = f"{serial:08d}"
    body = prefix + division + org + gb11714_check(org)
    return body + uscc_check.calc_check_digit(body)


def _joined(rng: random.Random) -> date:
    """When an entity first published: most in the system's first two years."""
    year = rng.choices((2019, 2020, 2021, 2022, 2023, 2024), (50, 20, 10, 8, 7, 5))[0]
    return date(year, 1, 1) + timedelta(days=rng.randrange(365))


def _phone(area: str, rng: random.Random) -> str:
    """A landline number: 8 digits after a 3-digit area code, 7 after a 4-digit one."""
    number = rng.randrange(10_000_000, 99_999_999) if len(area) == 3 else rng.randrange(1_000_000, 9_999_999)
    return f"{area}-{number}"


def plan_entities(scale: Scale, seed: str) -> list[Entity]:
    """Entities of every kind (each kind at least once), spread over the ports by size."""
    rng = random.Random(f"{seed}:entities")
    kinds = list(KINDS)
    weights = [KINDS[k][0] for k in kinds]
    chosen = kinds[: scale.entities] + rng.choices(kinds, weights, k=max(0, scale.entities - len(kinds)))
    rng.shuffle(chosen)
    serials = rng.sample(range(10_000_000, 99_999_999), len(chosen))
    used_names: set[str] = set()
    used_slugs: set[str] = set()
    entities = []
    for n, kind in enumerate(chosen):
        erng = random.Random(f"{seed}:entity:{n}")
        locode, _, _, city_zh, city_py, division, area, _ = erng.choices(PORTS, [p[7] for p in PORTS])[0]
        _, suffixes, slug_word, description, prefix = KINDS[kind]
        suffix_zh, suffix_en = erng.choice(suffixes)
        while True:
            (c1, p1), (c2, p2) = erng.sample(BRAND_CHARS, 2)
            name_zh = f"{city_zh}{c1}{c2}{suffix_zh}"
            slug = f"{city_py}-{p1}{p2}-{slug_word}"
            if name_zh not in used_names and slug not in used_slugs:
                break
        used_names.add(name_zh)
        used_slugs.add(slug)
        brand_en = (p1 + p2).capitalize()
        entities.append(Entity(
            slug=slug, name_zh=name_zh, name_en=f"{city_py.capitalize()} {brand_en} {suffix_en}", kind=kind,
            port_locode=locode, uscc=make_uscc(prefix, division, serials[n]),
            contact=_phone(area, erng),
            website=f"https://{slug}.example.com" if erng.random() < 0.6 else "",
            address=f"{city_zh}市{erng.choice(DISTRICTS)}{erng.choice(ROADS)}{erng.randint(1, 999)}号",
            description=description, verified=erng.random() < 0.7, joined=_joined(erng),
        ))
    return entities


def plan_schedules(entities: list[Entity], seed: str) -> list[Schedule]:
    """The schedules each entity keeps: one per business line it works in."""
    schedules = []
    for n, entity in enumerate(entities):
        rng = random.Random(f"{seed}:schedules:{n}")
        level = Decimal(rng.randint(80, 125)) / 100
        opened = 0
        for slug, name_zh, name_en, line, share in SCHEDULES.get(entity.kind, DEFAULT_SCHEDULE):
            if rng.random() >= share:
                continue
            if slug == "general-trade":
                lines = GENERAL_TRADE_LINES
            elif line == "ecommerce" and entity.kind not in ("ecommerce_logistics", "bonded_warehouse"):
                lines = ECOMMERCE_LINES
            else:
                lines = KIND_LINES[entity.kind]
            # a second schedule opens some months after the first
            start = entity.joined + timedelta(days=rng.randrange(30, 400) if opened else 0)
            schedules.append(Schedule(len(schedules), entity, slug, name_zh, name_en, line, lines, level,
                                      min(start, LAST_DAY - timedelta(days=200))))
            opened += 1
    return schedules


def _at(day: date, rng: random.Random) -> datetime:
    """A working-hours moment of a day at the port, in UTC (as publish_version stores it)."""
    local = datetime.combine(day, time(rng.randint(9, 16), rng.randrange(60), rng.randrange(60)), PORT_TZ)
    return local.astimezone(timezone.utc)


def _notice(rng: random.Random) -> int:
    """Days between publication and effect: usually 30-60, sometimes short."""
    roll = rng.random()
    return rng.randint(30, 60) if roll < 0.75 else rng.randint(7, 29) if roll < 0.9 else rng.randint(0, 6)


def plan_timeline(schedule: Schedule, seed: str) -> list:
    """A schedule's publications (and withdrawals), spread over its years."""
    rng = random.Random(f"{seed}:timeline:{schedule.index}")
    span = (LAST_DAY - schedule.start).days
    n = schedule.versions
    slot = span / n
    days = [schedule.start] + [schedule.start + timedelta(days=int(k * slot + rng.uniform(0, 0.5) * slot))
                               for k in range(1, n)]
    events: list = []
    step = 0
    effective = None
    k = 0
    while k < n:
        day = days[k]
        if k == 0:
            effective = day + timedelta(days=rng.choice((30, 30, 35, 45, 60, 15)))
            events.append(Publication(_at(day, rng), schedule.index, step, effective, "first"))
        elif (k + 1 < n and (days[k + 1] - day).days >= 8 and rng.random() < WITHDRAW_SHARE * 2):
            # Published with a typo, withdrawn within days, published again correctly.
            effective = max(day + timedelta(days=rng.randint(10, 45)), effective)
            withdrawn = day + timedelta(days=rng.randint(1, 3))
            events.append(Publication(_at(day, rng), schedule.index, step, effective, "typo"))
            events.append(Withdrawal(_at(withdrawn, rng), schedule.index, step))
            step += 1
            events.append(Publication(_at(withdrawn + timedelta(days=1), rng), schedule.index, step,
                                      effective, "correction"))
            k += 1  # the correction takes the next slot
        else:
            effective = max(day + timedelta(days=_notice(rng)), effective)
            events.append(Publication(_at(day, rng), schedule.index, step, effective, "change"))
        step += 1
        k += 1
    return events


def _allocate(schedules: list[Schedule], scale: Scale, seed: str) -> None:
    """Share the item budget among schedules by how long their history is, then choose
    each one's version size (40-80 items) and number of versions."""
    rng = random.Random(f"{seed}:budget")
    weights = [(LAST_DAY - s.start).days * rng.uniform(0.7, 1.3) for s in schedules]
    total = sum(weights)
    for schedule, weight in zip(schedules, weights):
        budget = scale.items * weight / total
        size = rng.randint(*VERSION_SIZE)
        if budget < 3 * size:  # a tiny data set still gets histories: smaller versions
            size = max(5, round(budget / 3))
        versions = max(1, round(budget / size))
        # at least 3 weeks between versions, so that a typo's withdrawal and correction fit
        schedule.versions = min(versions, max(1, (LAST_DAY - schedule.start).days // 21))
        schedule.size = size


def make_plan(scale: Scale, seed: str = DEFAULT_SEED) -> Plan:
    """The whole plan: entities, schedules with their item pools, and every event in order."""
    catalog = read_catalog()
    entities = plan_entities(scale, seed)
    schedules = plan_schedules(entities, seed)
    _allocate(schedules, scale, seed)
    histories = {}
    events = []
    for schedule in schedules:
        rng = random.Random(f"{seed}:pool:{schedule.index}")
        pool = build_pool(schedule.lines, schedule.level, catalog, rng)
        regimes = {t.item["code"]: regime_of(t.item["code"], catalog) for t in pool}
        histories[schedule.index] = History(f"{seed}:items:{schedule.index}", pool, schedule.size, regimes)
        events += plan_timeline(schedule, seed)
    events.sort(key=lambda e: (e.at, e.schedule, e.step, isinstance(e, Publication)))
    return Plan(scale, seed, entities, schedules, events, histories)


def version_items(plan: Plan, event: Publication) -> tuple[list[dict], str, str | None]:
    """The items and change note of a publication (and, for a typo, the withdrawal reason
    to give later). Must be called for a schedule's publications in order."""
    history = plan.histories[event.schedule]
    if event.kind == "first":
        return (*history.first(event.step), None)
    if event.kind == "typo":
        return history.typo(event.step)
    if event.kind == "correction":
        return (*history.correction(), None)
    return (*history.change(event.step), None)
