"""Accounts, sign-in, tokens and the CLI that creates them."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from fees.errors import DomainError
from fees.models import ApiToken, AuditEvent, User
from fees.services import accounts, tokens
from tests import factories as f
from tests.web import PASSWORD, make_user


def test_passwords_are_argon2_hashes(session):
    user = make_user(session, "regulator")
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert accounts.sign_in(session, user.email.upper(), PASSWORD).id == user.id
    assert accounts.sign_in(session, user.email, "wrong password") is None
    assert accounts.sign_in(session, "nobody@example.com", PASSWORD) is None
    assert user.last_login_at is not None


def test_deactivated_accounts_cannot_sign_in_or_use_tokens(session):
    owner = f.entity(session)
    user = make_user(session, "publisher", entity=owner)
    token, _ = tokens.create_token(session, user)
    accounts.set_active(session, user.id, False)
    assert accounts.sign_in(session, user.email, PASSWORD) is None
    assert tokens.authenticate(session, token) is None


@pytest.mark.parametrize("kwargs, field", [
    ({"email": "not-an-address", "role": "regulator"}, "email"),
    ({"email": "a@example.com", "role": "publisher"}, "entity"),
    ({"email": "a@example.com", "role": "emperor"}, "role"),
    ({"email": "a@example.com", "role": "regulator", "password": "short"}, "password"),
])
def test_account_rules(session, kwargs, field):
    with pytest.raises(DomainError) as err:
        accounts.create_user(session, **{"password": PASSWORD, **kwargs})
    assert field in [e.field for e in err.value.errors]


def test_who_may_create_which_account(session):
    owner = f.entity(session)
    regulator = make_user(session, "regulator")
    admin = make_user(session, "admin")
    publisher = make_user(session, "publisher", entity=owner)
    accounts.create_user(session, email="p2@example.com", password=PASSWORD, role="publisher", entity=owner,
                         actor=regulator)
    with pytest.raises(DomainError):
        accounts.create_user(session, email="a2@example.com", password=PASSWORD, role="admin", actor=regulator)
    with pytest.raises(DomainError):
        accounts.create_user(session, email="p3@example.com", password=PASSWORD, role="publisher", entity=owner,
                             actor=publisher)
    accounts.create_user(session, email="a3@example.com", password=PASSWORD, role="admin", actor=admin)


def test_tokens_are_stored_as_hashes_and_can_be_revoked(session):
    user = make_user(session, "publisher", entity=f.entity(session))
    token, row = tokens.create_token(session, user, name="ERP")
    assert token.startswith("opf_") and len(token) > 40
    stored = session.scalars(select(ApiToken.token_hash)).all()
    assert stored == [tokens.token_hash(token)] and token not in stored[0]
    assert tokens.authenticate(session, token)[0].id == user.id
    assert tokens.authenticate(session, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    tokens.revoke_token(session, row.id, actor=user)
    assert tokens.authenticate(session, token) is None
    with pytest.raises(DomainError):
        tokens.create_token(session, make_user(session, "regulator"))


def test_cli_creates_users_and_tokens(runner, session):
    owner = f.entity(session, slug="cli-terminal")
    result = runner.invoke(args=["users", "create", "Clerk@Example.com", "--role", "publisher", "--entity", "cli-terminal"])
    assert result.exit_code == 0, result.output
    password = re.search(r"Password: (\S+)", result.output).group(1)
    user = session.scalar(select(User).where(User.email == "clerk@example.com"))
    assert user.entity_id == owner.id and accounts.check_password(user, password)

    result = runner.invoke(args=["tokens", "create", "clerk@example.com", "--name", "ERP"])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert tokens.authenticate(session, token)[0].id == user.id
    origins = session.scalars(select(AuditEvent.origin).where(AuditEvent.action == "token.create")).all()
    assert origins == ["cli"]

    assert runner.invoke(args=["users", "create", "x@example.com", "--role", "publisher"]).exit_code == 1
    assert runner.invoke(args=["tokens", "create", "nobody@example.com"]).exit_code == 1
