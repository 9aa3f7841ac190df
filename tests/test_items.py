"""Validation of fee items (pure) and of the registry's inputs."""
from __future__ import annotations

from decimal import Decimal

import pytest

from fees.errors import DomainError
from fees.items import clean_item
from fees.services import drafts
from tests import factories as f


def fields(errors):
    return [e.field for e in errors]


def test_a_good_item_is_cleaned(app):
    clean, errors = clean_item(f.thc("1200.5"), default_currency="CNY")
    assert errors == []
    assert clean["amount"] == Decimal("1200.50")
    assert clean["currency"] == "CNY" and clean["direction"] == "export" and clean["cargo_class"] == ""


@pytest.mark.parametrize("amount, ok", [
    ("0", True), ("12.5", True), ("12.50", True), ("12.500", True), ("12.505", False), ("-1", False),
    ("abc", False), ("NaN", False), ("1e3", True), ("1000000000000", False), (12.5, False),
])
def test_amount_rules(app, amount, ok):
    _, errors = clean_item(f.thc(amount), default_currency="CNY", row=7)
    assert (errors == []) is ok
    if not ok:
        assert errors[0].field == "amount" and errors[0].row == 7


@pytest.mark.parametrize("currency, ok", [("CNY", True), ("usd", True), ("RMB", False), ("XX", False)])
def test_currency_is_iso_4217(app, currency, ok):
    _, errors = clean_item(f.thc(currency=currency), default_currency="CNY")
    assert (errors == []) is ok


@pytest.mark.parametrize("field, value", [
    ("unit", "per_bucket"), ("container", "30GP"), ("direction", "sideways"),
    ("cargo_class", "gold"), ("code", "thc fee"), ("name_zh", ""),
])
def test_controlled_fields(app, field, value):
    _, errors = clean_item({**f.thc(), field: value}, default_currency="CNY")
    assert field in fields(errors)


def test_tiered_amount_defaults_to_first_charged_rate(app):
    clean, errors = clean_item(f.storage(), default_currency="CNY")
    assert errors == []
    assert clean["amount"] == Decimal("20.00")
    assert [t["to_qty"] for t in clean["tiers"]] == [Decimal("4"), Decimal("10"), None]


def test_tiered_amount_must_match_first_charged_rate(app):
    _, errors = clean_item(f.storage(amount="40"), default_currency="CNY")
    assert fields(errors) == ["amount"]


@pytest.mark.parametrize("tiers", [
    [{"from": "1", "to": "5", "amount": "0"}, {"from": "5", "to": None, "amount": "20"}],   # overlap
    [{"from": "1", "to": None, "amount": "0"}, {"from": "5", "to": None, "amount": "20"}],  # open not last
    [{"from": "5", "to": "1", "amount": "0"}],                                              # reversed
    [{"from": "1", "to": "4", "amount": "-3"}],                                             # negative
])
def test_bad_tiers(app, tiers):
    _, errors = clean_item(f.storage(tiers=tiers), default_currency="CNY")
    assert "tiers" in fields(errors)


def test_all_row_errors_are_reported_at_once_and_nothing_is_saved(session):
    sched = f.schedule(session)
    items = [f.thc("850"), f.thc("-1", container="20GP"), f.thc("900"), {**f.thc(), "unit": "x", "container": "20GP"}]
    with pytest.raises(DomainError) as err:
        drafts.create_draft(session, sched, items=items)
    found = sorted((e.row, e.field) for e in err.value.errors)
    assert found == [(2, "amount"), (3, "code"), (4, "unit")]
    assert drafts.drafts_of(session, sched.id) == []


def test_duplicate_key_in_a_draft_is_refused(session):
    sched = f.schedule(session)
    draft = drafts.create_draft(session, sched, items=[f.thc("850")])
    with pytest.raises(DomainError) as err:
        drafts.add_item(session, draft.id, f.thc("900"))
    assert err.value.code == "duplicate"
    # The same code for another container is another fee.
    drafts.add_item(session, draft.id, f.thc("600", container="20GP"))


def test_entity_credit_code_check_character(session):
    good = f.valid_uscc(424242)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(DomainError) as err:
        f.entity(session, uscc=bad)
    assert fields(err.value.errors) == ["uscc"]
    assert f.entity(session, uscc=good).uscc == good


def test_entity_rules(session):
    f.port(session)
    from fees.services import registry

    with pytest.raises(DomainError) as err:
        registry.create_entity(session, slug="Bad Slug", name_zh="", kind="bank", port_locode="CNXXX",
                               uscc="123", website="ftp://x")
    assert sorted(fields(err.value.errors)) == ["kind", "name_zh", "port", "slug", "uscc", "website"]
    one = f.entity(session, slug="one")
    with pytest.raises(DomainError):
        f.entity(session, slug="one")
    with pytest.raises(DomainError):
        f.entity(session, uscc=one.uscc)


def test_schedule_rules(session):
    owner = f.entity(session)
    with pytest.raises(DomainError) as err:
        f.schedule(session, owner, slug="x", business_line="space", currency="RMB")
    assert sorted(fields(err.value.errors)) == ["business_line", "currency"]
    f.schedule(session, owner, slug="x")
    with pytest.raises(DomainError):
        f.schedule(session, owner, slug="x")
