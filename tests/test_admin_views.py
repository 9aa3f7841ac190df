"""The port office on the web: registering entities and schedules, creating accounts."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from fees.models import ChargingEntity, FeeSchedule, User
from fees.services import accounts
from tests import factories as f
from tests.web import csrf_token, make_user, sign_in


@pytest.fixture
def regulator_client(client, session):
    f.port(session)
    sign_in(client, make_user(session, "regulator"))
    return client


def entity_form(**values):
    return {"slug": "new-yard", "name_zh": "新示例堆场", "name_en": "New Demo Yard", "kind": "yard",
            "port": "CNXMN", "uscc": f.valid_uscc(777001), "contact": "", "website": "", "address": "",
            "description": "", **values}


def test_register_an_entity(regulator_client, session):
    bad = regulator_client.post("/admin/entities?lang=en", data=entity_form(uscc="91350200MA00000000"))
    assert bad.status_code == 422 and "check character" in bad.get_data(as_text=True)
    assert session.scalar(select(ChargingEntity).where(ChargingEntity.slug == "new-yard")) is None
    good = regulator_client.post("/admin/entities", data=entity_form())
    assert good.status_code == 302 and good.headers["Location"].endswith("/admin/entities/new-yard")
    opened = regulator_client.post("/admin/entities/new-yard", data={"slug": "storage", "name_zh": "堆存收费",
                                                                   "name_en": "", "business_line": "port",
                                                                   "currency": "cny"})
    assert opened.status_code == 302
    schedule = session.scalar(select(FeeSchedule).where(FeeSchedule.slug == "storage"))
    assert schedule.currency == "CNY" and schedule.entity.slug == "new-yard"


def test_create_a_publisher_account_shown_once(regulator_client, session):
    owner = f.entity(session, slug="acct-terminal")
    page = regulator_client.post("/admin/users", data={"email": "new@example.com", "name": "新发布员",
                                                        "role": "publisher", "entity": "acct-terminal"})
    password = re.search(r'id="password">([^<]+)<', page.get_data(as_text=True)).group(1)
    user = session.scalar(select(User).where(User.email == "new@example.com"))
    assert user.entity_id == owner.id and accounts.check_password(user, password)
    # Regulators cannot create administrators: the role is not even offered.
    regulator_client.post("/admin/users", data={"email": "boss@example.com", "role": "admin", "entity": ""})
    assert session.scalar(select(User).where(User.email == "boss@example.com")) is None


def test_only_admins_deactivate_accounts(client, session):
    target = make_user(session, "regulator")
    sign_in(client, make_user(session, "regulator"))
    assert client.post(f"/admin/users/{target.id}/active").status_code == 403
    client.post("/logout")
    sign_in(client, make_user(session, "admin"))
    assert client.post(f"/admin/users/{target.id}/active").status_code == 302
    session.expire_all()
    assert session.get(User, target.id).active is False


def test_publishers_cannot_use_the_admin_side(client, session):
    sign_in(client, make_user(session, "publisher", entity=f.entity(session)))
    assert client.get("/admin/").status_code == 403
    assert client.post("/admin/entities", data=entity_form()).status_code == 403


def test_csrf_is_required_on_every_form(app, client, session):
    app.config["WTF_CSRF_ENABLED"] = True
    user = make_user(session, "regulator")
    without = client.post("/login", data={"email": user.email, "password": "correct horse battery"})
    assert without.status_code == 400
    page = client.get("/login").get_data(as_text=True)
    with_token = client.post("/login", data={"email": user.email, "password": "correct horse battery",
                                             "csrf_token": csrf_token(page)})
    assert with_token.status_code == 302
    assert client.post("/admin/entities", data=entity_form()).status_code == 400
