"""One entity's charges for a shipment: which published item prices each need, and the
line it makes. Items are the plain rows of fees.services.market.items_in_effect (or any
dicts with the canonical item fields)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from fees.estimate.rules import Need
from fees.estimate.tiers import TierGap, TierUse, tier_charge

CENT = Decimal("0.01")
# An estimate is for full containers of general foreign-trade cargo: items for dangerous
# goods, empties, oversize or domestic trade do not apply to it.
GENERAL_CARGO = frozenset({"", "general", "foreign"})

# Why an entity's price for a need is unknown.
NOT_PUBLISHED = "not_published"  # no item of the code fits this container and direction
OTHER_UNIT = "unit"  # published, but in a unit the estimate cannot convert (e.g. per TEU)
TIER_GAP = "tiers"  # tiered, but the bands leave some of the quantity unpriced
OTHER_CURRENCY = "currency"  # priced in another currency than the entity's other fees
REASONS = (NOT_PUBLISHED, OTHER_UNIT, TIER_GAP, OTHER_CURRENCY)


def to_cents(amount: Decimal) -> Decimal:
    """Round half up to cents: done once per line, on its total."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def direction_matches(item_direction: str, direction: str) -> bool:
    """An item for both directions fits either."""
    return item_direction in ("both", direction)


def container_matches(item_container: str, container: str) -> bool:
    """An item for any container ("") fits every container; otherwise the type must be
    the same (a 40HQ is not priced as a 40GP unless the entity says so in an item)."""
    return item_container in ("", container)


def fits(item: dict, need: Need, direction: str) -> bool:
    """Could the item price this need, unit aside?"""
    return (item["code"] == need.rule.code
            and container_matches(item["container"], need.container)
            and direction_matches(item["direction"], direction)
            and item["cargo_class"] in GENERAL_CARGO)


def priceable(direction: str) -> dict:
    """What an item's direction and cargo class must be to price a need of a shipment in
    this direction, as fits() asks: field → the values that do. Only the items of the
    fees a shipment incurs that pass it are needed as rows; the others can be counted
    (ranking.estimate)."""
    return {"direction": {"both", direction}, "cargo_class": GENERAL_CARGO}


def specificity(item: dict, need: Need, direction: str) -> int:
    """The closer item wins: its own container type, then its own direction, then a
    stated cargo class, over the catch-all ones."""
    return (4 * (item["container"] == need.container != "") + 2 * (item["direction"] == direction)
            + (item["cargo_class"] != ""))


def choose_item(items: list[dict], need: Need, direction: str) -> tuple[dict | None, str | None]:
    """The item that prices a need (the most specific; the first of equals, in schedule
    order), or None with the reason why none does."""
    candidates = [i for i in items if fits(i, need, direction)]
    priced = [i for i in candidates if i["unit"] == need.rule.unit]
    if not priced:
        return None, OTHER_UNIT if candidates else NOT_PUBLISHED
    return max(priced, key=lambda i: specificity(i, need, direction)), None


@dataclass(frozen=True)
class Line:
    """One published item applied to the shipment: quantity × (rate or tiers) × measure,
    at least the minimum, rounded half-up to cents."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    item_container: str
    item_direction: str
    cargo_class: str
    currency: str
    count: str
    containers: tuple[str, ...]
    quantity: Decimal
    measure: Decimal | None
    measure_kind: str | None
    rate: Decimal | None
    tiers: tuple[TierUse, ...]
    computed: Decimal
    min_amount: Decimal | None
    schedule: str
    version: int | None

    @property
    def minimum_applied(self) -> bool:
        """Did the minimum charge lift the line's total?"""
        return self.min_amount is not None and self.computed < self.min_amount

    @property
    def total(self) -> Decimal:
        """max(computed, minimum), rounded half-up to cents."""
        return to_cents(max(self.computed, self.min_amount) if self.minimum_applied else self.computed)

    @property
    def per_unit(self) -> Decimal | None:
        """For tiered lines: what the tiers charge each counted unit (e.g. one container)."""
        return sum((t.amount for t in self.tiers), Decimal(0)) if self.tiers else None


@dataclass(frozen=True)
class Unknown:
    """A fee the shipment incurs that the entity does not (comparably) publish. It is
    never counted as zero."""

    code: str
    container: str
    quantity: Decimal
    reason: str
    published_for: tuple[str, ...] = ()  # other container types the entity prices this fee for


def published_for(items: list[dict], need: Need, direction: str) -> tuple[str, ...]:
    """The container types an entity does price a fee for, when not for the one needed:
    a shipper reading "no 40HQ rate, but a 40GP one" can check the entity's notes."""
    if not need.container:
        return ()
    return tuple(sorted({i["container"] for i in items
                         if i["code"] == need.rule.code and i["container"] and i["unit"] == need.rule.unit
                         and direction_matches(i["direction"], direction) and i["cargo_class"] in GENERAL_CARGO}))


def price_line(item: dict, needs: list[Need]) -> Line:
    """The line an item makes for the needs it prices (one per container type it fits).

    Tiers run over the measure (days, kg per parcel) when the fee has one, each counted
    unit charged the same; otherwise over the count itself. Raises TierGap.
    """
    rule, measure = needs[0].rule, needs[0].measure
    quantity = sum((n.quantity for n in needs), Decimal(0))
    rate, uses = None, ()
    if item["tiers"]:
        per, uses = tier_charge(item["tiers"], quantity if measure is None else measure)
        computed = per if measure is None else quantity * per
    else:
        rate = Decimal(item["amount"])
        computed = quantity * rate * (measure if measure is not None else 1)
    return Line(
        code=item["code"], name_zh=item.get("name_zh", ""), name_en=item.get("name_en", ""), unit=item["unit"],
        item_container=item["container"], item_direction=item["direction"], cargo_class=item["cargo_class"],
        currency=item["currency"], count=rule.count,
        containers=tuple(n.container for n in needs if n.container), quantity=quantity, measure=measure,
        measure_kind=rule.measure, rate=rate, tiers=uses, computed=computed,
        min_amount=None if item.get("min_amount") is None else Decimal(item["min_amount"]),
        schedule=item.get("schedule", ""), version=item.get("version"),
    )


def match_needs(items: list[dict], needs: list[Need], direction: str
                ) -> tuple[list[tuple[dict, list[Need]]], list[Unknown]]:
    """Each need's item, grouped by item, and the needs no item prices.

    Needs that one item prices make one line (e.g. EIR for any container covers 20GP and
    40HQ alike), so a minimum charge applies once per line, as the item states it.
    """
    matched: dict[int, tuple[dict, list[Need]]] = {}
    unknowns: list[Unknown] = []
    for need in needs:
        item, reason = choose_item(items, need, direction)
        if item is None:
            others = published_for(items, need, direction) if reason == NOT_PUBLISHED else ()
            unknowns.append(Unknown(need.rule.code, need.container, need.quantity, reason, others))
        else:
            matched.setdefault(id(item), (item, []))[1].append(need)
    return list(matched.values()), unknowns


def main_currency(currencies: Iterable[str] | Counter) -> str:
    """The currency of most of an entity's prices (a list of them, or a Counter); ties go
    to the alphabetically first, so the choice is stable."""
    counted = Counter(currencies)
    return min(counted, key=lambda c: (-counted[c], c))


def price_entity(items: list[dict], needs: list[Need], direction: str,
                 currencies: Counter | None = None) -> tuple[str, list[Line], list[Unknown]]:
    """One entity's currency, lines and unknowns for the needs it is expected to price.

    The currency is the main one of the lines; with no line, of all the entity's items
    (`currencies` counts them when `items` are not all of them). Lines in another
    currency than most of the entity's become unknowns: currencies are never added up.
    Unknowns come in the order of the needs.
    """
    matched, unknowns = match_needs(items, needs, direction)
    currency = main_currency([item["currency"] for item, _ in matched]
                             or (currencies if currencies is not None else [i["currency"] for i in items]))
    lines: list[Line] = []
    for item, its_needs in matched:
        try:
            if item["currency"] != currency:
                reason = OTHER_CURRENCY
            else:
                lines.append(price_line(item, its_needs))
                continue
        except TierGap:
            reason = TIER_GAP
        unknowns.extend(Unknown(n.rule.code, n.container, n.quantity, reason) for n in its_needs)
    order = {(n.rule.code, n.container): position for position, n in enumerate(needs)}
    unknowns.sort(key=lambda u: order[(u.code, u.container)])
    return currency, lines, unknowns
