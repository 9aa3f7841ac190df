"""The demo data set: rich enough to show history, diffs and comparisons; fictional; repeatable."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from urllib.parse import urlparse

from sqlalchemy import func, select
from stdnum.cn import uscc

from fees.demo import load_demo, publication_order, read_demo
from fees.models import (
    ChargingEntity,
    FeeItem,
    FeeSchedule,
    PublicationLogEntry,
    ScheduleVersion,
)
from fees.services.base import Policy
from fees.services.ledger import verify_log
from fees.services.queries import diff_versions, previous_version, setting
from fees.types import utcnow

REAL_BRANDS = (
    "COSCO", "中远", "Maersk", "马士基", "象屿", "国贸", "建发", "海天", "嵩屿", "远海", "新海达", "海润",
    "招商", "China Merchants", "MSC", "CMA", "Evergreen", "长荣", "OOCL", "东方海外", "Hapag", "赫伯罗特",
    "ONE", "Sinotrans", "中外运", "SITC", "海丰", "厦门港务", "Xiamen Port Holding", "厦门外轮理货",
)


def _today() -> date:
    """Today at the port (Asia/Shanghai), the day 'upcoming' is measured from."""
    return Policy().local_date(utcnow())


def _count(session, model) -> int:
    """Rows of a table."""
    return session.scalar(select(func.count()).select_from(model))


def _versions(session) -> list[ScheduleVersion]:
    """Every version, oldest publication first."""
    return list(session.scalars(select(ScheduleVersion).order_by(ScheduleVersion.id)))


def test_demo_data_set_is_rich_and_consistent(session):
    """Enough entities, kinds, versions and fee shapes to show every page; the log verifies."""
    summary = load_demo(session)

    entities = list(session.scalars(select(ChargingEntity)))
    schedules = list(session.scalars(select(FeeSchedule)))
    versions = _versions(session)
    assert summary == {
        "entities": len(entities),
        "schedules": len(schedules),
        "versions": len(versions),
        "items": _count(session, FeeItem),
    }
    assert len(entities) >= 25
    kinds = {e.kind for e in entities}
    assert len(kinds) >= 10
    assert {"ecommerce_logistics", "bonded_warehouse"} <= kinds
    assert all(e.port.locode == "CNXMN" for e in entities)

    for schedule in schedules:
        numbers = [v.number for v in schedule.versions if v.status != "draft"]
        assert 2 <= len(numbers) <= 5, schedule.slug
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
    withdrawn = [v for v in versions if v.status == "withdrawn"]
    assert len(withdrawn) == 1 and withdrawn[0].withdraw_reason, "one corrected typo, withdrawn with a reason"
    assert all(v.status == "published" for v in versions if v not in withdrawn), "no drafts are left behind"
    from fees.services.reports import report_counts
    assert report_counts(session) == {"pending": 1, "accepted": 1, "rejected": 1}

    today = _today()
    upcoming = [v for v in versions if v.effective_from > today]
    assert upcoming and all((v.effective_from - today).days >= 30 for v in upcoming)
    assert {2022, 2023, 2024, 2025} <= {v.effective_from.year for v in versions}
    historical = [v for v in versions if v not in upcoming]
    assert all(v.published_at.year <= 2025 and v.effective_from <= date(2025, 12, 31) for v in historical)

    storage = session.scalars(select(FeeItem).where(FeeItem.code == "STORAGE")).all()
    tiered = [i for i in storage if i.tiers]
    assert tiered and all(i.tiers[-1].to_qty is None for i in tiered)
    assert any(i.tiers[0].amount == 0 for i in tiered), "storage starts with free days"

    ecommerce = [s for s in schedules if s.business_line == "ecommerce"]
    assert {s.entity.kind for s in ecommerce} >= {"ecommerce_logistics", "bonded_warehouse"}
    ec_units = {i.unit for s in ecommerce for v in s.versions for i in v.items if i.code.startswith("EC_")}
    assert {"per_order", "per_parcel", "per_kg", "per_cbm_day"} <= ec_units

    items = session.scalars(select(FeeItem)).all()
    assert any(i.min_amount is not None for i in items)
    assert any(i.legal_basis.startswith("《港口收费计费办法》") for i in items)
    assert any(i.legal_basis == "企业自主定价" for i in items)
    assert any(not i.legal_basis for i in items)
    assert all(i.service for i in items if i.code in ("THC", "PORT_PACKAGE", "STORAGE"))
    assert {"20GP", "40GP", "40HQ", "45HQ", "20RF", "40RH"} <= {i.container for i in items}
    assert {"import", "export", "both"} <= {i.direction for i in items}

    # Government-set port dues are the same at every terminal, in every version.
    dues = defaultdict(set)
    for item in session.scalars(select(FeeItem).where(FeeItem.code == "CARGO_DUES")):
        dues[item.key].add(item.amount)
    assert dues and all(len(amounts) == 1 for amounts in dues.values())

    assert any(v.short_notice for v in versions), "a few increases were published at short notice"
    assert verify_log(session) == []
    assert _count(session, PublicationLogEntry) == len(versions) + 1  # the withdrawal is logged too
    assert setting(session, "demo_data") == "1"

    credit_codes = [e.uscc for e in entities]
    assert all(uscc.is_valid(code) for code in credit_codes)
    assert len(set(credit_codes)) == len(credit_codes)
    for entity in entities:
        assert "示例" in entity.description
        assert "示例" in entity.name_zh and "Demo" in entity.name_en
        assert entity.contact.startswith("0592-5")
        if entity.website:
            host = urlparse(entity.website).hostname or ""
            assert host.split(".")[-2:] in (["example", "com"], ["example", "org"]), entity.website
    assert {True, False} == {e.verified for e in entities}


def test_log_is_in_publication_order(session):
    """The hash chain is in time order and each version was drafted from the one before it."""
    load_demo(session)
    entries = session.scalars(select(PublicationLogEntry).order_by(PublicationLogEntry.seq)).all()
    moments = [e.recorded_at for e in entries]
    assert moments == sorted(moments)
    for version in _versions(session):
        assert version.base_version_id == (previous_version(session, version).id if version.number > 1 else None)


def test_diffs_show_every_kind_of_change(session):
    """Somewhere in the history a fee is added, removed, raised and reduced."""
    load_demo(session)
    totals: dict[str, int] = defaultdict(int)
    for version in _versions(session):
        if version.number == 1:
            continue
        summary = diff_versions(previous_version(session, version), version).summary()
        assert sum(summary[k] for k in ("added", "removed", "changed")) > 0, "every version changes something"
        for key, value in summary.items():
            totals[key] += value
    assert totals["added"] >= 1
    assert totals["removed"] >= 1
    assert totals["increases"] >= 1
    assert totals["reductions"] >= 1


def test_if_empty_loads_once(session):
    """A second load with if_empty does nothing and says so by returning None."""
    first = load_demo(session, if_empty=True)
    assert first is not None and first["entities"] >= 25
    before = (_count(session, ChargingEntity), _count(session, ScheduleVersion), _count(session, FeeItem),
              _count(session, PublicationLogEntry))

    assert load_demo(session, if_empty=True) is None
    after = (_count(session, ChargingEntity), _count(session, ScheduleVersion), _count(session, FeeItem),
             _count(session, PublicationLogEntry))
    assert after == before


def test_cli_demo_load(runner, session):
    """`flask demo load --if-empty` loads once and then leaves the data alone."""
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded" in result.output
    assert _count(session, ChargingEntity) >= 25

    again = runner.invoke(args=["demo", "load", "--if-empty"])
    assert again.exit_code == 0, again.output
    assert "Demo data loaded" not in again.output


def test_no_real_company_names(session):
    """Entity names are fictional: no real port, shipping or logistics brand appears."""
    load_demo(session)
    for entity in session.scalars(select(ChargingEntity)):
        for brand in REAL_BRANDS:
            for name in (entity.name_zh, entity.name_en):
                # Whole-word check for short Latin brands ("ONE", "MSC") so "Demo" etc. pass.
                words = name.replace(".", " ").replace(",", " ").split()
                found = brand in words if brand.isascii() and len(brand) <= 4 else brand.lower() in name.lower()
                assert not found, f"{name} contains {brand}"


def test_enforce_policy_still_loads(session):
    """Under an enforced notice period, short-notice increases are moved to the first allowed day."""
    summary = load_demo(session, policy_config={"FEES_NOTICE_POLICY": "enforce", "FEES_NOTICE_DAYS": 30})
    versions = _versions(session)
    assert summary["versions"] == len(versions)
    assert not any(v.short_notice for v in versions)
    assert verify_log(session) == []


def test_demo_data_is_deterministic():
    """Every read plans the same publications, credit codes and string amounts."""
    first, second = read_demo(), read_demo()
    assert first.plans == second.plans
    assert [e["uscc"] for e in first.entities] == [e["uscc"] for e in second.entities]
    now = utcnow().replace(microsecond=0)
    order = publication_order(first.plans, now)
    assert [m for m, _ in order] == sorted(m for m, _ in order)
    assert len({m for m, p in order if p.published_at is not None}) == sum(
        1 for p in first.plans if p.published_at is not None), "historical publications have distinct moments"
    for plan in first.plans:
        for item in plan.items:
            assert isinstance(item["amount"], str) and not isinstance(item["min_amount"], float)
