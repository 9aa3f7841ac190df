"""Helpers for tests that use the site as a signed-in person would."""
from __future__ import annotations

import re

from fees.services import accounts
from tests import factories as f

PASSWORD = "correct horse battery"


def make_user(session, role: str, entity=None, email: str | None = None):
    """An account made through the accounts service."""
    return accounts.create_user(session, email=email or f"{role}{f.next_serial()}@example.com",
                                password=PASSWORD, role=role, entity=entity)


def sign_in(client, user, password: str = PASSWORD):
    """Sign in through the login form."""
    return client.post("/login", data={"email": user.email, "password": password})


def csrf_token(html: str) -> str:
    """The CSRF token a page's form carries."""
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)
