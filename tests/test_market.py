"""Items in effect on a day, across the market."""
from __future__ import annotations

from datetime import date

from fees.services import publishing
from fees.services.market import items_in_effect, versions_in_effect
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
    assert len(versions_in_effect(session, date(2024, 1, 1), business_line="ecommerce")) == 0


def test_port_filter(session):
    sched = f.schedule(session, f.entity(session, slug="x-terminal"))
    f.publish(session, sched, [f.thc("850")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    assert len(items_in_effect(session, date(2023, 1, 1), port="CNXMN")) == 1
    assert items_in_effect(session, date(2023, 1, 1), port="CNSHA") == []
