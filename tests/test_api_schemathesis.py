"""Schemathesis, a property-based API tester, against the app's own OpenAPI document.

Every operation of /api/v1/openapi.json (whatever sections it holds when the tests run:
new endpoints are covered as soon as they are described) is called in-process, over WSGI,
with examples generated from its parameters and bodies, valid and invalid, and each
answer must pass the checks that matter: no server error, a documented status code,
content type and headers, a body that matches its schema, and invalid input refused with
a 4xx. Writes use a real publisher token on the demo data: they are all-or-nothing, and
409/422 are documented answers.

Bounded and reproducible: few examples per operation, no deadline, derandomized.
"""
from __future__ import annotations

import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

import opendata.api  # noqa: F401  (every section of the document registers on import)
from app import create_app
from fees.db import db
from fees.demo import DEMO_ACCOUNTS, load_demo
from fees.models import User
from fees.services import tokens
from opendata.api.openapi import build_document
from tests.conftest import PG_URL, _config, _empty_postgres

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance, negative_data_rejection]
DOCUMENT = build_document()
schema = schemathesis.openapi.from_dict(DOCUMENT)


@pytest.fixture(scope="module")
def api(database_template, tmp_path_factory):
    """The app on a database holding the demo data, and a token of the demo publisher.

    One database for the whole module: seeding the demo takes seconds, the examples many.
    No app context stays pushed while the examples run, so each request gets its own, as
    in production (a failed transaction cannot leak into the next request)."""
    instance = tmp_path_factory.mktemp("schemathesis")
    if PG_URL:
        _empty_postgres(database_template)
        uri = database_template
    else:
        shutil.copyfile(database_template, instance / "api.db")
        uri = f"sqlite:///{instance / 'api.db'}"
    # No API-wide rate limit here: the examples come thousands a minute from one address.
    app = create_app(_config(uri, instance) | {"API_RATE_LIMIT": ""})
    app.instance_path = str(instance / "instance")
    with app.app_context():
        load_demo(db.session, policy_config=app.config)
        email = next(a["email"] for a in DEMO_ACCOUNTS if a["role"] == "publisher")
        token, _ = tokens.create_token(db.session, db.session.scalar(select(User).where(User.email == email)),
                                       name="schemathesis")
    yield app, token
    with app.app_context():
        db.engine.dispose()


def test_the_served_document_is_the_one_under_test(api):
    app, _ = api
    assert app.test_client().get("/api/v1/openapi.json").get_json() == DOCUMENT


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_its_contract(api, case):
    app, token = api
    headers = {"Authorization": f"Bearer {token}"} if case.path.startswith("/api/v1/publisher/") else None
    case.call_and_validate(app=app, headers=headers, checks=CHECKS)
