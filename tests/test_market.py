"""Items in effect on a day, across the market."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from fees.canonical import item_content
from fees.models import FeeItem, ScheduleVersion
from fees.services import publishing
from fees.services.market import (
    item_counts,
    items_in_effect,
    schedules_in_effect,
    variant_counts,
    version_ids_in_effect,
)
from tests import factories as f


def test_items_in_effect_follow_the_calendar(session):
    a = f.schedule(session, f.entity(session, slug="a-terminal"))
    b = f.schedule(session, f.entity(session, slug="b-broker", kind="customs_broker"))
    f.publish(session, a, [f.thc("850")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    f.publish(session, a, [f.thc("900")], effective=date(2023, 3, 1), now=f.utc(2023, 1, 10))
    upcoming = f.publish(session, a, [f.thc("990")], effective=date(2031, 1, 1), now=f.utc(2030, 1, 1))
    f.publish(session, b, [f.thc("700")], effective=date(2023, 1, 1), now=f.utc(2022, 11, 1))

    def amounts(on, **narrow):
        return [(r["entity"], r["amount"], r["version"]) for r in items_in_effect(session, on, **narrow)]

    assert amounts(date(2022, 6, 1)) == [("a-terminal", "850.00", 1)]
    assert amounts(date(2024, 1, 1)) == [("a-terminal", "900.00", 2), ("b-broker", "700.00", 1)]
    assert amounts(date(2024, 1, 1), kinds={"customs_broker"}) == [("b-broker", "700.00", 1)]
    assert amounts(date(2031, 1, 1))[0] == ("a-terminal", "990.00", 3)
    publishing.withdraw_version(session, upcoming.id, reason="撤回", now=f.utc(2030, 2, 1))
    assert amounts(date(2031, 1, 1))[0] == ("a-terminal", "900.00", 2)
    row = items_in_effect(session, date(2024, 1, 1))[0]
    assert row["entity_kind"] == "container_terminal" and row["port"] == "CNXMN" and row["unit"] == "per_container"
    assert schedules_in_effect(session, date(2024, 1, 1), business_line="ecommerce") == []
    assert [s["entity"] for s in schedules_in_effect(session, date(2024, 1, 1))] == ["a-terminal", "b-broker"]


def test_port_filter(session):
    sched = f.schedule(session, f.entity(session, slug="x-terminal"))
    f.publish(session, sched, [f.thc("850")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    assert len(items_in_effect(session, date(2023, 1, 1), port="CNXMN")) == 1
    assert items_in_effect(session, date(2023, 1, 1), port="CNSHA") == []
    assert schedules_in_effect(session, date(2023, 1, 1), port="CNSHA") == []


def test_rows_are_the_canonical_items_with_their_tiers_in_schedule_order(session):
    """Each row is exactly the published item's canonical content plus where it is, the
    tiers in their order, items in the version's order: what the ORM objects give."""
    sched = f.schedule(session, f.entity(session, slug="t-terminal"))
    items = [f.thc("850", legal_basis="发改价格〔2019〕1号", notes="含税"), f.storage(min_amount="50"),
             f.thc("1300", container="45HQ"), f.storage(container="40HQ", tiers=[
                 {"from": "1", "to": "3", "amount": "0"}, {"from": "4", "to": None, "amount": "12.5"}])]
    version = f.publish(session, sched, items, effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    rows = items_in_effect(session, date(2022, 3, 1))
    published = session.scalar(select(ScheduleVersion).where(ScheduleVersion.id == version.id)).items
    assert [r["item_id"] for r in rows] == [item.id for item in published]
    assert [{k: v for k, v in r.items() if k in item_content(item)} for r, item in zip(rows, published)] == [
        item_content(item) for item in published]
    assert rows[3]["tiers"] == [{"from": "1", "to": "3", "amount": "0.00"}, {"from": "4", "to": None, "amount": "12.50"}]
    assert (rows[0]["schedule"], rows[0]["version"], rows[0]["effective_from"]) == ("container", 1, date(2022, 3, 1))


def test_codes_and_a_variant_narrow_the_items(session):
    sched = f.schedule(session, f.entity(session, slug="v-terminal"))
    f.publish(session, sched, [f.thc("850"), f.thc("800", container="20GP"), f.thc("820", direction="import"),
                               f.storage()], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    day = date(2022, 4, 1)
    assert [r["code"] for r in items_in_effect(session, day, codes={"STORAGE"})] == ["STORAGE"]
    variant = {"container": "40HQ", "direction": "export", "cargo_class": "", "unit": "per_container"}
    assert [r["amount"] for r in items_in_effect(session, day, codes={"THC"}, matching=variant)] == ["850.00"]
    assert items_in_effect(session, day, codes={"THC"}, matching={**variant, "container": "45HQ"}) == []
    both_ways = items_in_effect(session, day, matching={"direction": {"import", "export"}, "container": "40HQ"})
    assert [(r["code"], r["direction"]) for r in both_ways] == [("THC", "export"), ("THC", "import")]


def test_counts_of_variants_and_of_items(session):
    """Who publishes which variant (entities per kind), and items per schedule and currency."""
    for slug, kind in (("a-terminal", "container_terminal"), ("b-terminal", "container_terminal"),
                       ("c-line", "shipping_line")):
        sched = f.schedule(session, f.entity(session, slug=slug, kind=kind))
        f.publish(session, sched, [f.thc("850"), f.thc("120", container="20GP", currency="USD"), f.storage()],
                  effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    day = date(2022, 4, 1)
    assert sorted(variant_counts(session, day, "THC")) == [
        (("20GP", "export", "", "per_container"), "container_terminal", 2),
        (("20GP", "export", "", "per_container"), "shipping_line", 1),
        (("40HQ", "export", "", "per_container"), "container_terminal", 2),
        (("40HQ", "export", "", "per_container"), "shipping_line", 1),
    ]
    assert variant_counts(session, date(2021, 1, 1), "THC") == []
    counted = item_counts(session, day, codes={"THC"}, kinds={"container_terminal"})
    assert [(r["entity"], r["currency"], r["items"]) for r in sorted(counted, key=lambda r: (r["entity"], r["currency"]))] == [
        ("a-terminal", "CNY", 1), ("a-terminal", "USD", 1), ("b-terminal", "CNY", 1), ("b-terminal", "USD", 1)]
    assert counted[0]["entity_kind"] == "container_terminal" and counted[0]["business_line"] == "port"


def test_the_versions_in_effect_are_one_per_schedule(session):
    """The same rule as the version pages: latest effective_from ≤ day, a tie to the higher number."""
    sched = f.schedule(session, f.entity(session, slug="d-terminal"))
    f.publish(session, sched, [f.thc("850")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    second = f.publish(session, sched, [f.thc("860")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 11))
    f.schedule(session, f.entity(session, slug="e-terminal"))  # nothing published: no version
    assert list(session.scalars(version_ids_in_effect(date(2022, 3, 1)))) == [second.id]
    assert list(session.scalars(version_ids_in_effect(date(2022, 2, 28)))) == []
    assert session.scalar(select(FeeItem.amount).where(FeeItem.version_id.in_(
        version_ids_in_effect(date(2022, 3, 1), business_line="port", port="CNXMN")))) == 860
