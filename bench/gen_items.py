"""Fee items of the generated data set: each schedule's pool of possible fees, its first
version, and how every later version changes the one before (pure, no database).

Items are the plain dicts a publisher's import or the API would send to
drafts.create_draft (amounts as Decimal, tiers as {"from", "to", "amount"}); the
services, or the bulk path through the same validation, turn them into rows.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from fees.demo.plan import round_price
from fees.diff import item_key

from bench.gen_data import (
    BANDS,
    CARGO,
    CARGO_FACTOR,
    CONTAINER_FACTOR,
    CONTAINERS,
    DIRECTION_FACTOR,
    DIRECTIONS,
    FEES,
    LEGAL_BASIS,
    LEGAL_BASIS_MARKET_ALT,
    NOTES,
    USD_CODES,
)

GOVERNMENT_GUIDED_BANDS = {"TOWAGE_B", "PILOT_D"}
# Free days before a tiered daily charge starts, by code.
FREE_DAYS = {"STORAGE": (3, 4, 5, 7), "DEMURRAGE": (5, 7, 10, 14), "EC_WAREHOUSE": (15, 30, 60),
             "BONDED_STORAGE": (7, 15, 30)}
MINIMUM_UNITS = {"per_kg", "per_tonne", "per_cbm", "per_cbm_day", "percent_of_value"}


@dataclass
class Template:
    """One fee a schedule could hold, priced at this entity's level."""

    item: dict
    regime: str
    core: bool


def _band(code: str) -> tuple[str, int] | None:
    """("TOWAGE_B", 3) for the band code TOWAGE_B3, else None."""
    for prefix in BANDS:
        if code.startswith(prefix) and code[len(prefix):].isdigit():
            return prefix, int(code[len(prefix):])
    return None


def regime_of(code: str, catalog: dict) -> str:
    """The pricing regime: the catalogue's, government-guided for towage and pilotage
    bands, market for an entity's own codes."""
    if code in catalog:
        return catalog[code]["pricing_regime"]
    band = _band(code)
    return "government_guided" if band and band[0] in GOVERNMENT_GUIDED_BANDS else "market"


def _describe(code: str, catalog: dict) -> tuple[str, str, str, str, Decimal, str | None]:
    """Names, unit, service text, base price and tier shape of a code."""
    band = _band(code)
    if band:
        prefix, n = band
        zh, en, unit, service, base, labels_zh, labels_en = BANDS[prefix]
        price = Decimal(base) * (1 + Decimal("0.35") * (n - 1))
        return zh.format(labels_zh[n - 1]), en.format(labels_en[n - 1]), unit, service, price, (
            "kg" if unit == "per_kg" else None)
    name_zh, name_en, unit, service, base, shape = FEES[code]
    if code in catalog:
        name_zh, name_en, unit = catalog[code]["name_zh"], catalog[code]["name_en"], catalog[code]["unit"]
    return name_zh, name_en, unit, service, Decimal(base), shape


def _size_factor(container: str) -> Decimal:
    """Government-set fees know only 20-foot and 40-foot (and longer) containers."""
    return Decimal("1") if not container or container.startswith("20") else Decimal("1.5")


def _tiers(shape: str, code: str, rate: Decimal, rng: random.Random) -> list[dict]:
    """Tier bands: storage-like days (free, then a rate, then double) or first kg and each further kg."""
    if shape == "kg":
        return [{"from": "0", "to": "1", "amount": rate},
                {"from": "1.001", "to": None, "amount": round_price(rate * Decimal("0.4"))}]
    free = rng.choice(FREE_DAYS.get(code, (3, 5, 7)))
    step = rng.choice((5, 7, 10))
    tiers = [{"from": "1", "to": str(free), "amount": Decimal("0.00")},
             {"from": str(free + 1), "to": str(free + step), "amount": rate}]
    if rng.random() < 0.25:
        tiers.append({"from": str(free + step + 1), "to": str(free + 2 * step), "amount": round_price(rate * 2)})
        tiers.append({"from": str(free + 2 * step + 1), "to": None, "amount": round_price(rate * 3)})
    else:
        tiers.append({"from": str(free + step + 1), "to": None, "amount": round_price(rate * 2)})
    return tiers


def _template(code: str, container: str, direction: str, cargo: str, core: bool, level: Decimal,
              catalog: dict, rng: random.Random) -> Template:
    """One fee of the pool, priced at the entity's level (government-set fees are not)."""
    name_zh, name_en, unit, service, base, shape = _describe(code, catalog)
    regime = regime_of(code, catalog)
    if regime == "government_set":
        amount = (base * _size_factor(container) * CARGO_FACTOR[cargo]).quantize(Decimal("0.01"))
    else:
        factor = min(level, Decimal("1")) if regime == "government_guided" else level
        amount = round_price(base * CONTAINER_FACTOR[container] * CARGO_FACTOR[cargo]
                             * DIRECTION_FACTOR[direction] * factor)
    tiers = _tiers(shape, code, amount, rng) if shape else []
    minimum = None
    if unit in MINIMUM_UNITS and rng.random() < 0.7 or rng.random() < 0.05:
        minimum = round_price(max(amount, Decimal("1")) * rng.choice((5, 10, 20)))
    if regime == "market":
        legal = rng.choices((LEGAL_BASIS["market"], LEGAL_BASIS_MARKET_ALT, ""), (7, 2, 1))[0]
    else:
        legal = LEGAL_BASIS[regime]
    item = {
        "code": code, "name_zh": name_zh, "name_en": name_en, "service": service, "unit": unit,
        "container": container, "direction": direction, "cargo_class": cargo,
        "amount": None if tiers else amount, "currency": "USD" if code in USD_CODES else "CNY",
        "min_amount": minimum, "tiers": tiers, "legal_basis": legal,
        "notes": rng.choice(NOTES) if rng.random() < 0.15 else "",
    }
    return Template(item, regime, core)


def _codes(code: str) -> list[str]:
    """A line's codes: the code itself, or one code per band."""
    if code in BANDS:
        return [f"{code}{n}" for n in range(1, len(BANDS[code][5]) + 1)]
    return [code]


def build_pool(lines, level: Decimal, catalog: dict, rng: random.Random) -> list[Template]:
    """Every fee a schedule could hold, in tariff order, each key once (core wins)."""
    pool: dict[tuple, Template] = {}
    for code, containers, directions, cargo, core in lines:
        boxes = containers if isinstance(containers, tuple) else CONTAINERS[containers]
        for c in _codes(code):
            for box in boxes:
                for direction in DIRECTIONS[directions]:
                    for klass in CARGO[cargo]:
                        template = _template(c, box, direction, klass, core, level, catalog, rng)
                        key = item_key(template.item)
                        if key not in pool:
                            pool[key] = template
                        elif core:
                            pool[key].core = True
    return list(pool.values())


def _copy(item: dict) -> dict:
    """A copy deep enough to change amounts and tiers without touching the original."""
    return {**item, "tiers": [dict(t) for t in item["tiers"]]}


def _scale_item(item: dict, factor: Decimal) -> bool:
    """Scale an item's price like a published tariff is rounded; True if anything moved."""
    before = (item["amount"], item["min_amount"], [t["amount"] for t in item["tiers"]])
    if item["tiers"]:
        for tier in item["tiers"]:
            if tier["amount"]:
                tier["amount"] = round_price(tier["amount"] * factor)
    elif item["amount"]:
        item["amount"] = round_price(item["amount"] * factor)
    if item["min_amount"]:
        item["min_amount"] = round_price(item["min_amount"] * factor)
    return before != (item["amount"], item["min_amount"], [t["amount"] for t in item["tiers"]])


def _names(items: list[dict]) -> str:
    """'码头操作费、堆存费' for a change note (distinct names, at most two)."""
    names = list(dict.fromkeys(i["name_zh"] for i in items))
    return "、".join(names[:2])


@dataclass
class History:
    """One schedule's items as its versions succeed each other.

    Every step draws from a generator seeded by (seed, schedule, step), so a step's
    content does not depend on which other schedules were generated before it.
    """

    seed: str
    pool: list[Template]
    size: int
    regimes: dict[str, str]
    current: list[dict] = field(default_factory=list)
    pending: tuple[list[dict], str] | None = None  # the intended items and note while a typo is out

    def _rng(self, step: int) -> random.Random:
        return random.Random(f"{self.seed}:{step}")

    def _order(self) -> dict[tuple, int]:
        return {item_key(t.item): n for n, t in enumerate(self.pool)}

    def first(self, step: int) -> tuple[list[dict], str]:
        """The first version: every core fee (as far as the size allows), then others at random."""
        rng = self._rng(step)
        core = [t for t in self.pool if t.core]
        rest = [t for t in self.pool if not t.core]
        size = min(self.size, len(self.pool))
        chosen = rng.sample(core, size) if len(core) > size else core + rng.sample(rest, size - len(core))
        order = self._order()
        self.current = sorted((_copy(t.item) for t in chosen), key=lambda i: order[item_key(i)])
        return [_copy(i) for i in self.current], rng.choice(
            ("首次公示收费目录清单", "首次在口岸收费公示系统公示本单位收费项目及标准", "公示现行收费标准"))

    def change(self, step: int) -> tuple[list[dict], str]:
        """The next version: mostly small rises, some cuts, fees added and removed, wording edits."""
        rng = self._rng(step)
        items = [_copy(i) for i in self.current]
        notes: list[str] = []
        scalable = [i for i in items if self.regimes[i["code"]] != "government_set"]
        roll = rng.random()
        if roll < 0.80 and scalable:
            share = rng.uniform(0.3, 1.0)
            chosen = [i for i in scalable if rng.random() < share] or [rng.choice(scalable)]
            if roll < 0.55:
                factor = 1 + Decimal(rng.randint(2, 10)) / 100
                moved = [i for i in chosen if _scale_item(i, factor)]
                if moved:
                    notes.append(f"根据运营成本变化，上调{_names(moved)}等{len(moved)}项收费标准")
            elif roll < 0.68:
                guided = [i for i in scalable if self.regimes[i["code"]] == "government_guided"]
                factor = 1 - Decimal(rng.randint(3, 15)) / 100
                moved = [i for i in (guided or chosen) if _scale_item(i, factor)]
                if moved:
                    notes.append(f"落实降费减负要求，下调{_names(moved)}等{len(moved)}项收费标准")
            else:
                up = [i for n, i in enumerate(chosen) if n % 2 == 0 and _scale_item(i, Decimal("1.05"))]
                down = [i for n, i in enumerate(chosen) if n % 2 == 1 and _scale_item(i, Decimal("0.92"))]
                if up or down:
                    notes.append(f"调整部分收费标准（上调{len(up)}项，下调{len(down)}项）")
        low, high = max(1, self.size - 8), min(self.size + 8, 88)
        keys = {item_key(i) for i in items}
        if (roll >= 0.80 or rng.random() < 0.3) and len(items) < high:
            spare = [t for t in self.pool if item_key(t.item) not in keys]
            added = [_copy(t.item) for t in rng.sample(spare, min(len(spare), rng.randint(1, 2), high - len(items)))]
            items += added
            if added:
                notes.append(f"新增{_names(added)}收费项目")
        if rng.random() < 0.3 and len(items) > low:
            core = {item_key(t.item) for t in self.pool if t.core}
            optional = [i for i in items if item_key(i) not in core]
            doomed = rng.sample(optional, min(len(optional), rng.randint(1, 2), len(items) - low))
            if doomed:
                gone = {item_key(i) for i in doomed}
                items = [i for i in items if item_key(i) not in gone]
                notes.append(f"取消{_names(doomed)}收费项目")
        if rng.random() < 0.12:
            for item in rng.sample(items, min(3, len(items))):
                item["notes"] = rng.choice(NOTES)
            notes.append("修订部分收费项目的备注说明")
        if not notes:  # every version changes something
            item = rng.choice(scalable or items)
            item["notes"] = (item["notes"] + "；" if item["notes"] else "") + "以本公示为准"
            notes.append(f"修订{item['name_zh']}的备注说明")
        order = self._order()
        self.current = sorted(items, key=lambda i: order[item_key(i)])
        return [_copy(i) for i in self.current], "；".join(notes)

    def typo(self, step: int) -> tuple[list[dict], str, str]:
        """A version published with a typing error (one amount ten times too high); the
        intended items are kept for the correction. Returns items, note, withdrawal reason."""
        intended, note = self.change(step)
        self.pending = (intended, note)
        rng = self._rng(step)
        wrong = [_copy(i) for i in intended]
        flat = [i for i in wrong if not i["tiers"] and i["amount"]] or wrong
        victim = rng.choice(flat)
        _scale_item(victim, Decimal("10"))
        reason = f"录入错误：{victim['name_zh']}金额多输入一位，撤回后重新公示"
        return wrong, note, reason

    def correction(self) -> tuple[list[dict], str]:
        """The intended version after a withdrawn typo."""
        (items, note), self.pending = self.pending, None
        return [_copy(i) for i in items], f"{note}（更正前一版本的录入错误后重新公示）"
