"""The pure comparison functions (fees.compare) on hand-computed cases, without the app."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fees.compare import (
    Summary,
    compare,
    difference_from,
    median,
    missing_entities,
    pick_currency,
    rank_rows,
    resolve_variant,
    summarise,
    variants_available,
)
from fees.diff import item_key

D = Decimal
THC_40HQ_EXPORT = {"container": "40HQ", "direction": "export", "cargo_class": "", "unit": "per_container"}
_ids = iter(range(1, 10_000))


def row(entity: str, amount: str, *, code: str = "THC", kind: str = "shipping_line", currency: str = "CNY",
        business_line: str = "port", schedule: str = "local", tiers: list | None = None, **variant) -> dict:
    """A plain row as fees.services.market.items_in_effect gives it (only what matters here)."""
    return {
        "entity": entity, "entity_name_zh": f"{entity}（中文）", "entity_name_en": entity.title(),
        "entity_kind": kind, "port": "CNXMN", "schedule": schedule, "business_line": business_line,
        "version": 1, "effective_from": date(2024, 1, 1), "item_id": next(_ids),
        "code": code, **THC_40HQ_EXPORT, **variant, "amount": amount, "currency": currency,
        "min_amount": None, "tiers": tiers or [], "name_zh": "码头操作费", "name_en": "THC", "legal_basis": "",
    }


def ranking(ranked) -> list[tuple]:
    """(rank, entity, amount, difference, percent) of each ranked row."""
    return [(r.rank, r.row["entity"], r.amount, r.difference, r.difference_pct) for r in ranked]


# -- median and summary ---------------------------------------------------------------

def test_median_of_an_odd_count_is_the_middle_amount():
    """Three amounts: the middle one."""
    assert median([D("900.00"), D("800.00"), D("850.00")]) == D("850.00")


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    """Four amounts: (850 + 900) / 2."""
    assert median([D("1000.00"), D("800.00"), D("900.00"), D("850.00")]) == D("875.00")


def test_median_rounds_half_a_cent_up():
    """A mean ending in half a cent rounds up, never to even."""
    assert median([D("850.01"), D("850.02")]) == D("850.02")  # 850.015 → 850.02
    assert median([D("0.01"), D("0.02")]) == D("0.02")
    assert median([D("1.00"), D("2.01")]) == D("1.51")  # 1.505 → 1.51, never banker's 1.50


def test_median_of_nothing_is_refused_and_an_empty_summary_has_no_numbers():
    """No amounts: no median, an empty summary."""
    with pytest.raises(ValueError):
        median([])
    assert summarise([]) == Summary(0, None, None, None)


def test_summary_counts_and_bounds():
    """Count, minimum, median and maximum."""
    assert summarise([D("5.00"), D("1.00"), D("3.00")]) == Summary(3, D("1.00"), D("3.00"), D("5.00"))


def test_difference_from_the_median_is_exact_and_signed():
    """Signed amount and percent, half-up to two decimals; no percent of zero."""
    assert difference_from(D("800.00"), D("875.00")) == (D("-75.00"), D("-8.57"))  # -8.5714…
    assert difference_from(D("1000.00"), D("875.00")) == (D("125.00"), D("14.29"))  # 14.2857…
    assert difference_from(D("10.00"), D("0.00")) == (D("10.00"), None)  # no percent of zero


# -- ranking --------------------------------------------------------------------------

def test_ranking_cheapest_first_with_differences_from_the_median():
    """Four entities ranked, each measured against the median 875."""
    rows = [row("delta", "1000.00"), row("alpha", "850.00"), row("charlie", "900.00"), row("bravo", "800.00")]
    ranked, summary = rank_rows(rows)
    assert summary == Summary(4, D("800.00"), D("875.00"), D("1000.00"))
    assert ranking(ranked) == [
        (1, "bravo", D("800.00"), D("-75.00"), D("-8.57")),
        (2, "alpha", D("850.00"), D("-25.00"), D("-2.86")),
        (3, "charlie", D("900.00"), D("25.00"), D("2.86")),
        (4, "delta", D("1000.00"), D("125.00"), D("14.29")),
    ]


def test_ties_keep_distinct_ranks_in_entity_slug_order():
    """Equal amounts get successive ranks in slug order."""
    rows = [row("zulu", "850.00"), row("mike", "700.00"), row("alpha", "850.00"), row("kilo", "850.00")]
    ranked, summary = rank_rows(rows)
    assert [(r.rank, r.row["entity"]) for r in ranked] == [(1, "mike"), (2, "alpha"), (3, "kilo"), (4, "zulu")]
    assert summary.median == D("850.00")
    assert [r.difference for r in ranked] == [D("-150.00"), D("0.00"), D("0.00"), D("0.00")]


def test_amounts_compare_as_numbers_not_strings():
    """"95.00" is cheaper than "850.00" and "1000.00"."""
    ranked, _ = rank_rows([row("a", "1000.00"), row("b", "95.00"), row("c", "850.00")])
    assert [r.row["entity"] for r in ranked] == ["b", "c", "a"]


def test_a_zero_median_has_no_percentages():
    """With a zero median, differences are amounts only."""
    ranked, summary = rank_rows([row("a", "0.00"), row("b", "0.00"), row("c", "10.00")])
    assert summary.median == D("0.00")
    assert ranking(ranked) == [(1, "a", D("0.00"), D("0.00"), None), (2, "b", D("0.00"), D("0.00"), None),
                               (3, "c", D("10.00"), D("10.00"), None)]


def test_tiered_items_rank_by_their_first_charged_rate():
    """Tiered fees rank by `amount` (the first charged rate), bands kept."""
    # amount is the first charged tier's rate (the item rules make it so): 20, 15, 25
    storage = {"code": "STORAGE", "container": "20GP", "direction": "both", "unit": "per_container_day"}
    rows = [
        row("a", "20.00", tiers=[{"from": "1", "to": "4", "amount": "0.00"},
                                 {"from": "5", "to": None, "amount": "20.00"}], **storage),
        row("b", "15.00", tiers=[{"from": "1", "to": "2", "amount": "0.00"},
                                 {"from": "3", "to": "10", "amount": "15.00"},
                                 {"from": "11", "to": None, "amount": "60.00"}], **storage),
        row("c", "25.00", tiers=[{"from": "1", "to": "7", "amount": "0.00"},
                                 {"from": "8", "to": None, "amount": "25.00"}], **storage),
    ]
    ranked, summary = rank_rows(rows)
    assert [(r.rank, r.row["entity"]) for r in ranked] == [(1, "b"), (2, "a"), (3, "c")]
    assert summary == Summary(3, D("15.00"), D("20.00"), D("25.00"))
    assert ranked[0].row["tiers"][2]["amount"] == "60.00"  # the bands travel with the row


# -- variants -------------------------------------------------------------------------

def test_variants_are_counted_by_entity_most_published_first():
    """Variant counts are distinct entities, most published first."""
    rows = [
        row("a", "850.00"), row("b", "800.00"), row("c", "900.00"),
        row("a", "500.00", container="20GP"), row("b", "480.00", container="20GP"),
        row("a", "510.00", container="20GP", schedule="second"),  # same entity twice counts once
        row("d", "700.00", container="40GP", direction="import"),
        row("a", "50.00", code="DOC", container="", unit="per_bill"),
    ]
    assert variants_available(rows, "THC") == [
        {**THC_40HQ_EXPORT, "entities": 3},
        {"container": "20GP", "direction": "export", "cargo_class": "", "unit": "per_container", "entities": 2},
        {"container": "40GP", "direction": "import", "cargo_class": "", "unit": "per_container", "entities": 1},
    ]
    assert variants_available(rows, "NOPE") == []


def test_a_partial_variant_resolves_to_the_most_published_one_that_agrees():
    """Fields left out are filled from the most published agreeing variant."""
    variants = [
        {**THC_40HQ_EXPORT, "entities": 3},
        {"container": "20GP", "direction": "export", "cargo_class": "", "unit": "per_container", "entities": 2},
        {"container": "20GP", "direction": "import", "cargo_class": "", "unit": "per_container", "entities": 1},
    ]
    nothing = dict.fromkeys(THC_40HQ_EXPORT)
    assert resolve_variant(variants, nothing) == THC_40HQ_EXPORT
    assert resolve_variant(variants, {**nothing, "container": "20GP"})["direction"] == "export"
    assert resolve_variant(variants, {**nothing, "direction": "import"})["container"] == "20GP"
    assert resolve_variant(variants, {**nothing, "cargo_class": ""}) == THC_40HQ_EXPORT  # "" is a value
    assert resolve_variant(variants, {**nothing, "container": "45HQ"}) is None
    assert resolve_variant([], nothing) is None


# -- currencies -----------------------------------------------------------------------

def test_the_compared_currency_is_the_most_used_cny_first_on_a_tie():
    """The most used currency, CNY on a tie, else the alphabet."""
    assert pick_currency([row("a", "1", currency="USD"), row("b", "1"), row("c", "1", currency="USD")]) == "USD"
    assert pick_currency([row("a", "1", currency="USD"), row("b", "1")]) == "CNY"
    assert pick_currency([row("a", "1", currency="USD"), row("b", "1", currency="EUR")]) == "EUR"
    assert pick_currency([row("a", "1")], "HKD") == "HKD"
    assert pick_currency([]) is None


def test_currencies_are_never_mixed():
    """Other currencies are counted apart and can be ranked on their own."""
    rows = [row("a", "850.00"), row("b", "800.00"), row("c", "900.00"), row("usd-line", "120.00", currency="USD")]
    in_cny = compare(rows, "THC", THC_40HQ_EXPORT, "port")
    assert in_cny.currency == "CNY" and in_cny.other_currencies == {"USD": 1}
    assert [r.row["entity"] for r in in_cny.ranked] == ["b", "a", "c"]
    assert in_cny.summary == Summary(3, D("800.00"), D("850.00"), D("900.00"))
    in_usd = compare(rows, "THC", THC_40HQ_EXPORT, "port", currency="USD")
    assert in_usd.currency == "USD" and in_usd.other_currencies == {"CNY": 3}
    assert ranking(in_usd.ranked) == [(1, "usd-line", D("120.00"), D("0.00"), D("0.00"))]
    assert in_usd.missing == in_cny.missing == []  # publishing in another currency is publishing


# -- who is missing -------------------------------------------------------------------

def test_missing_entities_are_of_the_right_line_and_kind_without_this_key():
    """Missing: the code's business line, a kind that publishes the code, no such key."""
    key = item_key({"code": "THC", **THC_40HQ_EXPORT})
    rows = [
        row("alpha", "850.00"),
        row("echo", "450.00", kind="shipping_agency", container="20GP"),  # THC, but not this variant
        row("echo", "50.00", kind="shipping_agency", code="DOC", container="", unit="per_bill"),
        row("foxtrot", "9000.00", kind="towage", code="TOWAGE", container="", unit="per_vessel_call"),
        row("golf", "15.00", code="EC_CLEARANCE", business_line="ecommerce", container="", unit="per_order"),
        row("hotel", "30.00", code="DOC", container="", unit="per_bill"),  # a line without any THC
    ]
    missing = missing_entities(rows, "THC", key, "port")
    assert [m["entity"] for m in missing] == ["echo", "hotel"]
    assert missing[0] == {"entity": "echo", "entity_name_zh": "echo（中文）", "entity_name_en": "Echo",
                          "entity_kind": "shipping_agency"}


def test_compare_puts_it_together_and_an_unpublished_variant_is_empty():
    """The whole comparison, and one of a variant nobody publishes."""
    rows = [row("a", "850.00"), row("b", "800.00")]
    found = compare(rows, "THC", THC_40HQ_EXPORT, "port")
    assert found.key == {"code": "THC", **THC_40HQ_EXPORT}
    assert found.amounts == [D("800.00"), D("850.00")] and found.summary.median == D("825.00")
    nobody = compare(rows, "THC", {**THC_40HQ_EXPORT, "container": "45HQ"}, "port")
    assert nobody.ranked == [] and nobody.currency is None and nobody.summary == Summary()
    assert [m["entity"] for m in nobody.missing] == ["a", "b"]
