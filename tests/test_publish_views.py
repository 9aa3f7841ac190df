"""Publishers on the web: sign in, edit a draft, publish, withdraw, tokens; and who may not."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fees.models import AuditEvent, ScheduleVersion
from fees.services import drafts
from fees.types import utcnow
from fees.views.helpers import today
from tests import factories as f
from tests.web import PASSWORD, make_user, sign_in


@pytest.fixture
def signed_in(client, publisher):
    assert sign_in(client, publisher).status_code == 302
    return client


def item_form(**values) -> dict:
    data = {"code": "THC", "own_code": "", "name_zh": "", "name_en": "", "service": "", "unit": "per_container",
            "container": "20GP", "direction": "export", "cargo_class": "", "amount": "600", "currency": "CNY",
            "min_amount": "", "legal_basis": "", "notes": ""}
    for n in range(5):
        data.update({f"tiers-{n}-from_qty": "", f"tiers-{n}-to_qty": "", f"tiers-{n}-amount": ""})
    data.update(values)
    return data


def test_sign_in_and_out(client, publisher):
    bad = client.post("/login", data={"email": publisher.email, "password": "wrong password!"})
    assert bad.status_code == 200 and "密码错误" in bad.get_data(as_text=True)
    good = sign_in(client, publisher)
    assert good.status_code == 302 and good.headers["Location"].endswith("/publish/")
    assert client.get("/publish/").status_code == 200
    client.post("/logout")
    assert client.get("/publish/").status_code == 302


def test_sign_in_never_redirects_off_site(client, publisher):
    response = client.post("/login?next=//evil.example/x", data={"email": publisher.email, "password": PASSWORD})
    assert response.headers["Location"] == "/publish/"


def test_the_whole_editing_flow(signed_in, session, schedule):
    home = signed_in.get("/publish/?lang=en").get_data(as_text=True)
    assert "Container services" in home and "New draft from the latest version" in home

    started = signed_in.post(f"/publish/schedules/{schedule.id}/drafts", data={"start": "copy"})
    draft_url = started.headers["Location"]
    draft = session.scalars(select(ScheduleVersion).where(ScheduleVersion.status == "draft")).one()
    assert draft_url.endswith(f"/publish/drafts/{draft.id}")
    assert [i.code for i in draft.items] == ["THC", "STORAGE"]

    # A bad amount: refused with the typed values kept and the error on the field.
    bad = signed_in.post(f"/publish/drafts/{draft.id}/items/new?lang=en",
                         data=item_form(amount="-5", notes="keep me", revision=draft.revision))
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "cannot be negative" in page and "keep me" in page and 'value="-5"' in page

    ok = signed_in.post(f"/publish/drafts/{draft.id}/items/new",
                        data=item_form(amount="600", revision=draft.revision))
    assert ok.status_code == 302
    session.expire_all()
    draft = session.get(ScheduleVersion, draft.id)
    added = draft.items[-1]
    assert (added.code, added.container, str(added.amount), added.name_zh) == ("THC", "20GP", "600.00", "码头操作费")

    # Edit the tiered storage item through the tier rows.
    storage = draft.items[1]
    tiers = {"tiers-0-from_qty": "1", "tiers-0-to_qty": "3", "tiers-0-amount": "0",
             "tiers-1-from_qty": "4", "tiers-1-to_qty": "", "tiers-1-amount": "25"}
    edited = signed_in.post(f"/publish/drafts/{draft.id}/items/{storage.id}",
                            data=item_form(code="STORAGE", unit="per_container_day", container="20GP",
                                           direction="both", amount="", revision=draft.revision, **tiers))
    assert edited.status_code == 302
    session.expire_all()
    draft = session.get(ScheduleVersion, draft.id)
    assert [(str(t.from_qty), t.to_qty, str(t.amount)) for t in draft.items[1].tiers] == [
        ("1.000", draft.items[1].tiers[0].to_qty, "0.00"), ("4.000", None, "25.00")]
    assert str(draft.items[1].amount) == "25.00"

    # Move the new item to the top, then remove it.
    signed_in.post(f"/publish/drafts/{draft.id}/items/{added.id}/move", data={"to": "up", "revision": draft.revision})
    session.expire_all()
    draft = session.get(ScheduleVersion, draft.id)
    assert [i.id for i in draft.items].index(added.id) == 1
    signed_in.post(f"/publish/drafts/{draft.id}/items/{added.id}/remove", data={"revision": draft.revision})
    session.expire_all()
    draft = session.get(ScheduleVersion, draft.id)
    assert added.id not in [i.id for i in draft.items]

    # The editor shows the diff and checks the notice period of an increase.
    soon = today() + timedelta(days=5)
    editor = signed_in.get(f"/publish/drafts/{draft.id}?lang=en&effective_from={soon.isoformat()}").get_data(as_text=True)
    assert "1 changed" in editor and "only 5 days' notice" in editor

    published = signed_in.post(f"/publish/drafts/{draft.id}/publish",
                               data={"effective_from": soon.isoformat(), "change_note": "堆存免费期缩短",
                                     "revision": draft.revision})
    assert published.status_code == 302 and published.headers["Location"].endswith("/versions/2")
    session.expire_all()
    version = session.get(ScheduleVersion, draft.id)
    assert (version.status, version.number, version.short_notice) == ("published", 2, True)
    assert version.publisher_id is not None
    public = signed_in.get("/entities/haicang-demo?lang=en").get_data(as_text=True)
    assert "Version 2" in public and soon.isoformat() in public
    origins = session.scalars(select(AuditEvent.origin).where(AuditEvent.action == "version.publish")).all()
    assert origins[-1].startswith("web ")


def test_a_stale_form_never_overwrites(signed_in, session, schedule):
    draft = drafts.create_draft(session, schedule)
    stale = draft.revision
    first = draft.items[0]
    drafts.update_item(session, draft.id, first.id, f.thc("900"))  # someone else saves meanwhile
    response = signed_in.post(f"/publish/drafts/{draft.id}/items/{first.id}?lang=en",
                              data=item_form(container="40HQ", amount="1000", revision=stale))
    assert response.status_code == 422 and "changed by someone else" in response.get_data(as_text=True)
    session.expire_all()
    assert str(session.get(ScheduleVersion, draft.id).items[0].amount) == "900.00"


def test_publish_errors_keep_the_note(signed_in, session, schedule, app):
    app.config["FEES_NOTICE_POLICY"] = "enforce"
    draft = drafts.create_draft(session, schedule, items=[f.thc("999"), f.storage()])
    soon = (today() + timedelta(days=3)).isoformat()
    response = signed_in.post(f"/publish/drafts/{draft.id}/publish?lang=en",
                              data={"effective_from": soon, "change_note": "我的说明", "revision": draft.revision})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "我的说明" in page and "days' notice" in page
    assert session.get(ScheduleVersion, draft.id).status == "draft"


def test_withdraw_an_upcoming_version(signed_in, session, schedule):
    upcoming = f.publish(session, schedule, [f.thc("800"), f.storage()], effective=today() + timedelta(days=40),
                         now=utcnow())
    home = signed_in.get("/publish/?lang=en").get_data(as_text=True)
    assert f"Withdraw version {upcoming.number}" in home
    signed_in.post(f"/publish/versions/{upcoming.id}/withdraw", data={"reason": "录入错误"})
    session.expire_all()
    assert session.get(ScheduleVersion, upcoming.id).status == "withdrawn"


def test_publishers_see_only_their_own_entity(client, session, schedule):
    other = f.schedule(session, f.entity(session, slug="other-terminal"))
    foreign_draft = drafts.create_draft(session, other)
    intruder = make_user(session, "publisher", entity=other.entity)
    sign_in(client, intruder)
    own_draft = drafts.create_draft(session, schedule)
    assert client.get(f"/publish/drafts/{own_draft.id}").status_code == 403
    assert client.post(f"/publish/schedules/{schedule.id}/drafts", data={"start": "copy"}).status_code == 404
    assert client.post(f"/publish/drafts/{own_draft.id}/publish",
                       data={"effective_from": "2030-01-01", "change_note": "x"}).status_code == 403
    assert client.get(f"/publish/drafts/{foreign_draft.id}").status_code == 200


@pytest.mark.parametrize("role", ["regulator", "admin"])
def test_oversight_roles_cannot_publish(client, session, schedule, role):
    sign_in(client, make_user(session, role))
    assert client.get("/publish/").status_code == 403
    draft = drafts.create_draft(session, schedule)
    assert client.post(f"/publish/drafts/{draft.id}/publish",
                       data={"effective_from": "2030-01-01", "change_note": "x"}).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client, schedule):
    response = client.get("/publish/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/admin/").status_code == 302


def test_api_tokens_from_the_web(signed_in, session, publisher):
    created = signed_in.post("/publish/tokens", data={"name": "ERP"}).get_data(as_text=True)
    from fees.services.tokens import authenticate, tokens_of
    import re

    token = re.search(r'id="token">([^<]+)<', created).group(1)
    assert authenticate(session, token)[0].id == publisher.id
    row = tokens_of(session, publisher)[0]
    assert row.token_hash != token and token not in row.token_hash
    signed_in.post(f"/publish/tokens/{row.id}/revoke")
    assert authenticate(session, token) is None


def test_sessions_expire(app, signed_in):
    assert app.permanent_session_lifetime == timedelta(hours=8)
