"""The pure diff of two versions' items."""
from __future__ import annotations

from decimal import Decimal

from fees.diff import diff_items, percent_change


def item(code="THC", amount="850.00", container="40HQ", **extra):
    base = {"code": code, "name_zh": "码头操作费", "name_en": "THC", "service": "", "unit": "per_container",
            "container": container, "direction": "export", "cargo_class": "", "amount": amount,
            "currency": "CNY", "min_amount": None, "tiers": [], "legal_basis": "", "notes": ""}
    return {**base, **extra}


def test_added_removed_changed_unchanged():
    old = [item(), item(container="20GP", amount="600.00"), item(code="DOC", container="", amount="400.00")]
    new = [item(amount="935.00"), item(code="DOC", container="", amount="400.00"), item(code="EIR", container="", amount="40.00")]
    diff = diff_items(old, new)
    assert [(c.status, c.key[0], c.key[1]) for c in diff.changes] == [
        ("changed", "THC", "40HQ"), ("unchanged", "DOC", ""), ("added", "EIR", ""), ("removed", "THC", "20GP"),
    ]
    thc = diff.changes[0]
    assert thc.amount_change == Decimal("85.00") and thc.amount_change_pct == Decimal("10.00")
    assert thc.changed_fields == ("amount",) and thc.raises_charges and not thc.lowers_charges
    assert diff.summary() == {"added": 1, "removed": 1, "changed": 1, "unchanged": 1, "increases": 2, "reductions": 1}


def test_wording_change_is_neither_increase_nor_reduction():
    change = diff_items([item()], [item(service="装卸船及场内搬移")]).changes[0]
    assert change.status == "changed" and change.wording_only
    assert not change.raises_charges and not change.lowers_charges


def test_direction_and_cargo_class_are_part_of_the_key():
    diff = diff_items([item(direction="import")], [item(direction="export")])
    assert [c.status for c in diff.changes] == ["added", "removed"]


def test_tier_rate_changes():
    old = [item(code="STORAGE", amount="20.00", tiers=[{"from": "1", "to": "4", "amount": "0.00"},
                                                      {"from": "5", "to": None, "amount": "20.00"}])]
    longer_free = [item(code="STORAGE", amount="20.00", tiers=[{"from": "1", "to": "7", "amount": "0.00"},
                                                               {"from": "8", "to": None, "amount": "20.00"}])]
    shorter_free = [item(code="STORAGE", amount="20.00", tiers=[{"from": "1", "to": "2", "amount": "0.00"},
                                                                {"from": "3", "to": None, "amount": "20.00"}])]
    assert diff_items(old, longer_free).changes[0].lowers_charges
    assert not diff_items(old, longer_free).changes[0].raises_charges
    assert diff_items(old, shorter_free).changes[0].raises_charges


def test_minimum_charge_changes():
    assert diff_items([item()], [item(min_amount="100.00")]).changes[0].raises_charges
    assert diff_items([item(min_amount="100.00")], [item()]).changes[0].lowers_charges


def test_percent_change():
    assert percent_change(Decimal("850"), Decimal("800")) == Decimal("-5.88")
    assert percent_change(Decimal("0"), Decimal("10")) is None
