"""The publishing rules: numbering, hashing, logging, dates, notice, staleness, withdrawal."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from fees.canonical import GENESIS_HASH, entry_content, sha256_hex
from fees.errors import Conflict, DomainError
from fees.models import AuditEvent, LogHead, PublicationLogEntry, ScheduleVersion
from fees.services import drafts, publishing, queries
from fees.services.base import Policy
from fees.services.ledger import verify_log, version_hash
from tests import factories as f


def log_entries(session):
    return session.scalars(select(PublicationLogEntry).order_by(PublicationLogEntry.seq)).all()


def test_versions_are_numbered_hashed_and_chained(session):
    sched = f.schedule(session)
    v1 = f.publish(session, sched, [f.thc("850")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    v2 = f.publish(session, sched, [f.thc("800")], effective=date(2022, 6, 1), now=f.utc(2022, 5, 1))
    assert (v1.number, v2.number) == (1, 2)
    assert v1.status == v2.status == "published"
    assert v1.published_at == f.utc(2022, 1, 10)
    assert v1.content_sha256 == version_hash(v1) and len(v1.content_sha256) == 64
    entries = log_entries(session)
    assert [(e.seq, e.action, e.version_number) for e in entries] == [(1, "publish", 1), (2, "publish", 2)]
    assert entries[0].prev_hash == GENESIS_HASH
    assert entries[1].prev_hash == entries[0].entry_hash
    fields = {c: getattr(entries[1], c) for c in ("seq", "action", "recorded_at", "entity_slug", "schedule_slug",
                                                   "version_number", "effective_from", "content_sha256", "prev_hash")}
    assert entries[1].entry_hash == sha256_hex(entry_content(**fields))
    head = session.get(LogHead, 1)
    assert (head.seq, head.entry_hash) == (2, entries[1].entry_hash)
    assert verify_log(session) == []
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("version.publish") == 2


def test_content_hash_depends_on_every_item_field(session):
    sched = f.schedule(session)
    a = f.publish(session, f.schedule(session, slug="a"), [f.thc("850")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    b = f.publish(session, f.schedule(session, slug="b"), [f.thc("850", notes="x")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    assert a.content_sha256 != b.content_sha256
    assert sched.id  # the first schedule exists but has no version
    assert queries.latest_published(session, sched.id) is None


def test_empty_version_cannot_be_published(session):
    sched = f.schedule(session)
    draft = drafts.create_draft(session, sched)
    with pytest.raises(DomainError) as err:
        publishing.publish_version(session, draft.id, effective_from=date(2030, 1, 1), change_note="x")
    assert err.value.code == "empty"
    assert session.get(ScheduleVersion, draft.id).status == "draft"
    assert log_entries(session) == []


def test_change_note_is_required(session):
    sched = f.schedule(session)
    draft = drafts.create_draft(session, sched, items=[f.thc()])
    with pytest.raises(DomainError) as err:
        publishing.publish_version(session, draft.id, effective_from=date(2030, 1, 1), change_note="  ")
    assert err.value.errors[0].field == "change_note"


def test_effective_date_not_before_publication_date_in_port_time(session):
    sched = f.schedule(session)
    # 2022-01-09 17:30 UTC is already 2022-01-10 01:30 in Xiamen.
    late_evening_utc = f.utc(2022, 1, 9, hour=17).replace(minute=30)
    draft = drafts.create_draft(session, sched, items=[f.thc()])
    with pytest.raises(DomainError) as err:
        publishing.publish_version(session, draft.id, effective_from=date(2022, 1, 9), change_note="x",
                                   now=late_evening_utc)
    assert err.value.errors[0].field == "effective_from"
    version = publishing.publish_version(session, draft.id, effective_from=date(2022, 1, 10),
                                         change_note="x", now=late_evening_utc)
    assert version.effective_from == date(2022, 1, 10)


def test_effective_date_not_before_latest_published_version(session):
    sched = f.schedule(session)
    f.publish(session, sched, [f.thc("850")], effective=date(2022, 6, 1), now=f.utc(2022, 1, 10))
    draft = drafts.create_draft(session, sched)
    with pytest.raises(DomainError) as err:
        publishing.publish_version(session, draft.id, effective_from=date(2022, 5, 1), change_note="x",
                                   now=f.utc(2022, 2, 1))
    assert "2022-06-01" in str(err.value)


def test_short_notice_increase_is_flagged_by_default(session):
    sched = f.schedule(session)
    f.publish(session, sched, [f.thc("850")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    v2 = f.publish(session, sched, [f.thc("900")], effective=date(2022, 5, 10), now=f.utc(2022, 5, 1))
    assert v2.short_notice is True
    # 30 days' notice exactly is enough.
    v3 = f.publish(session, sched, [f.thc("950")], effective=date(2022, 7, 1), now=f.utc(2022, 6, 1))
    assert v3.short_notice is False


def test_short_notice_increase_is_refused_when_enforced(session):
    enforce = Policy(notice_policy="enforce")
    sched = f.schedule(session)
    f.publish(session, sched, [f.thc("850")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10), policy=enforce)
    draft = drafts.create_draft(session, sched, items=[f.thc("900")])
    with pytest.raises(DomainError) as err:
        publishing.publish_version(session, draft.id, effective_from=date(2022, 5, 10), change_note="x",
                                   now=f.utc(2022, 5, 1), policy=enforce)
    assert err.value.code == "short_notice"
    session.expire_all()
    assert session.get(ScheduleVersion, draft.id).status == "draft"
    assert session.get(ScheduleVersion, draft.id).number is None
    assert len(log_entries(session)) == 1


@pytest.mark.parametrize("items", [
    [f.thc("800")],                                  # a reduction
    [f.thc("850", notes="wording only")],            # no price change
])
def test_no_notice_needed_without_increase(session, items):
    enforce = Policy(notice_policy="enforce")
    sched = f.schedule(session)
    f.publish(session, sched, [f.thc("850")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10), policy=enforce)
    v2 = f.publish(session, sched, items, effective=date(2022, 5, 1), now=f.utc(2022, 5, 1), policy=enforce)
    assert v2.short_notice is False


@pytest.mark.parametrize("new_items", [
    [f.thc("850"), f.thc("700", container="20GP")],          # a new fee
    [f.thc("850", min_amount="100")],                          # a new minimum charge
    [f.storage(tiers=[{"from": "1", "to": "4", "amount": "0"}, {"from": "5", "to": None, "amount": "25"}])],
])
def test_new_fees_minimums_and_tier_rates_count_as_increases(session, new_items):
    sched = f.schedule(session)
    base = [f.thc("850")] if new_items[0]["code"] == "THC" else [f.storage()]
    f.publish(session, sched, base, effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    v2 = f.publish(session, sched, new_items, effective=date(2022, 5, 2), now=f.utc(2022, 5, 1))
    assert v2.short_notice is True


def test_notice_days_setting(session):
    sched = f.schedule(session)
    f.publish(session, sched, [f.thc("850")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    v2 = f.publish(session, sched, [f.thc("900")], effective=date(2022, 5, 10), now=f.utc(2022, 5, 1),
                   policy=Policy(notice_days=7))
    assert v2.short_notice is False


def test_stale_draft_is_refused(session):
    sched = f.schedule(session)
    f.publish(session, sched, [f.thc("850")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    first = drafts.create_draft(session, sched)
    second = drafts.create_draft(session, sched)
    publishing.publish_version(session, first.id, effective_from=date(2022, 5, 1), change_note="a",
                               now=f.utc(2022, 3, 20))
    with pytest.raises(Conflict):
        publishing.publish_version(session, second.id, effective_from=date(2022, 6, 1), change_note="b",
                                   now=f.utc(2022, 3, 21))
    session.expire_all()
    assert session.get(ScheduleVersion, second.id).status == "draft"
    assert len(log_entries(session)) == 2


def test_a_draft_is_published_once(session):
    sched = f.schedule(session)
    draft = drafts.create_draft(session, sched, items=[f.thc()])
    publishing.publish_version(session, draft.id, effective_from=date(2022, 3, 1), change_note="a",
                               now=f.utc(2022, 1, 10))
    with pytest.raises(Conflict):
        publishing.publish_version(session, draft.id, effective_from=date(2022, 4, 1), change_note="b",
                                   now=f.utc(2022, 1, 11))
    assert len(log_entries(session)) == 1


def test_version_in_effect_on_a_day(session):
    sched = f.schedule(session)
    v1 = f.publish(session, sched, [f.thc("850")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    v2 = f.publish(session, sched, [f.thc("800")], effective=date(2023, 1, 1), now=f.utc(2022, 11, 1))
    v3 = f.publish(session, sched, [f.thc("790")], effective=date(2023, 1, 1), now=f.utc(2022, 12, 1))
    in_effect = lambda d: (queries.version_in_effect(session, sched.id, d) or None)
    assert in_effect(date(2022, 2, 28)) is None
    assert in_effect(date(2022, 3, 1)).id == v1.id
    assert in_effect(date(2022, 12, 31)).id == v1.id
    assert in_effect(date(2023, 1, 1)).id == v3.id  # same start: the later version wins
    timeline = queries.schedule_timeline(session, sched, date(2022, 12, 15))
    assert timeline.in_effect.id == v1.id
    assert [v.id for v in timeline.upcoming] == [v2.id, v3.id]


def test_withdraw_before_effective_date(session):
    sched = f.schedule(session)
    v1 = f.publish(session, sched, [f.thc("850")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    v2 = f.publish(session, sched, [f.thc("900")], effective=date(2022, 6, 1), now=f.utc(2022, 4, 1))
    with pytest.raises(DomainError) as err:
        publishing.withdraw_version(session, v2.id, reason=" ", now=f.utc(2022, 4, 2))
    assert err.value.errors[0].field == "reason"
    publishing.withdraw_version(session, v2.id, reason="录入错误", now=f.utc(2022, 4, 2))
    assert v2.status == "withdrawn" and v2.withdraw_reason == "录入错误"
    assert queries.version_in_effect(session, sched.id, date(2022, 7, 1)).id == v1.id
    entries = log_entries(session)
    assert [(e.action, e.version_number) for e in entries][-1] == ("withdraw", 2)
    assert verify_log(session) == []
    # A version's number is never reused.
    v3 = f.publish(session, sched, [f.thc("880")], effective=date(2022, 7, 1), now=f.utc(2022, 4, 3))
    assert v3.number == 3


def test_a_version_in_effect_cannot_be_withdrawn(session):
    sched = f.schedule(session)
    v1 = f.publish(session, sched, [f.thc("850")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    with pytest.raises(DomainError) as err:
        publishing.withdraw_version(session, v1.id, reason="x", now=f.utc(2022, 3, 1))
    assert err.value.code == "in_effect"
    assert session.get(ScheduleVersion, v1.id).status == "published"


def test_published_versions_cannot_be_edited_through_services(session):
    sched = f.schedule(session)
    v1 = f.publish(session, sched, [f.thc("850")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    item_id = v1.items[0].id
    for attempt in (
        lambda: drafts.add_item(session, v1.id, f.thc("1", container="20GP")),
        lambda: drafts.update_item(session, v1.id, item_id, f.thc("1")),
        lambda: drafts.remove_item(session, v1.id, item_id),
        lambda: drafts.move_item(session, v1.id, item_id, 0),
        lambda: drafts.discard_draft(session, v1.id),
    ):
        with pytest.raises(DomainError) as err:
            attempt()
        assert err.value.code == "immutable"
    assert verify_log(session) == []


def test_draft_copies_the_latest_version_and_can_be_edited(session):
    sched = f.schedule(session)
    v1 = f.publish(session, sched, [f.thc("850"), f.storage()], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    draft = drafts.create_draft(session, sched)
    assert draft.base_version_id == v1.id
    assert [i.key for i in draft.items] == [i.key for i in v1.items]
    assert [t.amount for t in draft.items[1].tiers] == [t.amount for t in v1.items[1].tiers]
    thc_id, storage_id = draft.items[0].id, draft.items[1].id
    drafts.update_item(session, draft.id, thc_id, f.thc("900"))
    drafts.move_item(session, draft.id, storage_id, 0)
    added = drafts.add_item(session, draft.id, f.thc("600", container="20GP"))
    drafts.remove_item(session, draft.id, added.id)
    session.expire_all()
    draft = session.get(ScheduleVersion, draft.id)
    assert [i.code for i in draft.items] == ["STORAGE", "THC"]
    assert str(draft.items[1].amount) == "900.00"
    # The published version did not move.
    assert str(session.get(ScheduleVersion, v1.id).items[0].amount) == "850.00"
    drafts.discard_draft(session, draft.id)
    assert session.get(ScheduleVersion, draft.id) is None
