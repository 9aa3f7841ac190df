"""Estimating a shipment with the pure functions of fees.estimate: hand-checked cases,
no app and no database (the market is plain rows, as items_in_effect returns them)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fees.errors import DomainError
from fees.estimate import Shipment, TierGap, estimate, needs, rank, read_request, tier_charge
from fees.estimate.params import describes_shipment
from fees.estimate.pricing import NOT_PUBLISHED, OTHER_CURRENCY, OTHER_UNIT, TIER_GAP, price_entity, priceable
from fees.estimate.ranking import EntityEstimate

D = Decimal
STORAGE_TIERS = [{"from": "1", "to": "4", "amount": "0.00"}, {"from": "5", "to": "10", "amount": "20.00"},
                 {"from": "11", "to": None, "amount": "40.00"}]

# The small made-up market the view tests publish too (tests/test_estimate_views.py):
# entity slug, kind, names, and items as a publisher types them.
MARKET = [
    ("a-terminal", "container_terminal", "甲码头", "A Terminal", [
        {"code": "PORT_PACKAGE", "unit": "per_container", "container": "20GP", "amount": "480"},
        {"code": "PORT_PACKAGE", "unit": "per_container", "container": "40HQ", "amount": "740"},
        {"code": "CARGO_DUES", "unit": "per_container", "amount": "32"},
        {"code": "STORAGE", "unit": "per_container_day", "direction": "import", "tiers": STORAGE_TIERS},
        {"code": "LIFT_INSPECTION", "unit": "per_container", "container": "40HQ", "amount": "450"},
    ]),
    ("b-terminal", "container_terminal", "乙码头", "B Terminal", [
        {"code": "PORT_PACKAGE", "unit": "per_container", "container": "20GP", "amount": "500"},
        {"code": "PORT_PACKAGE", "unit": "per_container", "container": "40HQ", "amount": "700"},
        {"code": "STORAGE", "unit": "per_container_day", "container": "20GP",
         "tiers": [{"from": "1", "to": "3", "amount": "0"}, {"from": "4", "to": None, "amount": "25"}]},
        {"code": "STORAGE", "unit": "per_container_day", "container": "40HQ", "min_amount": "1000",
         "tiers": [{"from": "1", "to": "3", "amount": "0"}, {"from": "4", "to": None, "amount": "50"}]},
        {"code": "LIFT_INSPECTION", "unit": "per_container", "amount": "400"},
    ]),
    ("l-line", "shipping_line", "丙航运", "C Line", [
        {"code": "THC", "unit": "per_container", "container": "20GP", "amount": "760"},
        {"code": "THC", "unit": "per_container", "container": "40HQ", "amount": "1160"},
        {"code": "DOC", "unit": "per_bill", "direction": "import", "amount": "400"},
        {"code": "DOC", "unit": "per_bill", "direction": "export", "amount": "450"},
        {"code": "EIR", "unit": "per_container", "amount": "40"},
        {"code": "SEAL", "unit": "per_piece", "amount": "50"},
    ]),
    ("k-broker", "customs_broker", "丁报关", "D Brokers", [
        {"code": "CUSTOMS_BROKER", "unit": "per_bill", "direction": "import", "amount": "300"},
        {"code": "CUSTOMS_BROKER", "unit": "per_bill", "direction": "export", "amount": "200"},
    ]),
]
# 2×20GP + 1×40HQ import, the 40HQ inspected, 12 days in the yard, 1 bill, 2 declarations.
SHIPMENT_ARGS = {"line": "port", "direction": "import", "20GP": "2", "40HQ": "1", "inspected_40HQ": "1",
                 "days": "12", "bills": "1", "declarations": "2"}
# Worked out by hand (docs/ESTIMATES.md walks through the same numbers):
#   A: package 2×480 + 740, dues 3×32 (one line: the item fits any container),
#      storage 3 × (4×0 + 6×20 + 2×40 = 200), inspection 1×450            = 2,846.00
#   B: package 2×500 + 700, storage 20GP 2 × 9×25 = 450, storage 40HQ 9×50 = 450
#      lifted to its 1,000 minimum, inspection 400; cargo dues unknown      = 3,550.00 known
#   C: THC 2×760 + 1,160, EIR 3×40, DOC 1×400 (import)                      = 3,200.00
#   D: customs declarations 2×300                                           =   600.00
EXPECTED_TOTALS = {"a-terminal": D("2846.00"), "b-terminal": D("3550.00"), "l-line": D("3200.00"),
                   "k-broker": D("600.00")}


def canonical(spec: dict) -> dict:
    """An item as a publisher types it, in canonical form (money as "0.00" strings)."""
    tiers = [{"from": t["from"], "to": t["to"], "amount": f"{D(t['amount']):.2f}"} for t in spec.get("tiers", [])]
    amount = spec.get("amount") or next((t["amount"] for t in tiers if D(t["amount"]) > 0), "0.00")
    return {"code": spec["code"], "name_zh": spec["code"], "name_en": spec["code"], "unit": spec["unit"],
            "container": spec.get("container", ""), "direction": spec.get("direction", "both"),
            "cargo_class": spec.get("cargo_class", ""), "amount": f"{D(amount):.2f}",
            "currency": spec.get("currency", "CNY"),
            "min_amount": None if spec.get("min_amount") is None else f"{D(spec['min_amount']):.2f}",
            "tiers": tiers}


def rows_of(market, line: str = "port") -> list[dict]:
    """The market as items_in_effect rows."""
    return [{"entity": slug, "entity_kind": kind, "entity_name_zh": zh, "entity_name_en": en,
             "business_line": line, "schedule": "main", "version": 1, **canonical(spec)}
            for slug, kind, zh, en, specs in market for spec in specs]


def shipment(**args) -> Shipment:
    """A shipment from query parameters."""
    return read_request({k: str(v) for k, v in args.items()}, date(2025, 1, 1)).shipment


def one(result, slug: str) -> EntityEstimate:
    """An entity's estimate."""
    return next(e for g in result.groups for e in g.entities if e.entity == slug)


# -- tiers -------------------------------------------------------------------------------

@pytest.mark.parametrize("days, total, units", [
    (0, "0", []),
    (3, "0", [("1", "3")]),  # inside the first, free band
    (4, "0", [("1", "4")]),  # exactly on its upper boundary
    (5, "20", [("1", "4"), ("5", "1")]),  # the first day of the next band
    (10, "120", [("1", "4"), ("5", "6")]),
    (11, "160", [("1", "4"), ("5", "6"), ("11", "1")]),
    (12, "200", [("1", "4"), ("5", "6"), ("11", "2")]),  # 4×0 + 6×20 + 2×40
    (30, "920", [("1", "4"), ("5", "6"), ("11", "20")]),  # far into the open last band
])
def test_tiers_charge_day_by_day(days, total, units):
    """Each day is charged at its band's rate: free days, boundaries, the open last band."""
    amount, uses = tier_charge(STORAGE_TIERS, D(days))
    assert amount == D(total)
    assert [(str(u.low), str(u.units)) for u in uses] == units


def test_a_fractional_quantity_charges_its_last_unit_pro_rata():
    """2.5 kg: two whole kilograms and half of the third at the third's rate."""
    first_kg = [{"from": "1", "to": "1", "amount": "8.00"}, {"from": "2", "to": None, "amount": "2.50"}]
    assert tier_charge(first_kg, D("0.5"))[0] == D("4.00")  # half of the first kg
    assert tier_charge(first_kg, D("1"))[0] == D("8.00")
    assert tier_charge(first_kg, D("2.5"))[0] == D("11.75")  # 8 + 1×2.50 + 0.5×2.50


def test_units_no_band_prices_are_an_error_not_free():
    """A gap between bands, or before the first, is unpriced: an error, never zero."""
    gap = [{"from": "1", "to": "4", "amount": "0.00"}, {"from": "6", "to": None, "amount": "30.00"}]
    assert tier_charge(gap, D(4))[0] == D(0)
    with pytest.raises(TierGap):
        tier_charge(gap, D(5))
    with pytest.raises(TierGap):
        tier_charge([{"from": "5", "to": None, "amount": "10.00"}], D(6))
    with pytest.raises(TierGap):
        tier_charge([{"from": "1", "to": "10", "amount": "1.00"}], D(11))


# -- the quantity table --------------------------------------------------------------------

def test_needs_of_a_port_shipment():
    """The quantity table applied to a port shipment, in the table's order."""
    found = [(n.rule.code, n.container, str(n.quantity), n.measure and str(n.measure))
             for n in needs(shipment(**SHIPMENT_ARGS, trucking=1))]
    assert found == [
        ("THC", "20GP", "2", None), ("THC", "40HQ", "1", None),
        ("PORT_PACKAGE", "20GP", "2", None), ("PORT_PACKAGE", "40HQ", "1", None),
        ("SECURITY", "20GP", "2", None), ("SECURITY", "40HQ", "1", None),
        ("CARGO_DUES", "20GP", "2", None), ("CARGO_DUES", "40HQ", "1", None),
        ("TALLY", "20GP", "2", None), ("TALLY", "40HQ", "1", None),
        ("EIR", "20GP", "2", None), ("EIR", "40HQ", "1", None),
        ("STORAGE", "20GP", "2", "12"), ("STORAGE", "40HQ", "1", "12"),
        ("LIFT_INSPECTION", "40HQ", "1", None),
        ("DOC", "", "1", None), ("CUSTOMS_BROKER", "", "2", None),
        ("TRUCKING", "20GP", "2", None), ("TRUCKING", "40HQ", "1", None),
    ]


def test_seals_only_for_export_reefer_power_only_for_reefers_and_no_storage_without_days():
    """Direction-only, reefer-only and day-based fees appear only when they apply."""
    codes = lambda s: [(n.rule.code, n.container) for n in needs(s)]  # noqa: E731
    export = codes(shipment(direction="export", **{"20GP": 1, "20RF": 2}, days=0))
    assert ("SEAL", "20GP") in export and ("SEAL", "20RF") in export
    assert not any(code in ("STORAGE", "REEFER") for code, _ in export)
    imported = codes(shipment(direction="import", **{"20GP": 1, "20RF": 2}, days=3))
    assert not any(code == "SEAL" for code, _ in imported)
    assert [c for code, c in imported if code == "REEFER"] == ["20RF"]


# -- pricing one entity ------------------------------------------------------------------------

def priced(specs: list[dict], s: Shipment, kind: str = "container_terminal"):
    """(currency, lines, unknowns) of one entity publishing `specs`, for every need of `s`."""
    items = rows_of([("x", kind, "X", "X", specs)])
    return price_entity(items, needs(s), s.direction)


def test_an_item_for_any_container_covers_every_type_in_one_line_and_a_specific_one_wins():
    """Container "" fits every type (one line); an item for the very type beats it."""
    s = shipment(**{"20GP": 2, "40HQ": 1})
    _, lines, unknowns = priced([
        {"code": "EIR", "unit": "per_container", "amount": "40"},
        {"code": "THC", "unit": "per_container", "amount": "700"},
        {"code": "THC", "unit": "per_container", "container": "40HQ", "amount": "1160"},
    ], s)
    by_code = [(line.code, line.containers, line.quantity, line.total) for line in lines]
    assert by_code == [("THC", ("20GP",), D(2), D("1400.00")), ("THC", ("40HQ",), D(1), D("1160.00")),
                       ("EIR", ("20GP", "40HQ"), D(3), D("120.00"))]
    # priced against every need here; in an estimate only the kind's expected fees count
    assert {u.code for u in unknowns} == {"PORT_PACKAGE", "SECURITY", "CARGO_DUES", "TALLY", "DOC",
                                          "CUSTOMS_BROKER"}


def test_a_40hq_is_not_priced_as_a_40gp():
    """No assumed equivalence between types: unknown, with the types that are published."""
    _, lines, unknowns = priced([{"code": "THC", "unit": "per_container", "container": "40GP", "amount": "1130"}],
                                shipment(**{"40HQ": 1}))
    assert lines == []
    assert ("THC", "40HQ", NOT_PUBLISHED, ("40GP",)) in [(u.code, u.container, u.reason, u.published_for)
                                                        for u in unknowns]


def test_direction_must_match_and_both_matches_either():
    """Import items never price an export; "both" prices either; the own direction wins."""
    specs = [{"code": "DOC", "unit": "per_bill", "direction": "import", "amount": "400"},
             {"code": "EIR", "unit": "per_container", "direction": "both", "amount": "40"},
             {"code": "CUSTOMS_BROKER", "unit": "per_bill", "direction": "both", "amount": "250"},
             {"code": "CUSTOMS_BROKER", "unit": "per_bill", "direction": "export", "amount": "200"}]
    _, lines, unknowns = priced(specs, shipment(direction="export", **{"20GP": 1}))
    assert [(line.code, line.total) for line in lines] == [("EIR", D("40.00")), ("CUSTOMS_BROKER", D("200.00"))]
    assert ("DOC", NOT_PUBLISHED) in [(u.code, u.reason) for u in unknowns]
    _, lines, _ = priced(specs, shipment(direction="import", **{"20GP": 1}))
    assert [(line.code, line.total) for line in lines] == [
        ("EIR", D("40.00")), ("DOC", D("400.00")), ("CUSTOMS_BROKER", D("250.00"))]


def test_reefer_power_applies_to_reefer_containers_only():
    """REEFER for any container still only counts reefer containers, by the day."""
    s = shipment(**{"20GP": 1, "20RF": 2, "40RH": 1}, days=3)
    _, lines, _ = priced([{"code": "REEFER", "unit": "per_container_day", "amount": "150"}], s)
    assert [(line.containers, line.quantity, line.measure, line.total) for line in lines] == [
        (("20RF", "40RH"), D(3), D(3), D("1350.00"))]  # 3 reefers × 3 days × 150


def test_tiered_storage_per_container_and_the_minimum_charge_per_line():
    """Tiers per container, times containers; the minimum lifts a line's total."""
    s = shipment(**{"20GP": 2, "40HQ": 1}, days=12)
    specs = [{"code": "STORAGE", "unit": "per_container_day", "container": "20GP", "min_amount": "100",
              "tiers": [{"from": "1", "to": "3", "amount": "0"}, {"from": "4", "to": None, "amount": "25"}]},
             {"code": "STORAGE", "unit": "per_container_day", "container": "40HQ", "min_amount": "1000",
              "tiers": [{"from": "1", "to": "3", "amount": "0"}, {"from": "4", "to": None, "amount": "50"}]}]
    _, lines, _ = priced(specs, s)
    storage = [(line.per_unit, line.computed, line.minimum_applied, line.total) for line in lines]
    assert storage == [(D(225), D(450), False, D("450.00")), (D(450), D(450), True, D("1000.00"))]
    _, lines, _ = priced(specs, shipment(**{"20GP": 1}, days=2))
    assert (lines[0].computed, lines[0].minimum_applied, lines[0].total) == (D(0), True, D("100.00"))


def test_units_the_estimate_cannot_convert_tier_gaps_and_other_currencies_are_unknown():
    """Every reason a fee is unknown, in the needs' order."""
    s = shipment(**{"20GP": 1}, days=6)
    currency, lines, unknowns = priced([
        {"code": "THC", "unit": "per_teu", "amount": "380"},
        {"code": "PORT_PACKAGE", "unit": "per_container", "amount": "480"},
        {"code": "CARGO_DUES", "unit": "per_container", "amount": "32"},
        {"code": "SECURITY", "unit": "per_container", "amount": "2", "currency": "USD"},
        {"code": "STORAGE", "unit": "per_container_day",
         "tiers": [{"from": "1", "to": "4", "amount": "0"}, {"from": "7", "to": None, "amount": "10"}]},
    ], s)
    assert currency == "CNY" and [line.code for line in lines] == ["PORT_PACKAGE", "CARGO_DUES"]
    assert [(u.code, u.reason) for u in unknowns] == [
        ("THC", OTHER_UNIT), ("SECURITY", OTHER_CURRENCY), ("TALLY", NOT_PUBLISHED), ("EIR", NOT_PUBLISHED),
        ("STORAGE", TIER_GAP), ("DOC", NOT_PUBLISHED), ("CUSTOMS_BROKER", NOT_PUBLISHED)]


def test_items_for_dangerous_goods_or_empties_do_not_price_a_general_shipment():
    """Only general-cargo items apply; a stated class beats the catch-all."""
    _, lines, _ = priced([{"code": "EIR", "unit": "per_container", "cargo_class": "dangerous", "amount": "90"},
                          {"code": "EIR", "unit": "per_container", "cargo_class": "general", "amount": "45"},
                          {"code": "EIR", "unit": "per_container", "amount": "40"}], shipment(**{"20GP": 1}))
    assert [(line.code, line.total) for line in lines] == [("EIR", D("45.00"))]  # stated class beats catch-all


def test_line_totals_round_half_up_to_cents_only_at_the_end():
    """0.125 becomes 0.13 (half up), at the line total only."""
    s = shipment(line="ecommerce", cbm="0.125", warehouse_days=1)
    _, lines, _ = priced([{"code": "EC_WAREHOUSE", "unit": "per_cbm_day", "amount": "1.00"}], s,
                         kind="ecommerce_logistics")
    assert (lines[0].computed, lines[0].total) == (D("0.125"), D("0.13"))  # half-up, not half-even


# -- e-commerce ----------------------------------------------------------------------------------

def test_ecommerce_lines_per_order_parcel_kg_and_cubic_metre_day():
    # 100 orders in 120 parcels weighing 250 kg: 2.08 kg a parcel, charged as 3 kg each
    # (part of a kg counts as a kg); 2.5 m³ for 40 days.
    """Orders, parcels, kilograms per parcel and cubic metre-days, by hand."""
    s = shipment(line="ecommerce", direction="import", orders=100, parcels=120, kg="250", cbm="2.5",
                 warehouse_days=40)
    _, lines, unknowns = priced([
        {"code": "EC_CLEARANCE", "unit": "per_order", "direction": "import", "amount": "5"},
        {"code": "EC_PICK_PACK", "unit": "per_parcel", "amount": "2"},
        {"code": "EC_DELIVERY", "unit": "per_kg",
         "tiers": [{"from": "1", "to": "1", "amount": "8"}, {"from": "2", "to": None, "amount": "2.5"}]},
        {"code": "EC_WAREHOUSE", "unit": "per_cbm_day", "min_amount": "50",
         "tiers": [{"from": "1", "to": "30", "amount": "1.8"}, {"from": "31", "to": "90", "amount": "2.5"},
                   {"from": "91", "to": None, "amount": "3.5"}]},
    ], s, kind="ecommerce_logistics")
    assert [(line.code, line.quantity, line.measure, line.total) for line in lines] == [
        ("EC_CLEARANCE", D(100), None, D("500.00")),
        ("EC_PICK_PACK", D(120), None, D("240.00")),
        ("EC_DELIVERY", D(120), D(3), D("1560.00")),  # 120 × (8 + 2×2.50)
        ("EC_WAREHOUSE", D("2.5"), D(40), D("197.50")),  # 2.5 × (30×1.80 + 10×2.50) = 2.5 × 79
    ]
    assert [u.code for u in unknowns] == ["EC_DECLARATION", "EC_LABEL"]


# -- the whole market -----------------------------------------------------------------------------

def test_the_small_market_by_hand():
    """The whole small market: groups, expected fees, totals, ranks and unknowns."""
    result = estimate(rows_of(MARKET), shipment(**SHIPMENT_ARGS))
    assert [(g.kind, g.currency, g.expected) for g in result.groups] == [
        ("container_terminal", "CNY", ("PORT_PACKAGE", "CARGO_DUES", "STORAGE", "LIFT_INSPECTION")),
        ("shipping_line", "CNY", ("THC", "EIR", "DOC")),
        ("customs_broker", "CNY", ("CUSTOMS_BROKER",)),
    ]
    assert {e.entity: e.total for g in result.groups for e in g.entities} == EXPECTED_TOTALS
    terminals = result.groups[0].entities
    assert [(e.entity, e.rank, e.complete, e.unknown_codes) for e in terminals] == [
        ("a-terminal", 1, True, []), ("b-terminal", None, False, ["CARGO_DUES"])]
    b = one(result, "b-terminal")
    assert [(u.code, u.container, u.quantity) for u in b.unknowns] == [("CARGO_DUES", "20GP", 2),
                                                                       ("CARGO_DUES", "40HQ", 1)]
    assert [(line.code, line.total, line.minimum_applied) for line in b.lines] == [
        ("PORT_PACKAGE", D("1000.00"), False), ("PORT_PACKAGE", D("700.00"), False),
        ("STORAGE", D("450.00"), False), ("STORAGE", D("1000.00"), True), ("LIFT_INSPECTION", D("400.00"), False)]
    a_storage = next(line for line in one(result, "a-terminal").lines if line.code == "STORAGE")
    assert (a_storage.quantity, a_storage.measure, a_storage.per_unit, a_storage.total) == (
        D(3), D(12), D(200), D("600.00"))


def test_kinds_nobody_charges_for_this_shipment_are_left_out_and_other_lines_ignored():
    """Pilotage and e-commerce entities have no group in a port shipment's estimate."""
    market = MARKET + [("p-pilot", "pilotage", "引航", "Pilot", [
        {"code": "PILOTAGE", "unit": "per_vessel_call", "amount": "3200"}])]
    rows = rows_of(market) + rows_of([("e-shop", "ecommerce_logistics", "电商", "Shop", [
        {"code": "EC_CLEARANCE", "unit": "per_order", "amount": "5"}])], line="ecommerce")
    kinds = [g.kind for g in estimate(rows, shipment(**SHIPMENT_ARGS)).groups]
    assert kinds == ["container_terminal", "shipping_line", "customs_broker"]


def item_counts(rows: list[dict]) -> list[dict]:
    """What fees.services.market.item_counts gives for these rows: each entity's items
    counted by currency."""
    names = ("entity", "entity_kind", "entity_name_zh", "entity_name_en", "business_line", "currency")
    counted: dict[tuple, int] = {}
    for row in rows:
        key = tuple(row[name] for name in names)
        counted[key] = counted.get(key, 0) + 1
    return [{**dict(zip(names, key)), "items": n} for key, n in counted.items()]


@pytest.mark.parametrize("args", [SHIPMENT_ARGS, {"20GP": "1"}, {"direction": "export", "40HQ": "2", "days": "3"},
                                  {"20RF": "1", "days": "2", "trucking": "1"}])
def test_only_the_items_that_can_price_the_shipment_are_needed_with_all_items_counted(args):
    """The service reads as items only those that can price the shipment's fees (its
    codes, its direction, general cargo) and counts every item by currency: the answer is
    the same, including entities that publish none of the fees incurred (every expected
    fee unknown) and whose currency comes from their other items."""
    market = MARKET + [
        ("u-line", "shipping_line", "美元", "USD Line", [  # nothing any shipment here can price
            {"code": "TRUCKING", "unit": "per_container", "amount": "90", "currency": "USD"},
            {"code": "CLEANING", "unit": "per_container", "amount": "10", "currency": "USD"},
            {"code": "DOC", "unit": "per_bill", "direction": "import", "amount": "300"}]),
        ("m-line", "shipping_line", "混合", "Mixed Line", [
            {"code": "THC", "unit": "per_container", "container": "45HQ", "amount": "1300"},
            {"code": "THC", "unit": "per_container", "cargo_class": "dangerous", "amount": "2000", "currency": "USD"},
            {"code": "REEFER", "unit": "per_container_day", "amount": "20", "currency": "USD"},
            {"code": "FUMIGATION", "unit": "per_container", "amount": "15", "currency": "USD"}]),
    ]
    rows, s = rows_of(market), shipment(**args)
    incurred, fields = {n.rule.code for n in needs(s)}, priceable(s.direction)
    can_price = [r for r in rows if r["code"] in incurred and all(r[k] in v for k, v in fields.items())]
    assert len(can_price) < len(rows)
    narrow = estimate(can_price, s, {}, item_counts(rows))
    assert narrow == estimate(rows, s, {})
    assert any(e.entity == "u-line" for g in narrow.groups for e in g.entities)


def test_inspection_sites_are_compared_on_the_inspection_lift_only():
    """An inspection site's storage is not priced with yard days."""
    market = [("i-site", "inspection_site", "查验", "Site", [
        {"code": "LIFT_INSPECTION", "unit": "per_container", "amount": "380"},
        {"code": "STORAGE", "unit": "per_container_day", "amount": "50"}])]
    result = estimate(rows_of(market), shipment(**SHIPMENT_ARGS))
    site = one(result, "i-site")
    assert [(line.code, line.total) for line in site.lines] == [("LIFT_INSPECTION", D("380.00"))] and site.complete
    assert estimate(rows_of(market), shipment(**{"20GP": 1}, days=5)).groups == ()  # nothing inspected


def test_an_entity_that_publishes_in_two_currencies_is_ranked_in_its_main_one():
    """Currencies are never added: the minority currency's fees become unknown."""
    market = [("usd-line", "shipping_line", "美元", "USD Line", [
        {"code": "THC", "unit": "per_container", "amount": "110", "currency": "USD"},
        {"code": "EIR", "unit": "per_container", "amount": "6", "currency": "USD"},
        {"code": "DOC", "unit": "per_bill", "amount": "400"}]), MARKET[2]]
    result = estimate(rows_of(market), shipment(**{"20GP": 1}))
    assert [(g.currency, [e.entity for e in g.entities]) for g in result.groups] == [
        ("CNY", ["l-line"]), ("USD", ["usd-line"])]
    usd = one(result, "usd-line")
    assert usd.total == D("116.00") and usd.unknown_codes == ["DOC"]


def test_ranking_complete_first_equal_totals_share_a_rank():
    """Complete totals ranked cheapest first, ties share a rank, incomplete unranked last."""
    def entity(slug, total, complete=True):
        """An entity of one line with this total, complete or not."""
        from fees.estimate.pricing import Unknown
        line = price_line_of(total)
        return EntityEstimate(slug, slug, slug, "yard", "CNY", (line,),
                              () if complete else (Unknown("EIR", "", D(1), NOT_PUBLISHED),))
    ranked = rank([entity("d", "300"), entity("c", "50", complete=False), entity("b", "200"),
                   entity("a", "200"), entity("e", "900")])
    assert [(e.entity, e.rank) for e in ranked] == [("a", 1), ("b", 1), ("d", 3), ("e", 4), ("c", None)]


def price_line_of(total: str):
    """A one-container line of this total."""
    from fees.estimate.pricing import price_line
    from fees.estimate.rules import RULES, Need

    item = canonical({"code": "EIR", "unit": "per_container", "amount": total})
    return price_line(item, [Need(RULES[5], "20GP", D(1), None)])


# -- reading the parameters -------------------------------------------------------------------------

def test_defaults_and_a_round_trip_through_the_query_string():
    """Defaults (port, today, one bill, declarations = bills) and query() read back."""
    request = read_request({"20GP": "2", "bills": "3"}, date(2025, 5, 1))
    s = request.shipment
    assert (request.port, request.on, s.line, s.direction) == ("CNXMN", date(2025, 5, 1), "port", "import")
    assert (s.days, s.bills, s.declarations, s.services) == (0, 3, 3, frozenset())  # declarations = bills
    assert read_request({"20GP": "2"}, date(2025, 5, 1)).shipment.bills == 1
    full = read_request({**SHIPMENT_ARGS, "trucking": "1", "on": "2024-02-29", "port": "cnxmn"}, date(2025, 5, 1))
    assert read_request(full.query(), date(2000, 1, 1)) == full
    ec = read_request({"line": "ecommerce", "orders": "3", "parcels": "4", "kg": "7.5"}, date(2025, 5, 1))
    assert read_request(ec.query(), date(2000, 1, 1)) == ec
    assert ec.shipment.as_dict() == {"line": "ecommerce", "direction": "import", "orders": 3, "parcels": 4,
                                     "kg": "7.5", "cbm": "0", "warehouse_days": 0}


@pytest.mark.parametrize("args, fields", [
    ({"20GP": "-1"}, ["20GP"]),  # no "give at least one container" on top of it
    ({"20GP": "1.5"}, ["20GP"]),
    ({"40HQ": "1000000000"}, ["40HQ"]),
    ({"20GP": "6000", "40HQ": "6000"}, ["containers"]),
    ({"22XX": "1", "20GP": "1"}, ["22XX"]),
    ({"20GP": "1", "inspected_99ZZ": "1"}, ["inspected_99ZZ"]),
    ({"20GP": "1", "inspected_20GP": "2"}, ["inspected_20GP"]),
    ({}, ["containers"]),
    ({"20GP": "1", "days": "366", "bills": "x", "trucking": "maybe"}, ["days", "bills", "trucking"]),
    ({"20GP": "1", "on": "2025-02-30", "port": "Xiamen", "line": "air", "direction": "both"},
     ["port", "on", "line", "direction"]),
    ({"line": "ecommerce"}, ["orders"]),
    ({"line": "ecommerce", "kg": "12"}, ["parcels"]),
    ({"line": "ecommerce", "orders": "-3", "kg": "1e3", "cbm": "0.0001"}, ["orders", "kg", "cbm"]),
])
def test_bad_parameters_are_refused_with_each_field(args, fields):
    """Every bad parameter is named, in the order read."""
    with pytest.raises(DomainError) as raised:
        read_request(args, date(2025, 5, 1))
    assert [e.field for e in raised.value.errors] == fields


def test_what_counts_as_describing_a_shipment():
    """The page answers only once something about a shipment is asked."""
    assert not describes_shipment({}) and not describes_shipment({"lang": "en", "port": "CNXMN", "on": "2025-01-01"})
    assert describes_shipment({"line": "port"}) and describes_shipment({"99ZZ": "1"})


def test_the_other_lines_parameters_are_ignored():
    """A form that shows both lines can be submitted whole."""
    assert read_request({"20GP": "1", "kg": "lots"}, date(2025, 5, 1)).shipment.kg == 0
    assert read_request({"line": "ecommerce", "orders": "1", "20GP": "-5"}, date(2025, 5, 1)).shipment.orders == 1


def test_strictly_the_other_lines_parameters_must_still_be_well_formed():
    """The API's reading: `inspected_40HQ=true` is a mistake whichever line is asked for."""
    with pytest.raises(DomainError) as caught:
        read_request({"line": "ecommerce", "orders": "1", "inspected_40HQ": "true"}, date(2025, 5, 1), strict=True)
    assert [e.field for e in caught.value.errors] == ["inspected_40HQ"]
    with pytest.raises(DomainError) as caught:
        read_request({"20GP": "1", "kg": "lots"}, date(2025, 5, 1), strict=True)
    assert [e.field for e in caught.value.errors] == ["kg"]
    assert read_request({"line": "ecommerce", "orders": "1", "20GP": ""}, date(2025, 5, 1), strict=True).shipment.orders == 1
