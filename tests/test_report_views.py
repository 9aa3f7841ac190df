"""Public reports on the web: the reporting form and its rate limit, the moderation queue,
the entity's responses, and what the public pages may show."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import render_template
from sqlalchemy import func, select

from app import create_app
from fees.db import db
from fees.models import AuditEvent, PublicReport
from fees.services import drafts, reports
from tests import factories as f
from tests.web import csrf_token, make_user, sign_in

FORM = "/entities/haicang-demo/report"


def report_data(**values) -> dict:
    """What a reporter types, valid unless told otherwise."""
    return {"description": "收了码头操作费 980 元，公示为 850 元。", "observed_on": "2025-06-03",
            "charged_amount": "980", "currency": "CNY", "contact": "shipper@example.com", "item": "", **values}


def count(session) -> int:
    """How many reports are stored."""
    return session.scalar(select(func.count()).select_from(PublicReport))


@pytest.fixture
def thc(schedule):
    """Haicang's published THC item."""
    return next(i for i in schedule.versions[0].items if i.code == "THC")


@pytest.fixture
def regulator(session):
    """A port-office account."""
    return make_user(session, "regulator")


def add_report(session, entity, *, decision: str | None = None, actor=None, **values):
    """A report made through the service, then accepted or rejected if told."""
    fields = {"item_id": None, "description": "报告内容", "observed_on": date(2025, 6, 3), "charged_amount": "980",
              "currency": "CNY", "contact": "secret-shipper@example.com", **values}
    report = reports.submit_report(session, entity=entity, today=date(2025, 6, 10), **fields)
    if decision:
        reports.moderate(session, report.id, decision=decision, actor=actor or make_user(session, "regulator"))
    return report


# -- reporting ----------------------------------------------------------------------


def test_anyone_can_open_the_form_about_an_entity_or_one_of_its_items(client, thc):
    page = client.get(f"{FORM}?lang=en").get_data(as_text=True)
    assert "Report a different charge" in page and 'name="description"' in page and 'name="observed_on"' in page
    assert 'value="CNY"' in page
    about = client.get(f"{FORM}?item={thc.id}&lang=en").get_data(as_text=True)
    assert f'name="item" type="hidden" value="{thc.id}"' in about
    assert f"/entities/haicang-demo/schedules/container/versions/1#item-{thc.id}" in about


def test_items_not_published_by_the_entity_are_not_found(client, session, schedule):
    other = f.schedule(session, slug="other")
    f.publish(session, other, [f.thc("700")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    draft = drafts.create_draft(session, schedule, items=[f.thc("900")])
    for n, item in enumerate((other.versions[0].items[0].id, draft.items[0].id, "abc", "999999", "²", "9" * 30)):
        assert client.get(f"{FORM}?item={item}").status_code == 404
        # One address each: more posts than the rate limit allows from one.
        posted = client.post(FORM, data=report_data(item=str(item)), environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
        assert posted.status_code == 404
    assert client.get("/entities/nobody/report").status_code == 404
    assert count(session) == 0


def test_a_report_is_received_thanked_and_audited(client, session, thc):
    response = client.post(FORM, data=report_data(item=str(thc.id), charged_amount="1,200.50"))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{FORM}/thanks")
    thanks = client.get(f"{FORM}/thanks?lang=en").get_data(as_text=True)
    assert "The port office will review it" in thanks
    report = session.scalars(select(PublicReport)).one()
    assert (report.status, report.item_id, str(report.charged_amount)) == ("pending", thc.id, "1200.50")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "report.submit")).one()
    assert event.origin == "web 127.0.0.1" and "shipper@example.com" not in str(event.detail)


def test_errors_are_shown_in_the_readers_language_with_what_was_typed(client, session, schedule):
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    typed = report_data(description="我被多收了钱", observed_on=tomorrow, charged_amount="12.345", currency="XYZ",
                        contact="call me")
    english = client.post(f"{FORM}?lang=en", data=typed)
    page = english.get_data(as_text=True)
    assert english.status_code == 422
    for message in ("cannot be in the future", "at most two decimals", "not an ISO 4217 currency code",
                    "Give an e-mail address or a phone number"):
        assert message in page
    for kept in ("我被多收了钱", f'value="{tomorrow}"', 'value="12.345"', 'value="XYZ"', 'value="call me"'):
        assert kept in page
    chinese = client.post(f"{FORM}?lang=zh", data=report_data(charged_amount="-5")).get_data(as_text=True)
    assert 'lang="zh-CN"' in chinese and "请更正标出的字段。" in chinese and 'value="-5"' in chinese
    assert count(session) == 0


def test_a_missing_date_and_description_are_reported_together(client, session, schedule):
    page = client.post(f"{FORM}?lang=en", data=report_data(description="", observed_on="")).get_data(as_text=True)
    assert "Describe what you were charged" in page and "Give the date of the charge" in page
    assert count(session) == 0


def test_the_form_is_protected_against_cross_site_posts(app, client, session, schedule):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(FORM, data=report_data()).status_code == 400
    assert count(session) == 0
    token = csrf_token(client.get(FORM).get_data(as_text=True))
    assert client.post(FORM, data=report_data(csrf_token=token)).status_code == 303
    assert count(session) == 1


@pytest.fixture
def limited_client(database_uri):
    """A client of an app with rate limits on, as in production (in-memory counters)."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database_uri,
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True})
    with app.app_context():
        f.entity(db.session, slug="haicang-demo")
        yield app.test_client()
        db.session.remove()
        db.engine.dispose()


def test_reports_are_rate_limited_per_address(limited_client):
    statuses = [limited_client.post(FORM, data=report_data()).status_code for _ in range(5)]
    assert statuses == [303] * 5
    refused = limited_client.post(f"{FORM}?lang=en", data=report_data())
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "Too many reports" in refused.get_data(as_text=True)
    in_chinese = limited_client.post(f"{FORM}?lang=zh", data=report_data(description="第七次"))
    assert in_chinese.status_code == 429 and 'lang="zh-CN"' in in_chinese.get_data(as_text=True)
    # Another address has its own allowance; reading the form is never limited.
    other = limited_client.post(FORM, data=report_data(), environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert other.status_code == 303 and limited_client.get(FORM).status_code == 200
    assert count(db.session) == 6


# -- moderation ---------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_and_publishers_refused(client, session, schedule, publisher):
    report = add_report(session, schedule.entity)
    assert client.get("/admin/reports").headers["Location"].startswith("/login")
    assert client.post(f"/admin/reports/{report.id}", data={f"report-{report.id}-decision": "accept"}
                       ).headers["Location"].startswith("/login")
    sign_in(client, publisher)
    assert client.get("/admin/reports").status_code == 403
    assert client.post(f"/admin/reports/{report.id}",
                       data={f"report-{report.id}-decision": "accept"}).status_code == 403
    session.expire_all()
    assert session.get(PublicReport, report.id).status == "pending"


def test_regulators_see_the_queue_with_contacts_and_decide(client, session, schedule, regulator, thc):
    decided = add_report(session, schedule.entity, decision="reject", description="早先的报告")
    report = add_report(session, schedule.entity, item_id=thc.id, description="待审核的报告")
    sign_in(client, regulator)
    page = client.get("/admin/reports?lang=en").get_data(as_text=True)
    assert page.index("待审核的报告") < page.index("早先的报告")
    assert "secret-shipper@example.com" in page and f"#item-{thc.id}" in page
    response = client.post(f"/admin/reports/{report.id}?lang=en",
                           data={f"report-{report.id}-decision": "accept", f"report-{report.id}-note": "已核实"})
    assert response.status_code == 303
    session.expire_all()
    accepted = session.get(PublicReport, report.id)
    assert (accepted.status, accepted.moderation_note, accepted.moderated_by_id) == ("accepted", "已核实",
                                                                                    regulator.id)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "report.accept")).one()
    assert event.actor_id == regulator.id and event.origin == "web 127.0.0.1"
    again = client.post(f"/admin/reports/{decided.id}?lang=en", data={f"report-{decided.id}-decision": "accept"})
    assert again.status_code == 409 and "only pending reports" in again.get_data(as_text=True)
    session.expire_all()
    assert session.get(PublicReport, decided.id).status == "rejected"


def prefixed_token(html: str, report_id: int) -> str:
    """The CSRF token of one report's form (its fields carry the prefix report-<id>-)."""
    return re.search(rf'name="report-{report_id}-csrf_token" type="hidden" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("role", ["regulator", "publisher"])
def test_moderation_and_responses_need_the_forms_csrf_token(app, client, session, schedule, publisher, role):
    report = add_report(session, schedule.entity, decision="accept" if role == "publisher" else None)
    # Signed in before CSRF is switched on: the test client shares one `g`, where Flask-WTF
    # caches the token of the session that signing in replaces.
    sign_in(client, publisher if role == "publisher" else make_user(session, "regulator"))
    app.config["WTF_CSRF_ENABLED"] = True
    page, action, data = {
        "regulator": ("/admin/reports", f"/admin/reports/{report.id}", {f"report-{report.id}-decision": "accept"}),
        "publisher": ("/publish/reports", f"/publish/reports/{report.id}/response",
                      {f"report-{report.id}-response": "已核实。"}),
    }[role]
    assert client.post(action, data=data).status_code == 400
    token = prefixed_token(client.get(page).get_data(as_text=True), report.id)
    assert client.post(action, data={**data, f"report-{report.id}-csrf_token": token}).status_code == 303
    session.expire_all()
    done = session.get(PublicReport, report.id)
    assert (done.status, done.response) == ("accepted", "已核实。" if role == "publisher" else "")


# -- the entity's response ----------------------------------------------------------


def test_publishers_answer_reports_about_their_own_entity_only(client, session, schedule, publisher):
    accepted = add_report(session, schedule.entity, decision="accept", description="已公开的报告")
    add_report(session, schedule.entity, description="尚未审核的报告")
    sign_in(client, publisher)
    page = client.get("/publish/reports?lang=en").get_data(as_text=True)
    assert "已公开的报告" in page and "尚未审核的报告" not in page and "secret-shipper" not in page
    assert "waiting for the port office's review: 1." in page
    field = f"report-{accepted.id}-response"
    empty = client.post(f"/publish/reports/{accepted.id}/response?lang=en", data={field: " "})
    assert empty.status_code == 422 and "Write your response." in empty.get_data(as_text=True)
    done = client.post(f"/publish/reports/{accepted.id}/response", data={field: "已退还差额。"})
    assert done.status_code == 303
    session.expire_all()
    assert session.get(PublicReport, accepted.id).response == "已退还差额。"
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "report.respond")).one().actor_id \
        == publisher.id

    client.post("/logout")
    sign_in(client, make_user(session, "publisher", entity=f.entity(session)))
    assert client.post(f"/publish/reports/{accepted.id}/response", data={field: "冒充"}).status_code == 403
    client.post("/logout")
    sign_in(client, make_user(session, "regulator"))
    assert client.post(f"/publish/reports/{accepted.id}/response", data={field: "冒充"}).status_code == 403
    session.expire_all()
    assert session.get(PublicReport, accepted.id).response == "已退还差额。"


# -- public display -----------------------------------------------------------------


def entity_reports_html(app, entity) -> str:
    """The include the entity page uses, rendered as that page renders it."""
    with app.test_request_context(f"/entities/{entity.slug}?lang=en"):
        app.preprocess_request()
        return render_template("reports/_entity_reports.html", entity=entity,
                               reports=reports.accepted_reports(db.session, entity.id))


def test_the_public_sees_accepted_reports_with_responses_but_no_contact(app, session, schedule, publisher, thc):
    shown = add_report(session, schedule.entity, decision="accept", item_id=thc.id, description="公开的报告",
                       contact="13800000000")
    reports.respond(session, shown.id, text="已按公示标准收取。", actor=publisher)
    add_report(session, schedule.entity, decision="reject", description="被驳回的报告")
    add_report(session, schedule.entity, description="待审核的报告")
    html = entity_reports_html(app, schedule.entity)
    assert "公开的报告" in html and "已按公示标准收取。" in html and "¥980.00" in html
    assert f"#item-{thc.id}" in html and f"{FORM}" in html
    assert "被驳回的报告" not in html and "待审核的报告" not in html
    assert "13800000000" not in html and "secret-shipper" not in html


def test_an_entity_without_accepted_reports_says_so(app, schedule):
    html = entity_reports_html(app, schedule.entity)
    assert "No reports about this entity have been published." in html and "Report a different charge" in html
