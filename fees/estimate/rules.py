"""Which fees a shipment incurs, and how many of each: the quantity table.

Each Rule says which fee code (in which unit) a shipment of a business line incurs, what
the line's quantity counts, and — for fees by the day or by weight — what the rate (or
the tiers) runs over for each counted unit. docs/ESTIMATES.md shows the same table; keep
the two in step. Codes not listed here (pilotage, demurrage, returns…) depend on things
a shipper's description does not give, so an estimate leaves them out rather than guess.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from fees.estimate.params import REEFERS, Shipment

# What a line's quantity counts.
CONTAINER_COUNTS = frozenset({"containers", "reefers", "inspected"})
COUNTS = ("containers", "reefers", "inspected", "bills", "declarations", "orders", "parcels", "cbm")
# What rates and tiers run over, per counted unit.
MEASURES = ("days", "warehouse_days", "kg_per_parcel")


@dataclass(frozen=True)
class Rule:
    """One fee of the quantity table."""

    code: str
    unit: str
    line: str
    count: str
    measure: str | None = None
    service: str | None = None  # only when the shipper asks for this service
    direction: str | None = None  # only in this direction


RULES: tuple[Rule, ...] = (
    Rule("THC", "per_container", "port", "containers"),
    Rule("PORT_PACKAGE", "per_container", "port", "containers"),
    Rule("SECURITY", "per_container", "port", "containers"),
    Rule("CARGO_DUES", "per_container", "port", "containers"),
    Rule("TALLY", "per_container", "port", "containers"),
    Rule("EIR", "per_container", "port", "containers"),
    Rule("STORAGE", "per_container_day", "port", "containers", measure="days"),
    Rule("REEFER", "per_container_day", "port", "reefers", measure="days"),
    Rule("LIFT_INSPECTION", "per_container", "port", "inspected"),
    Rule("SEAL", "per_piece", "port", "containers", direction="export"),
    Rule("DOC", "per_bill", "port", "bills"),
    Rule("CUSTOMS_BROKER", "per_bill", "port", "declarations"),
    Rule("TRUCKING", "per_container", "port", "containers", service="trucking"),
    Rule("CLEANING", "per_container", "port", "containers", service="cleaning"),
    Rule("FUMIGATION", "per_container", "port", "containers", service="fumigation"),
    Rule("EC_CLEARANCE", "per_order", "ecommerce", "orders"),
    Rule("EC_DECLARATION", "per_order", "ecommerce", "orders"),
    Rule("EC_PICK_PACK", "per_parcel", "ecommerce", "parcels"),
    Rule("EC_LABEL", "per_parcel", "ecommerce", "parcels"),
    # "First kg, then each further kg" is a price per parcel, so delivery counts parcels
    # and its tiers run over each parcel's chargeable weight.
    Rule("EC_DELIVERY", "per_kg", "ecommerce", "parcels", measure="kg_per_parcel"),
    Rule("EC_WAREHOUSE", "per_cbm_day", "ecommerce", "cbm", measure="warehouse_days"),
)
RULE_CODES = frozenset(r.code for r in RULES)

# Kinds whose other fees depend on what the shipper cannot tell us: an inspection
# site's storage and power run for the days at the site, not in the yard.
KIND_SCOPE: dict[str, frozenset[str]] = {"inspection_site": frozenset({"LIFT_INSPECTION"})}


def in_scope(kind: str, code: str) -> bool:
    """Does an estimate count this fee for entities of this kind?"""
    scope = KIND_SCOPE.get(kind)
    return code in RULE_CODES and (scope is None or code in scope)


@dataclass(frozen=True)
class Need:
    """A fee the shipment incurs: `quantity` counted units (of one container type when
    the rule counts containers, else container ""), each `measure` days or kg (None:
    the count alone)."""

    rule: Rule
    container: str
    quantity: Decimal
    measure: Decimal | None


def chargeable_kg(shipment: Shipment) -> Decimal:
    """Each parcel's chargeable weight: the average, with part of a kilogram counted as a
    whole one (不足1公斤按1公斤计), as parcel delivery is priced."""
    if not shipment.kg or not shipment.parcels:
        return Decimal(0)
    return (shipment.kg / shipment.parcels).to_integral_value(rounding=ROUND_CEILING)


def measure_of(shipment: Shipment, measure: str) -> Decimal:
    """The shipment's value of a measure."""
    if measure == "kg_per_parcel":
        return chargeable_kg(shipment)
    return Decimal(getattr(shipment, measure))


def _counted(shipment: Shipment, count: str) -> list[tuple[str, Decimal]]:
    """(container type or "", how many) for what a rule counts; zero counts left out."""
    if count in CONTAINER_COUNTS:
        by_type = shipment.inspected if count == "inspected" else shipment.containers
        return [(t, Decimal(n)) for t, n in by_type.items() if n and (count != "reefers" or t in REEFERS)]
    value = Decimal(getattr(shipment, count))
    return [("", value)] if value else []


def applies(rule: Rule, shipment: Shipment) -> bool:
    """Does the rule concern this shipment at all (its line, direction, services)?"""
    return (rule.line == shipment.line
            and (rule.direction is None or rule.direction == shipment.direction)
            and (rule.service is None or rule.service in shipment.services))


def needs(shipment: Shipment) -> list[Need]:
    """Every fee the shipment incurs, in the table's order, with its quantities."""
    found: list[Need] = []
    for rule in RULES:
        if not applies(rule, shipment):
            continue
        measure = measure_of(shipment, rule.measure) if rule.measure else None
        if measure == 0:
            continue  # no day in the yard: no storage to price
        found.extend(Need(rule, container, qty, measure) for container, qty in _counted(shipment, rule.count))
    return found
