"""Public reports, the services: submitting, moderating, responding, and what the public sees."""
from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from fees.errors import Conflict, DomainError, NotFound
from fees.models import AuditEvent, PublicReport
from fees.services import drafts, publishing, reports
from tests import factories as f
from tests.web import make_user

TODAY = date(2025, 6, 10)


def submit(session, entity, **values):
    """A valid report unless told otherwise."""
    fields = {"item_id": None, "description": "收了码头操作费 980 元，公示为 850 元。", "observed_on": date(2025, 6, 3),
              "charged_amount": "980", "currency": "CNY", "contact": "shipper@example.com", **values}
    return reports.submit_report(session, entity=entity, today=TODAY, **fields)


def field_errors(exc: DomainError) -> dict[str, str]:
    """Each field's message, in English (the lazy messages follow the locale in force)."""
    with force_locale("en"):
        return {e.field: str(e.message) for e in exc.errors}


def stored(session) -> list[PublicReport]:
    """Every report in the database."""
    return session.scalars(select(PublicReport)).all()


def events(session, action: str) -> list[AuditEvent]:
    """The audit events of one action."""
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.fixture
def thc(schedule):
    """Haicang's published THC item."""
    return next(i for i in schedule.versions[0].items if i.code == "THC")


@pytest.fixture
def regulator(session):
    """A port-office account."""
    return make_user(session, "regulator")


# -- submitting -------------------------------------------------------------------


def test_a_report_is_stored_pending_and_audited_without_the_contact(session, schedule, thc):
    report = submit(session, schedule.entity, item_id=thc.id, charged_amount="¥1,200.50", currency="rmb")
    assert (report.status, report.item_id, report.charged_amount, report.currency) == (
        "pending", thc.id, Decimal("1200.50"), "CNY")
    assert report.observed_on == date(2025, 6, 3) and report.contact == "shipper@example.com"
    [event] = events(session, "report.submit")
    assert event.actor_id is None and event.object_id == report.id
    assert event.detail == {"entity": "haicang-demo", "item_id": thc.id}


def test_amount_and_contact_are_optional(session, schedule):
    report = submit(session, schedule.entity, charged_amount="", contact="  ")
    assert report.charged_amount is None and report.contact == ""


@pytest.mark.parametrize("values, field, words", [
    ({"observed_on": date(2025, 6, 11)}, "observed_on", "future"),
    ({"observed_on": None}, "observed_on", "date of the charge"),
    ({"charged_amount": "-5"}, "charged_amount", "negative"),
    ({"charged_amount": "12.345"}, "charged_amount", "two decimals"),
    ({"charged_amount": "about 900"}, "charged_amount", "not an amount"),
    ({"charged_amount": "¥900", "currency": "USD"}, "charged_amount", "marked in yuan"),
    ({"currency": "XYZ"}, "currency", "ISO 4217"),
    ({"description": "   "}, "description", "Describe"),
    ({"description": "x" * 4001}, "description", "4000"),
    ({"contact": "call me maybe"}, "contact", "e-mail address or a phone number"),
    ({"contact": "a@example.com" + "m" * 190}, "contact", "200"),
])
def test_invalid_reports_are_refused_with_the_field_and_reason(session, schedule, values, field, words):
    with pytest.raises(DomainError) as caught:
        submit(session, schedule.entity, **values)
    assert words in field_errors(caught.value)[field]
    assert stored(session) == [] and events(session, "report.submit") == []


def test_every_problem_is_reported_at_once(session, schedule):
    with pytest.raises(DomainError) as caught:
        submit(session, schedule.entity, description="", observed_on=None, charged_amount="-1", currency="??",
               contact="nope")
    assert set(field_errors(caught.value)) == {"description", "observed_on", "charged_amount", "currency",
                                               "contact"}


@pytest.mark.parametrize("contact", ["13800000000", "+86 592 123 4567", "0592-1234567", "(0592) 1234567 转 8"])
def test_phone_numbers_are_accepted_as_contact(session, schedule, contact):
    assert submit(session, schedule.entity, contact=contact).contact == contact


def test_the_date_may_be_today_at_the_port(session, schedule):
    assert submit(session, schedule.entity, observed_on=TODAY).observed_on == TODAY


def test_an_item_of_another_entity_is_refused(session, schedule):
    other = f.schedule(session, slug="other")
    f.publish(session, other, [f.thc("700")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    with pytest.raises(NotFound):
        submit(session, schedule.entity, item_id=other.versions[0].items[0].id)
    assert stored(session) == []


def test_an_item_of_a_draft_or_a_withdrawn_version_is_refused(session, schedule):
    draft = drafts.create_draft(session, schedule, items=[f.thc("900")])
    upcoming = f.publish(session, schedule, [f.thc("950")], effective=date(2031, 1, 1), now=f.utc(2030, 1, 2))
    publishing.withdraw_version(session, upcoming.id, reason="录入错误", now=f.utc(2030, 1, 3))
    for item_id in (draft.items[0].id, upcoming.items[0].id, 999_999):
        with pytest.raises(NotFound):
            submit(session, schedule.entity, item_id=item_id)
    assert stored(session) == []


def test_an_item_of_a_superseded_version_may_be_reported(session, schedule, thc):
    f.publish(session, schedule, [f.thc("880")], effective=date(2024, 1, 1), now=f.utc(2023, 11, 1))
    assert submit(session, schedule.entity, item_id=thc.id).item_id == thc.id


# -- moderating -------------------------------------------------------------------


def test_regulators_accept_or_reject_pending_reports_with_a_note(session, schedule, regulator):
    first, second = submit(session, schedule.entity), submit(session, schedule.entity)
    accepted = reports.moderate(session, first.id, decision="accept", note=" 已核实 ", actor=regulator,
                                now=f.utc(2025, 6, 11))
    rejected = reports.moderate(session, second.id, decision="reject", actor=make_user(session, "admin"))
    assert (accepted.status, accepted.moderation_note, accepted.moderated_by_id) == ("accepted", "已核实",
                                                                                    regulator.id)
    assert accepted.moderated_at == f.utc(2025, 6, 11) and rejected.status == "rejected"
    [event] = events(session, "report.accept")
    assert (event.actor_id, event.object_id, event.detail) == (regulator.id, first.id,
                                                               {"entity": "haicang-demo", "note": "已核实"})
    assert len(events(session, "report.reject")) == 1


def test_only_pending_reports_can_be_moderated(session, schedule, regulator):
    report = submit(session, schedule.entity)
    reports.moderate(session, report.id, decision="reject", note="重复", actor=regulator)
    with pytest.raises(Conflict) as caught:
        reports.moderate(session, report.id, decision="accept", actor=regulator)
    with force_locale("en"):
        assert "(it is rejected); only pending reports" in str(caught.value)
    session.expire_all()
    assert session.get(PublicReport, report.id).status == "rejected"
    assert session.get(PublicReport, report.id).moderation_note == "重复"
    assert events(session, "report.accept") == []


def test_publishers_cannot_moderate(session, schedule, publisher):
    report = submit(session, schedule.entity)
    with pytest.raises(DomainError) as caught:
        reports.moderate(session, report.id, decision="accept", actor=publisher)
    assert caught.value.code == "forbidden"
    assert session.get(PublicReport, report.id).status == "pending"


def test_a_decision_must_be_accept_or_reject(session, schedule, regulator):
    report = submit(session, schedule.entity)
    with pytest.raises(DomainError):
        reports.moderate(session, report.id, decision="publish", actor=regulator)
    with pytest.raises(DomainError):
        reports.moderate(session, report.id, decision="accept", note="x" * 2001, actor=regulator)
    with pytest.raises(NotFound):
        reports.moderate(session, 999_999, decision="accept", actor=regulator)
    assert session.get(PublicReport, report.id).status == "pending"


def test_the_queue_lists_pending_reports_first_oldest_first(session, schedule, regulator):
    old, decided, new = (submit(session, schedule.entity, now=f.utc(2025, 6, d)) for d in (4, 5, 6))
    reports.moderate(session, decided.id, decision="accept", actor=regulator)
    queue = reports.moderation_queue(session)
    assert [r.id for r in queue.pending] == [old.id, new.id]
    assert [r.id for r in queue.moderated] == [decided.id]


# -- responding -------------------------------------------------------------------


def test_the_entitys_publisher_responds_and_every_version_is_audited(session, schedule, publisher, regulator):
    report = submit(session, schedule.entity)
    reports.moderate(session, report.id, decision="accept", actor=regulator)
    reports.respond(session, report.id, text="已按公示标准退还差额。", actor=publisher, now=f.utc(2025, 6, 12))
    answered = reports.respond(session, report.id, text="已退还 130 元差额。", actor=publisher,
                               now=f.utc(2025, 6, 13))
    assert (answered.response, answered.responded_at, answered.responded_by_id) == (
        "已退还 130 元差额。", f.utc(2025, 6, 13), publisher.id)
    history = [e.detail for e in events(session, "report.respond")]
    assert history == [{"response": "已按公示标准退还差额。", "previous": ""},
                       {"response": "已退还 130 元差额。", "previous": "已按公示标准退还差额。"}]


def test_only_the_entitys_own_publishers_respond(session, schedule, regulator):
    report = submit(session, schedule.entity)
    reports.moderate(session, report.id, decision="accept", actor=regulator)
    stranger = make_user(session, "publisher", entity=f.entity(session))
    for actor in (stranger, regulator, make_user(session, "admin"), None):
        with pytest.raises(DomainError) as caught:
            reports.respond(session, report.id, text="不是我们收的。", actor=actor)
        assert caught.value.code == "forbidden"
    assert session.get(PublicReport, report.id).response == ""
    assert events(session, "report.respond") == []


def test_only_accepted_reports_are_answered_and_an_answer_is_not_empty(session, schedule, publisher, regulator):
    pending = submit(session, schedule.entity)
    with pytest.raises(Conflict):
        reports.respond(session, pending.id, text="回应", actor=publisher)
    reports.moderate(session, pending.id, decision="accept", actor=regulator)
    with pytest.raises(DomainError) as caught:
        reports.respond(session, pending.id, text="  ", actor=publisher)
    assert set(field_errors(caught.value)) == {"response"}


# -- what the public sees ---------------------------------------------------------


def test_the_public_sees_accepted_reports_only_and_never_the_contact(session, schedule, thc, regulator):
    accepted = submit(session, schedule.entity, item_id=thc.id, observed_on=date(2025, 6, 1))
    later = submit(session, schedule.entity, observed_on=date(2025, 6, 5), charged_amount="")
    for report in (accepted, later):
        reports.moderate(session, report.id, decision="accept", actor=regulator)
    reports.moderate(session, submit(session, schedule.entity).id, decision="reject", actor=regulator)
    submit(session, schedule.entity)  # stays pending
    shown = reports.accepted_reports(session, schedule.entity_id)
    assert [r.id for r in shown] == [later.id, accepted.id]
    assert shown[1].item.id == thc.id and shown[1].charged_amount == Decimal("980.00")
    assert shown[0].charged_amount is None and shown[0].accepted_at is not None
    names = {field.name for field in dataclasses.fields(reports.PublicView)}
    assert "contact" not in names and "moderation_note" not in names
    assert reports.accepted_reports(session, f.entity(session).id) == []


def test_counts_by_status_and_accepted_counts_by_entity(session, schedule, regulator):
    assert reports.report_counts(session) == {"pending": 0, "accepted": 0, "rejected": 0}
    other = f.entity(session)
    for entity, decision in ((schedule.entity, "accept"), (schedule.entity, "accept"), (other, "accept"),
                             (other, "reject"), (other, None)):
        report = submit(session, entity)
        if decision:
            reports.moderate(session, report.id, decision=decision, actor=regulator)
    assert reports.report_counts(session) == {"pending": 1, "accepted": 3, "rejected": 1}
    assert reports.report_counts(session, other.id) == {"pending": 1, "accepted": 1, "rejected": 1}
    assert reports.accepted_report_counts(session) == {schedule.entity_id: 2, other.id: 1}
