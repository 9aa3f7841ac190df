"""The whole estimate: every relevant entity priced, grouped by kind and currency, ranked.

Entities are compared only with entities of their own kind (terminals with terminals,
brokers with brokers…). A fee is *expected* of an entity when at least one entity of its
kind publishes that code on the day for the shipment's direction; an expected fee the
entity does not publish is listed as unknown, never counted as zero.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from fees.estimate.params import Shipment
from fees.estimate.pricing import GENERAL_CARGO, Line, Unknown, direction_matches, price_entity
from fees.estimate.rules import Need, in_scope, needs
from fees.vocab import ENTITY_KINDS


@dataclass(frozen=True)
class EntityEstimate:
    """One entity's total for the shipment, its lines, and what it does not publish."""

    entity: str
    name_zh: str
    name_en: str
    kind: str
    currency: str
    lines: tuple[Line, ...]
    unknowns: tuple[Unknown, ...]
    rank: int | None = None

    @property
    def total(self) -> Decimal:
        """The sum of the line totals (each already in cents): the known part only."""
        return sum((line.total for line in self.lines), Decimal("0.00"))

    @property
    def complete(self) -> bool:
        """Does the entity publish every expected fee of the shipment?"""
        return not self.unknowns

    @property
    def unknown_codes(self) -> list[str]:
        """The codes of the unknown fees, each once, in the shipment's order."""
        return list(dict.fromkeys(u.code for u in self.unknowns))


@dataclass(frozen=True)
class Group:
    """The entities of one kind whose totals are in one currency, ranked."""

    kind: str
    currency: str
    expected: tuple[str, ...]
    entities: tuple[EntityEstimate, ...]


@dataclass(frozen=True)
class Estimate:
    """The shipment, the fees it incurs, the groups of ranked entities, and the names of
    the fee codes (from the catalogue) for showing needs and unknowns."""

    shipment: Shipment
    needs: tuple[Need, ...]
    groups: tuple[Group, ...]
    names: dict = field(default_factory=dict)


def rank(entities: list[EntityEstimate]) -> list[EntityEstimate]:
    """Complete entities first, cheapest first, ranked 1, 2, … (equal totals share a
    rank); then the incomplete ones by their known total, unranked, because a total
    with fees missing is not comparable."""
    complete = sorted((e for e in entities if e.complete), key=lambda e: (e.total, e.entity))
    incomplete = sorted((e for e in entities if not e.complete), key=lambda e: (e.total, e.entity))
    ranked: list[EntityEstimate] = []
    for position, found in enumerate(complete, start=1):
        shared = ranked[-1].rank if ranked and ranked[-1].total == found.total else position
        ranked.append(replace(found, rank=shared))
    return ranked + incomplete


def expected_codes(rows: list[dict], codes: set[str], direction: str) -> dict[str, set[str]]:
    """By kind: the needed codes at least one entity of the kind publishes for this
    direction (and for general cargo), within what the estimate counts for the kind."""
    expected: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        kind, code = row["entity_kind"], row["code"]
        if (code in codes and in_scope(kind, code) and direction_matches(row["direction"], direction)
                and row["cargo_class"] in GENERAL_CARGO):
            expected[kind].add(code)
    return expected


def _kind_order(kind: str) -> int:
    """Kinds in the vocabulary's order (terminals first); unknown kinds last."""
    kinds = list(ENTITY_KINDS)
    return kinds.index(kind) if kind in kinds else len(kinds)


def estimate(rows: list[dict], shipment: Shipment, names: dict | None = None,
             item_counts: list[dict] | None = None) -> Estimate:
    """Price the shipment for every entity among `rows` (items in effect on one day).

    Rows of another business line than the shipment's are ignored. `names` maps fee
    codes to {"name_zh", "name_en"} (the catalogue) for the needs and the unknowns.

    With `item_counts` (each entity's items counted by currency: rows with the entity's
    fields, business_line, currency and items, the count), `rows` need only be the items
    that can price one of the shipment's fees (pricing.priceable): the answer is the
    same. The others only make an entity take part (with every expected fee unknown) and
    decide its currency when it prices none of the fees.
    """
    rows = [r for r in rows if r.get("business_line", shipment.line) == shipment.line]
    shipment_needs = needs(shipment)
    expected = expected_codes(rows, {n.rule.code for n in shipment_needs}, shipment.direction)
    by_entity: dict[str, list[dict]] = defaultdict(list)
    first: dict[str, dict] = {}  # a row of each entity, for its names and kind
    currencies: dict[str, Counter] = defaultdict(Counter)  # of all its items
    for row in rows:
        by_entity[row["entity"]].append(row)
        first.setdefault(row["entity"], row)
        if item_counts is None:
            currencies[row["entity"]][row["currency"]] += 1
    for row in item_counts or ():
        if row.get("business_line", shipment.line) == shipment.line:
            first.setdefault(row["entity"], row)
            currencies[row["entity"]][row["currency"]] += row["items"]
    grouped: dict[tuple[str, str], list[EntityEstimate]] = defaultdict(list)
    for slug, row in first.items():
        codes = expected.get(row["entity_kind"])
        if not codes:
            continue  # nothing of this shipment is charged by entities of this kind
        wanted = [n for n in shipment_needs if n.rule.code in codes]
        currency, lines, unknowns = price_entity(by_entity[slug], wanted, shipment.direction, currencies[slug])
        grouped[(row["entity_kind"], currency)].append(EntityEstimate(
            slug, row.get("entity_name_zh", ""), row.get("entity_name_en", ""), row["entity_kind"],
            currency, tuple(lines), tuple(unknowns)))
    groups = [Group(kind, currency, tuple(c for c in dict.fromkeys(n.rule.code for n in shipment_needs)
                                          if c in expected[kind]), tuple(rank(found)))
              for (kind, currency), found in grouped.items()]
    groups.sort(key=lambda g: (_kind_order(g.kind), g.currency))
    return Estimate(shipment, tuple(shipment_needs), tuple(groups), dict(names or {}))
