"""Brute-force protection of sign-in: the per-account lockout (in the database) and the
per-address rate limit on the login form."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from app import create_app
from fees.db import db
from fees.models import AuditEvent, User
from fees.services import accounts
from fees.services.accounts import AccountLocked, Lockout
from tests import factories as f
from tests.conftest import _config
from tests.web import PASSWORD, make_user

NOW = f.utc(2026, 3, 2, hour=2)  # 10:00 in Xiamen
RULE = Lockout(max_failures=5, minutes=15)


def fail(session, user, times: int, now=NOW):
    """`times` wrong passwords, none of which may lock the account."""
    for _ in range(times):
        assert accounts.sign_in(session, user.email, "wrong password", lockout=RULE, now=now) is None


def actions(session) -> list[str]:
    return session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


# -- the service --------------------------------------------------------------------


def test_the_fifth_wrong_password_locks_the_account_even_against_the_right_one(session):
    user = make_user(session, "regulator")
    fail(session, user, 4)
    with pytest.raises(AccountLocked) as locked:
        accounts.sign_in(session, user.email, "wrong password", lockout=RULE, now=NOW)
    assert locked.value.until == NOW + timedelta(minutes=15)
    for later in (timedelta(minutes=1), timedelta(minutes=14, seconds=59)):
        with pytest.raises(AccountLocked):
            accounts.sign_in(session, user.email, PASSWORD, lockout=RULE, now=NOW + later)
    assert user.last_login_at is None
    # When the lock has run out the right password works, and the count starts again.
    assert accounts.sign_in(session, user.email, PASSWORD, lockout=RULE, now=NOW + timedelta(minutes=15)).id == user.id
    assert (user.failed_logins, user.locked_until) == (0, None)


def test_guessing_on_during_the_lock_neither_extends_it_nor_reveals_the_password(session):
    user = make_user(session, "regulator")
    fail(session, user, 4)
    with pytest.raises(AccountLocked):
        accounts.sign_in(session, user.email, "wrong", lockout=RULE, now=NOW)
    answers = []
    for password in ("guess 1", PASSWORD, "guess 2"):
        with pytest.raises(AccountLocked) as locked:
            accounts.sign_in(session, user.email, password, lockout=RULE, now=NOW + timedelta(minutes=5))
        answers.append((type(locked.value), locked.value.until, str(locked.value)))
    assert len(set(answers)) == 1 and answers[0][1] == NOW + timedelta(minutes=15)


def test_a_success_resets_the_count(session):
    user = make_user(session, "publisher", entity=f.entity(session))
    fail(session, user, 4)
    assert accounts.sign_in(session, user.email, PASSWORD, lockout=RULE, now=NOW).id == user.id
    assert user.failed_logins == 0
    fail(session, user, 4)  # four more: still not locked
    assert accounts.sign_in(session, user.email, PASSWORD, lockout=RULE, now=NOW).id == user.id


def test_unknown_addresses_get_the_same_answer_and_leave_no_lockout_state(session):
    make_user(session, "regulator", email="real@example.com")
    for _ in range(12):
        assert accounts.sign_in(session, "nobody@example.com", "guess", lockout=RULE, now=NOW) is None
    assert session.scalar(select(func.count()).select_from(User)) == 1
    assert session.scalar(select(User.failed_logins)) == 0
    detail = session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "user.sign_in_failed")).all()
    assert detail == [{"reason": "unknown", "email": "nobody@example.com"}] * 12
    # A password typed into the address box is not written to the audit trail.
    assert accounts.sign_in(session, "correct horse battery", "x", lockout=RULE, now=NOW) is None
    assert session.scalars(select(AuditEvent.detail).order_by(AuditEvent.id.desc())).first() == {
        "reason": "unknown", "email": ""}


def test_every_path_spends_one_argon2_computation(session, monkeypatch):
    """Unknown address, wrong password and locked account cost the same work, so the time
    taken does not tell them apart."""
    user = make_user(session, "regulator")
    calls: list[str] = []
    real = accounts.hasher

    class Spy:
        def hash(self, password):
            calls.append("hash")
            return real.hash(password)

        def verify(self, stored, password):
            calls.append("verify")
            return real.verify(stored, password)

        def check_needs_rehash(self, stored):
            return real.check_needs_rehash(stored)

    monkeypatch.setattr(accounts, "hasher", Spy())
    accounts.sign_in(session, "nobody@example.com", "guess", lockout=RULE, now=NOW)
    assert calls == ["hash"]
    calls.clear()
    fail(session, user, 1)
    assert calls == ["verify"]
    fail(session, user, 3)
    with pytest.raises(AccountLocked):
        accounts.sign_in(session, user.email, "guess", lockout=RULE, now=NOW)
    calls.clear()
    with pytest.raises(AccountLocked):
        accounts.sign_in(session, user.email, PASSWORD, lockout=RULE, now=NOW)
    assert calls == ["hash"]


def test_failed_and_locked_sign_ins_are_audited(session):
    user = make_user(session, "regulator")
    fail(session, user, 4)
    with pytest.raises(AccountLocked):
        accounts.sign_in(session, user.email, "wrong", lockout=RULE, now=NOW)
    with pytest.raises(AccountLocked):
        accounts.sign_in(session, user.email, PASSWORD, lockout=RULE, now=NOW)
    assert actions(session) == ["user.create"] + ["user.sign_in_failed"] * 5 + ["user.lock", "user.sign_in_locked"]
    failures = session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "user.sign_in_failed")).all()
    assert [d["failures"] for d in failures] == [1, 2, 3, 4, 5]


def test_the_lock_is_in_the_database_for_every_process(app, session):
    user = make_user(session, "regulator")
    fail(session, user, 4)
    with pytest.raises(AccountLocked):
        accounts.sign_in(session, user.email, "wrong", lockout=RULE, now=NOW)
    # Another process: its own engine and connection to the same database.
    other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with other.connect() as conn:
        row = conn.execute(sa.text("SELECT failed_logins, locked_until FROM user_account WHERE id = :id"),
                           {"id": user.id}).one()
    other.dispose()
    assert row[0] == 0 and row[1] is not None


def test_no_lockout_when_max_failures_is_zero(session):
    user = make_user(session, "regulator")
    for _ in range(8):
        assert accounts.sign_in(session, user.email, "wrong", lockout=Lockout(max_failures=0), now=NOW) is None
    assert accounts.sign_in(session, user.email, PASSWORD, lockout=Lockout(max_failures=0), now=NOW).id == user.id


def test_deactivated_accounts_are_refused_but_not_locked(session):
    user = make_user(session, "regulator")
    accounts.set_active(session, user.id, False)
    for _ in range(6):
        assert accounts.sign_in(session, user.email, PASSWORD, lockout=RULE, now=NOW) is None
    assert (user.failed_logins, user.locked_until) == (0, None)


# -- the login form -----------------------------------------------------------------


def post_login(client, email, password, lang="en", **kw):
    return client.post(f"/login?lang={lang}", data={"email": email, "password": password}, **kw)


def test_the_form_says_the_account_is_locked_and_until_when_in_port_time(client, session, monkeypatch):
    user = make_user(session, "regulator")
    monkeypatch.setattr(accounts, "utcnow", lambda: NOW)
    for _ in range(4):
        page = post_login(client, user.email, "wrong password")
        assert page.status_code == 200 and "Wrong e-mail or password." in page.get_data(as_text=True)
    page = post_login(client, user.email, "wrong password")
    text = page.get_data(as_text=True)
    # 02:15 UTC is 10:15 in Xiamen.
    assert page.status_code == 403 and "locked until 2026-03-02 10:15 (Asia/Shanghai time)" in text
    page = post_login(client, user.email, PASSWORD)
    assert page.status_code == 403 and "locked until 2026-03-02 10:15" in page.get_data(as_text=True)
    assert client.get("/admin/").headers["Location"].startswith("/login")
    assert "user.sign_in" not in actions(session)
    stored = session.scalar(select(User.locked_until).where(User.id == user.id))
    assert stored == NOW + timedelta(minutes=15) and stored.utcoffset() == timedelta(0)  # UTC stored


def test_the_form_answers_unknown_addresses_as_wrong_passwords(client, session):
    user = make_user(session, "regulator")
    known = post_login(client, user.email, "wrong password")
    unknown = post_login(client, "nobody@example.com", "wrong password")
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True).replace(
        'value="nobody@example.com"', f'value="{user.email}"')
    audited = session.scalars(select(AuditEvent.origin).where(AuditEvent.action == "user.sign_in_failed")).all()
    assert audited == ["web 127.0.0.1"] * 2


@pytest.fixture
def limited(database_uri, tmp_path):
    """An app with rate limits on, as in production, allowing 3 failed sign-ins a minute."""
    app = create_app(_config(database_uri, tmp_path) | {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_failed_sign_ins_are_rate_limited_per_address(limited):
    client = limited.test_client()
    user = make_user(db.session, "regulator")
    for _ in range(3):
        assert post_login(client, "nobody@example.com", "guess").status_code == 200
    refused = post_login(client, user.email, PASSWORD)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "Too many sign-in attempts from your address" in text
    assert db.session.scalar(select(User.last_login_at).where(User.id == user.id)) is None
    assert 'lang="zh-CN"' in post_login(client, user.email, PASSWORD, lang="zh").get_data(as_text=True)
    # Another address has its own allowance; reading the form is never limited.
    other = post_login(client, user.email, PASSWORD, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert other.status_code == 302 and client.get("/login").status_code == 200


def test_successful_sign_ins_do_not_use_the_allowance(limited):
    client = limited.test_client()
    user = make_user(db.session, "regulator")
    for _ in range(5):
        assert post_login(client, user.email, PASSWORD).status_code == 302
    for _ in range(3):
        assert post_login(client, user.email, "guess").status_code == 200
    assert post_login(client, user.email, "guess").status_code == 429


def test_lockout_settings_come_from_the_environment(monkeypatch, tmp_path):
    settings = {"LOGIN_RATE_LIMIT": "4 per minute", "LOGIN_MAX_FAILURES": "7", "LOGIN_LOCKOUT_MINUTES": "30"}
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    config = create_app().config
    assert {key: str(config[key]) for key in settings} == settings
    assert Lockout.from_config(config) == Lockout(max_failures=7, minutes=30)
    monkeypatch.setenv("LOGIN_LOCKOUT_MINUTES", "0")
    with pytest.raises(RuntimeError):
        create_app()
