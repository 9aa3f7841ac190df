"""The illustrative demo data set: fictional Xiamen charging entities and their tariff histories.

Everything here is invented (示例数据): the companies, their credit codes, addresses and
prices. The data lives in fees/data/demo/ — entities.csv (who), tariffs.json (base
tariffs), schedules.json (version histories as changes to the version before) and
fee-items.json (default wording per fee code). This module turns those files into
planned publications and publishes them through the same services publishers use, so
the demo exercises the real rules: validation, numbering, hashing, the publication
log and the notice-period policy.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fees.models import ChargingEntity, Port, SiteSetting
from fees.services import drafts, publishing, registry
from fees.services.accounts import create_user
from fees.services.base import Policy
from fees.services.queries import diff_versions, latest_published
from fees.types import utcnow
from fees.demo.plan import (  # noqa: F401  (DEMO_ACCOUNTS, publication_order and read_demo are re-exported)
    CATALOG_PATH,
    DEMO_ACCOUNTS,
    PORT_LOCODE,
    PORT_NAME_EN,
    PORT_NAME_ZH,
    UPCOMING_NOTICE_DAYS,
    PlannedVersion,
    publication_order,
    read_demo,
)


# ---------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------

def _port(session: Session) -> Port:
    """The port of Xiamen, registered now unless it already is."""
    found = session.scalar(select(Port).where(Port.locode == PORT_LOCODE))
    return found or registry.create_port(session, locode=PORT_LOCODE, name_zh=PORT_NAME_ZH, name_en=PORT_NAME_EN)


def _effective_date(session: Session, draft, plan: PlannedVersion, at: datetime,
                    policy: Policy, latest_effective: date | None) -> date:
    """The effective date to publish with.

    The data's own date, or 45 days from the load for an upcoming version. Under an
    "enforce" notice policy a short-notice increase would be refused, so it is moved to
    the earliest date the policy allows instead (the data set must load under any policy);
    under "flag" it is published as planned and marked short-notice, as intended.
    """
    today = policy.local_date(at)
    effective = plan.effective_from or today + timedelta(days=UPCOMING_NOTICE_DAYS)
    effective = max(effective, today, latest_effective or effective)
    if policy.notice_policy == "enforce":
        latest = latest_published(session, draft.schedule_id)
        check = publishing.check_notice(diff_versions(latest, draft), effective, today, policy)
        if check.short_notice:
            effective = today + timedelta(days=policy.notice_days)
    return effective


def load_demo(session: Session, *, if_empty: bool = False, policy_config=None) -> dict | None:
    """Load the fictional Xiamen demo data set through the services.

    Creates the port CNXMN and the fee catalogue, the demo entities and schedules, and
    publishes every version in global chronological order (the publication log is a
    hash chain in time order); versions marked upcoming are published now and take
    effect 45 days later. Sets the site setting demo_data=1 so that every page carries
    the illustrative-data banner.

    With `if_empty`, does nothing and returns None when any charging entity exists.
    `policy_config` is a Flask config mapping (notice days, notice policy, time zone).
    Returns counts of what was loaded: entities, schedules, versions and fee items.
    Each service call commits on its own, so a failure part-way leaves what was
    published before it (published history is never rolled back); the demo flag is
    set before anything else so that such data is still labelled.
    """
    if if_empty and session.scalar(select(func.count()).select_from(ChargingEntity)):
        return None
    policy = Policy.from_config(policy_config) if policy_config is not None else Policy()
    # Reading and planning first: a mistake in the data files stops the load before any write.
    data = read_demo()
    now = utcnow().replace(microsecond=0)
    # Flag first: should a load stop part-way, what did land is still labelled illustrative.
    setting = session.get(SiteSetting, "demo_data") or SiteSetting(key="demo_data")
    setting.value = "1"
    session.add(setting)
    session.commit()

    _port(session)
    registry.load_catalog(session, CATALOG_PATH)
    entities = {}
    for row in data.entities:
        entities[row["slug"]] = registry.create_entity(
            session, slug=row["slug"], name_zh=row["name_zh"], name_en=row["name_en"], kind=row["kind"],
            port_locode=PORT_LOCODE, uscc=row["uscc"], contact=row["contact"], website=row["website"],
            address=row["address"], description=row["description"], verified=row["verified"],
        )
    schedules = {}
    for spec in data.schedules:
        schedules[(spec["entity"], spec["slug"])] = registry.create_schedule(
            session, entity=entities[spec["entity"]], slug=spec["slug"], name_zh=spec["name_zh"],
            name_en=spec["name_en"], business_line=spec["business_line"], currency="CNY",
        )

    latest_effective: dict[tuple[str, str], date] = {}
    versions = items = 0
    for at, plan in publication_order(data.plans, now):
        key = (plan.entity_slug, plan.schedule_slug)
        # The draft is started only now, after the schedule's previous version was
        # published, so that it records that version as its base (as a publisher's would).
        draft = drafts.create_draft(session, schedules[key], items=plan.items)
        effective = _effective_date(session, draft, plan, at, policy, latest_effective.get(key))
        version = publishing.publish_version(
            session, draft.id, effective_from=effective, change_note=plan.change_note, policy=policy, now=at,
        )
        latest_effective[key] = version.effective_from
        versions += 1
        items += len(plan.items)

    users = {
        account["role"]: create_user(session, email=account["email"], password=account["password"],
                                     role=account["role"], entity=entities.get(account["entity"]),
                                     name=account["name"])
        for account in DEMO_ACCOUNTS
    }
    withdrawn = _withdrawn_correction(session, schedules[("dongdu-demo-terminal", "container")], now, policy)
    versions, items = versions + 1, items + len(withdrawn.items)
    _public_reports(session, entities, users, now, policy)
    return {"entities": len(entities), "schedules": len(schedules), "versions": versions, "items": items}


def _withdrawn_correction(session: Session, schedule, now: datetime, policy: Policy):
    """An upcoming version published with a typing error and withdrawn the same day, as
    happens in practice: history, feeds and the dashboard then show a withdrawal."""
    latest = latest_published(session, schedule.id)
    draft = drafts.create_draft(session, schedule)
    wrong = draft.items[0]
    drafts.update_item(session, draft.id, wrong.id, {
        **{k: getattr(wrong, k) for k in ("code", "name_zh", "name_en", "service", "unit", "container", "direction",
                                           "cargo_class", "currency", "legal_basis", "notes")},
        "amount": str(wrong.amount * 10), "min_amount": wrong.min_amount,
        "tiers": [{"from": t.from_qty, "to": t.to_qty, "amount": t.amount} for t in wrong.tiers],
    })
    version = publishing.publish_version(
        session, draft.id, effective_from=max(latest.effective_from, policy.local_date(now)) + timedelta(days=50),
        change_note="调整港口作业包干费（示例）", policy=policy, now=now)
    return publishing.withdraw_version(session, version.id, reason="录入错误：金额多输入一位，撤回后重新公示（示例）",
                                       policy=policy, now=now + timedelta(minutes=20))


def _public_reports(session: Session, entities: dict, users: dict, now: datetime, policy: Policy) -> None:
    """Three reports: one accepted and answered, one rejected, one waiting for review."""
    from fees.services import reports

    today = policy.local_date(now)
    terminal = entities["haicang-demo-terminal"]
    first = reports.submit_report(
        session, entity=terminal, item_id=None, observed_on=today - timedelta(days=20),
        description="提柜时被收取“加急操作费”300元，公示目录中没有这项收费。（示例）",
        charged_amount="300", contact="shipper@example.com", today=today, now=now)
    reports.moderate(session, first.id, decision="accept", note="已核实收费单据（示例）", actor=users["regulator"], now=now)
    reports.respond(session, first.id, text="经核查系个别现场人员误收，已全额退还，并加强收费管理。（示例）",
                    actor=users["publisher"], now=now)
    second = reports.submit_report(
        session, entity=entities["dongdu-demo-terminal"], item_id=None, observed_on=today - timedelta(days=12),
        description="觉得堆存费太贵。（示例）", today=today, now=now)
    reports.moderate(session, second.id, decision="reject", note="未指出与公示标准不符之处（示例）",
                     actor=users["regulator"], now=now)
    reports.submit_report(
        session, entity=terminal, item_id=None, observed_on=today - timedelta(days=3),
        description="查验吊柜费按两次收取，但只吊柜一次。（示例）", charged_amount="600", today=today, now=now)
