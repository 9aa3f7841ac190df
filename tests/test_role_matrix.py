"""Every write the site offers, refused to every role that must not make it.

The matrix lists each route whose methods include POST, PUT, PATCH or DELETE (web pages
and the publisher API) with the roles that must be refused. For each pair the request is
made with a valid body (the allowed role's control proves the same body would be
accepted), and the answer must be a refusal — 302 to the sign-in page, 401, 403, 404,
or a redirect carrying an error message — with every table exactly as it was.
A write route that is not in the matrix fails `test_every_write_route_is_in_the_matrix`.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Callable

import pytest
import sqlalchemy as sa

from fees.cli import DEFAULT_CATALOG
from fees.db import Base, db
from fees.services import accounts, drafts, registry, reports, tokens
from fees.types import utcnow
from tests import factories as f
from tests.web import make_user, sign_in

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
WEB_ROLES = ("anonymous", "publisher_a", "publisher_b", "regulator", "admin")
# Columns a permitted read may touch (a token's last use, a sign-in): not writes of the route.
VOLATILE = {("api_token", "last_used_at"), ("user_account", "last_login_at")}

# Writes open to everyone by design: signing in and out, and the public report form
# (rate-limited and moderated; tests/test_report_views.py).
PUBLIC = {
    ("POST", "/login"),
    ("POST", "/logout"),
    ("POST", "/entities/<slug>/report"),
}


@dataclass(frozen=True)
class Case:
    """One write: how to make it, who may (the control), and who must be refused."""

    method: str
    rule: str
    path: Callable[[SimpleNamespace], str]
    allowed: str
    forbidden: tuple[str, ...]
    body: Callable[[SimpleNamespace], dict] = field(default=lambda w: {"data": {}})
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.rule}{' ' + self.label if self.label else ''}"


# -- the data every case runs against ---------------------------------------------------


def build_world(session) -> SimpleNamespace:
    """Entity A with a schedule (v1 in effect, v2 upcoming, a draft with two items), a token,
    a pending and an accepted report; entity B with its own publisher; a regulator, an admin."""
    registry.load_catalog(session, DEFAULT_CATALOG)
    a = f.entity(session, slug="entity-a")
    b = f.entity(session, slug="entity-b")
    f.schedule(session, b, slug="b-only")
    sched = f.schedule(session, a, slug="container")
    f.publish(session, sched, [f.thc("850")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    upcoming = f.publish(session, sched, [f.thc("900")], effective=date.today() + timedelta(days=90), now=utcnow())
    draft = drafts.create_draft(session, sched, items=[f.thc("950"), f.thc("600", container="20GP")])
    w = SimpleNamespace(
        entity_a=a.slug, schedule_id=sched.id, schedule_slug=sched.slug, upcoming_id=upcoming.id,
        upcoming_number=upcoming.number, draft_id=draft.id, draft_revision=draft.revision,
        item_ids=[i.id for i in draft.items],
        users={
            "publisher_a": make_user(session, "publisher", entity=a),
            "publisher_b": make_user(session, "publisher", entity=b),
            "regulator": make_user(session, "regulator"),
            "admin": make_user(session, "admin"),
        },
    )
    w.token_a, row = tokens.create_token(session, w.users["publisher_a"], name="A's ERP")
    w.token_a_id = row.id
    w.token_b, _ = tokens.create_token(session, w.users["publisher_b"], name="B's ERP")
    w.victim_id = w.users["publisher_a"].id
    w.pending_id = reports.submit_report(session, entity=a, item_id=None, description="多收了", observed_on=date(2025, 6, 3),
                                         today=date(2025, 6, 10)).id
    accepted = reports.submit_report(session, entity=a, item_id=None, description="另一笔", observed_on=date(2025, 6, 4),
                                     today=date(2025, 6, 10))
    reports.moderate(session, accepted.id, decision="accept", actor=w.users["regulator"])
    w.accepted_id = accepted.id
    return w


def item_form(w, **extra) -> dict:
    data = {"revision": str(w.draft_revision), "code": "THC", "own_code": "", "name_zh": "码头操作费",
            "name_en": "THC", "service": "", "unit": "per_container", "container": "40GP",
            "direction": "import", "cargo_class": "", "amount": "700", "currency": "CNY", "min_amount": "",
            "legal_basis": "", "notes": ""}
    for n in range(5):
        data |= {f"tiers-{n}-from_qty": "", f"tiers-{n}-to_qty": "", f"tiers-{n}-amount": ""}
    return {"data": data | extra}


def upload(w) -> dict:
    body = "code,name,unit,amount\r\nTHC,码头操作费,per_container,880\r\n".encode()
    return {"data": {"file": (io.BytesIO(body), "fees.csv")}, "content_type": "multipart/form-data"}


def json(payload: Callable[[SimpleNamespace], dict]) -> Callable[[SimpleNamespace], dict]:
    return lambda w: {"json": payload(w)}


PUBLISHERS_OF_A = ("anonymous", "publisher_b", "regulator", "admin")
OVERSIGHT = ("anonymous", "publisher_a", "publisher_b")
API_OTHERS = ("anonymous", "bad_token", "token_b", "token_a_deactivated")
P = "/publish"

MATRIX: list[Case] = [
    # The port office: regulators and admins only.
    Case("POST", "/admin/entities", lambda w: "/admin/entities", "regulator", OVERSIGHT,
         lambda w: {"data": {"slug": "new-entity", "name_zh": "新码头", "name_en": "", "kind": "container_terminal",
                             "port": "CNXMN", "uscc": f.valid_uscc(900001), "contact": "", "website": "",
                             "address": "", "description": ""}}),
    Case("POST", "/admin/entities/<slug>", lambda w: f"/admin/entities/{w.entity_a}", "regulator", OVERSIGHT,
         lambda w: {"data": {"slug": "reefer", "name_zh": "冷藏箱收费", "name_en": "", "business_line": "port",
                             "currency": "CNY"}}),
    Case("POST", "/admin/users", lambda w: "/admin/users", "regulator", OVERSIGHT,
         lambda w: {"data": {"email": "new-publisher@example.com", "name": "", "role": "publisher",
                             "entity": w.entity_a}}),
    Case("POST", "/admin/users", lambda w: "/admin/users", "admin", OVERSIGHT + ("regulator",),
         lambda w: {"data": {"email": "new-admin@example.com", "name": "", "role": "admin", "entity": ""}},
         label="(an admin account)"),
    Case("POST", "/admin/users/<int:user_id>/active", lambda w: f"/admin/users/{w.victim_id}/active", "admin",
         OVERSIGHT + ("regulator",)),
    Case("POST", "/admin/reports/<int(max=2147483647):report_id>", lambda w: f"/admin/reports/{w.pending_id}",
         "regulator", OVERSIGHT, lambda w: {"data": {f"report-{w.pending_id}-decision": "accept",
                                                      f"report-{w.pending_id}-note": ""}}),
    # An entity's own publishers only.
    Case("POST", "/publish/schedules/<int:schedule_id>/drafts", lambda w: f"{P}/schedules/{w.schedule_id}/drafts",
         "publisher_a", PUBLISHERS_OF_A),
    Case("POST", "/publish/schedules/<int:schedule_id>/import", lambda w: f"{P}/schedules/{w.schedule_id}/import",
         "publisher_a", PUBLISHERS_OF_A, upload),
    Case("POST", "/publish/drafts/<int:version_id>/items/new", lambda w: f"{P}/drafts/{w.draft_id}/items/new",
         "publisher_a", PUBLISHERS_OF_A, item_form),
    Case("POST", "/publish/drafts/<int:version_id>/items/<int:item_id>",
         lambda w: f"{P}/drafts/{w.draft_id}/items/{w.item_ids[0]}", "publisher_a", PUBLISHERS_OF_A,
         lambda w: item_form(w, container="40HQ", direction="export", amount="990")),
    Case("POST", "/publish/drafts/<int:version_id>/items/<int:item_id>/move",
         lambda w: f"{P}/drafts/{w.draft_id}/items/{w.item_ids[0]}/move", "publisher_a", PUBLISHERS_OF_A,
         lambda w: {"data": {"to": "down", "revision": str(w.draft_revision)}}),
    Case("POST", "/publish/drafts/<int:version_id>/items/<int:item_id>/remove",
         lambda w: f"{P}/drafts/{w.draft_id}/items/{w.item_ids[0]}/remove", "publisher_a", PUBLISHERS_OF_A,
         lambda w: {"data": {"revision": str(w.draft_revision)}}),
    Case("POST", "/publish/drafts/<int:version_id>/discard", lambda w: f"{P}/drafts/{w.draft_id}/discard",
         "publisher_a", PUBLISHERS_OF_A, lambda w: {"data": {"revision": str(w.draft_revision)}}),
    Case("POST", "/publish/drafts/<int:version_id>/publish", lambda w: f"{P}/drafts/{w.draft_id}/publish",
         "publisher_a", PUBLISHERS_OF_A,
         lambda w: {"data": {"revision": str(w.draft_revision), "change_note": "调整",
                             "effective_from": (date.today() + timedelta(days=120)).isoformat()}}),
    Case("POST", "/publish/versions/<int:version_id>/withdraw", lambda w: f"{P}/versions/{w.upcoming_id}/withdraw",
         "publisher_a", PUBLISHERS_OF_A, lambda w: {"data": {"reason": "录入错误"}}),
    Case("POST", "/publish/tokens", lambda w: f"{P}/tokens", "publisher_a", ("anonymous", "regulator", "admin"),
         lambda w: {"data": {"name": "ERP"}}),
    Case("POST", "/publish/tokens/<int:token_id>/revoke", lambda w: f"{P}/tokens/{w.token_a_id}/revoke",
         "publisher_a", PUBLISHERS_OF_A),
    Case("POST", "/publish/reports/<int(max=2147483647):report_id>/response",
         lambda w: f"{P}/reports/{w.accepted_id}/response", "publisher_a", PUBLISHERS_OF_A,
         lambda w: {"data": {f"report-{w.accepted_id}-response": "已退还差额。"}}),
    # The publisher API: only a valid token of one of the entity's active publishers.
    Case("POST", "/api/v1/publisher/schedules/<schedule_slug>/drafts",
         lambda w: f"/api/v1/publisher/schedules/{w.schedule_slug}/drafts", "token_a", API_OTHERS,
         json(lambda w: {"copy_current": True})),
    Case("DELETE", "/api/v1/publisher/drafts/<int:draft_id>", lambda w: f"/api/v1/publisher/drafts/{w.draft_id}",
         "token_a", API_OTHERS, lambda w: {}),
    Case("POST", "/api/v1/publisher/drafts/<int:draft_id>/publish",
         lambda w: f"/api/v1/publisher/drafts/{w.draft_id}/publish", "token_a", API_OTHERS,
         json(lambda w: {"effective_from": (date.today() + timedelta(days=120)).isoformat(),
                         "change_note": "调整", "revision": w.draft_revision})),
    Case("POST", "/api/v1/publisher/versions/<schedule_slug>/<int:number>/withdraw",
         lambda w: f"/api/v1/publisher/versions/{w.schedule_slug}/{w.upcoming_number}/withdraw", "token_a",
         API_OTHERS, json(lambda w: {"reason": "录入错误"})),
]


# -- making requests as someone ---------------------------------------------------------


def act_as(client, session, w, actor: str) -> dict:
    """Sign `client` in as `actor` (web roles) or return the headers `actor` sends (API)."""
    if actor in w.users:
        assert sign_in(client, w.users[actor]).status_code == 302
    if actor == "token_a":
        return {"Authorization": f"Bearer {w.token_a}"}
    if actor == "token_b":
        return {"Authorization": f"Bearer {w.token_b}"}
    if actor == "bad_token":
        return {"Authorization": "Bearer opf_" + "x" * 43}
    if actor == "token_a_deactivated":
        accounts.set_active(session, w.users["publisher_a"].id, False)
        return {"Authorization": f"Bearer {w.token_a}"}
    return {}


def snapshot() -> dict:
    """Every row of every table, as committed (the volatile columns left out)."""
    db.session.rollback()
    rows = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in VOLATILE]
            result = conn.execute(sa.select(*columns).order_by(*table.primary_key.columns))
            rows[table.name] = [tuple(r) for r in result]
    return rows


def flashed_errors(client) -> list[str]:
    with client.session_transaction() as s:
        return [message for category, message in s.get("_flashes", []) if category == "error"]


def request(client, case: Case, w, headers: dict):
    return client.open(case.path(w), method=case.method, headers=headers, **case.body(w))


CASES = [pytest.param(case, id=case.id) for case in MATRIX]
REFUSALS = [pytest.param(case, actor, id=f"{case.id} as {actor}") for case in MATRIX for actor in case.forbidden]


# -- the tests ---------------------------------------------------------------------------


def test_every_write_route_is_in_the_matrix(app):
    """A new POST/PUT/PATCH/DELETE route fails here until it is listed, with its refusals."""
    found = {(method, rule.rule) for rule in app.url_map.iter_rules() for method in rule.methods & WRITE_METHODS}
    listed = {(case.method, case.rule) for case in MATRIX} | PUBLIC
    assert found - listed == set(), "write routes missing from tests/test_role_matrix.py"
    assert listed - found == set(), "routes listed in the matrix that no longer exist"
    for case in MATRIX:
        assert case.allowed not in case.forbidden and case.forbidden


def test_every_write_operation_of_the_api_description_is_in_the_matrix(client):
    """The OpenAPI document's write operations are the routes the matrix covers."""
    spec = client.get("/api/v1/openapi.json").get_json()
    described = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops
                 if method.upper() in WRITE_METHODS}
    as_openapi = {(case.method, re.sub(r"<(?:[^>]*:)?([^>:]+)>", r"{\1}", case.rule)) for case in MATRIX}
    server = spec.get("servers", [{}])[0].get("url", "").rstrip("/")
    described = {(m, p if p.startswith("/api/") else server + p) for m, p in described}
    assert described and described <= as_openapi


@pytest.mark.parametrize("case", CASES)
def test_the_allowed_role_can_make_the_write(client, session, case):
    """The control: the same request from the role that may make it changes the data."""
    w = build_world(session)
    headers = act_as(client, session, w, case.allowed)
    before = snapshot()
    response = request(client, case, w, headers)
    assert response.status_code < 400, response.get_data(as_text=True)[:500]
    assert not response.headers.get("Location", "").startswith("/login")
    assert flashed_errors(client) == []
    assert snapshot() != before


@pytest.mark.parametrize("case, actor", REFUSALS)
def test_other_roles_are_refused_and_nothing_is_written(client, session, case, actor):
    w = build_world(session)
    headers = act_as(client, session, w, actor)
    before = snapshot()
    response = request(client, case, w, headers)
    status = response.status_code
    location = response.headers.get("Location", "")
    if actor in ("publisher_b", "token_b"):
        # Signed in, but another entity's: the answer says so (not a redirect with a message).
        assert status in (403, 404), f"{status}: {response.get_data(as_text=True)[:300]}"
    elif status == 302 and not location.startswith("/login"):
        # Refused by a redirect back with the reason shown (e.g. a regulator creating an admin).
        assert flashed_errors(client), f"{status} to {location} without an error"
    else:
        assert status in (302, 401, 403, 404), f"{status}: {response.get_data(as_text=True)[:300]}"
    assert snapshot() == before
