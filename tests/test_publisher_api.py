"""The publisher API and its OpenAPI description: the whole flow, every refusal (with
its exact problem+json and an unchanged database), and a document that matches the app."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from openapi_spec_validator import validate as validate_spec
from sqlalchemy import func, select

from fees.models import AuditEvent, FeeItem, FeeTier, PublicationLogEntry, ScheduleVersion
from fees.services import accounts, drafts, tokens
from fees.views.helpers import today
from opendata.api.openapi import SECTIONS, build_document
from tests import factories as f
from tests.schemas import conforms
from tests.web import make_user

API = "/api/v1/publisher"
PROBLEM = "application/problem+json"
COUNTED = (ScheduleVersion, FeeItem, FeeTier, PublicationLogEntry, AuditEvent)


# -- fixtures and helpers -------------------------------------------------------------

@pytest.fixture
def token(session, publisher) -> str:
    """An API token of Haicang's publisher."""
    text, _ = tokens.create_token(session, publisher, name="ERP")
    return text


@pytest.fixture
def auth(token) -> dict:
    """The headers that authenticate as Haicang's publisher."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def rival(session):
    """Another entity's e-commerce schedule, with its own publisher and an open draft."""
    owner = f.entity(session, slug="rival-demo")
    sched = f.schedule(session, owner, slug="ecommerce", business_line="ecommerce")
    user = make_user(session, "publisher", entity=owner)
    draft = drafts.create_draft(session, sched, items=[f.thc("700")], actor=user)
    return {"schedule": sched, "user": user, "draft": draft}


def counts(session) -> dict[str, int]:
    """Rows of everything a publisher's request could write."""
    session.rollback()  # read what is committed, not what a session may still hold
    return {model.__name__: session.scalar(select(func.count()).select_from(model)) for model in COUNTED}


@pytest.fixture
def unchanged(session):
    """Call after a refused request: asserts the database is exactly as before it."""
    before = counts(session)

    def check():
        """Assert the row counts are what they were."""
        assert counts(session) == before

    return check


def problem(response, status: int, errors: list[tuple[str, int | None]] | None = None) -> dict:
    """Assert a problem+json answer with this status (and exactly these (field, row) errors)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["type"] == "about:blank" and body["title"]
    if errors is not None:
        assert [(e["field"], e["row"]) for e in body.get("errors", [])] == errors
        assert all(e["message"] for e in body.get("errors", []))
    conforms(body, "Problem")
    return body


def post_json(client, url: str, body, headers: dict):
    """POST a body as JSON text (json.dumps, so the test controls exactly what is sent)."""
    return client.post(url, data=json.dumps(body), headers={**headers, "Content-Type": "application/json"})


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    """Rows as a CSV file in an encoding, as a clerk's spreadsheet saves it."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(client, url: str, data: bytes, headers: dict, filename: str = "fees.csv"):
    """POST a file as multipart/form-data in the field `file`."""
    return client.post(url, data={"file": (io.BytesIO(data), filename)}, headers=headers,
                       content_type="multipart/form-data")


ZH_HEADER = ["收费代码", "收费项目", "计费单位", "箱型", "进出口", "收费标准"]


# -- schemas of the document ----------------------------------------------------------






# -- the whole flow -------------------------------------------------------------------

def test_draft_from_json_diff_notice_publish_and_public_page(client, session, schedule, auth):
    """The whole flow: JSON draft, its diff and notice check, publication, the public pages."""
    created = post_json(client, f"{API}/schedules/container/drafts",
                        {"items": [f.thc("935.00"), f.storage()]}, auth)
    assert created.status_code == 201 and created.mimetype == "application/json"
    draft = created.get_json()
    conforms(draft, "Draft")
    assert created.headers["Location"] == draft["url"] == f"{API}/drafts/{draft['id']}"
    assert created.headers["Cache-Control"] == "no-store"
    assert (draft["entity"], draft["schedule"], draft["base_version"]) == ("haicang-demo", "container", 1)
    assert [(i["code"], i["amount"]) for i in draft["items"]] == [("THC", "935.00"), ("STORAGE", "20.00")]
    assert draft["items"][1]["tiers"] == [{"from": "1", "to": "4", "amount": "0.00"},
                                          {"from": "5", "to": "10", "amount": "20.00"},
                                          {"from": "11", "to": None, "amount": "40.00"}]
    assert draft["diff"]["summary"] == {"added": 0, "removed": 0, "changed": 1, "unchanged": 1,
                                        "increases": 1, "reductions": 0}
    thc = draft["diff"]["changes"][0]
    assert thc["key"] == {"code": "THC", "container": "40HQ", "direction": "export", "cargo_class": "",
                          "unit": "per_container"}
    assert (thc["status"], thc["changed_fields"], thc["amount_change"], thc["amount_change_pct"]) == \
        ("changed", ["amount"], "85.00", "10.00")
    assert (thc["old"]["amount"], thc["new"]["amount"], thc["raises_charges"]) == ("850.00", "935.00", True)

    soon = today() + timedelta(days=10)
    read = client.get(f"{API}/drafts/{draft['id']}?effective_from={soon.isoformat()}", headers=auth)
    assert read.status_code == 200
    conforms(read.get_json(), "Draft")
    assert read.get_json()["notice"] == {"effective_from": soon.isoformat(), "notice_days": 10,
                                         "short_notice": True, "required_days": 30, "policy": "flag"}

    effective = today() + timedelta(days=40)
    published = post_json(client, f"{API}/drafts/{draft['id']}/publish",
                          {"effective_from": effective.isoformat(), "change_note": "THC 40HQ +¥85",
                           "revision": draft["revision"]}, auth)
    assert published.status_code == 201, published.get_data(as_text=True)
    version = published.get_json()
    conforms(version, "Version")
    assert {k: version[k] for k in ("entity", "schedule", "number", "status", "effective_from", "short_notice",
                                    "change_note", "withdrawn_at", "withdraw_reason")} == {
        "entity": "haicang-demo", "schedule": "container", "number": 2, "status": "published",
        "effective_from": effective.isoformat(), "short_notice": False, "change_note": "THC 40HQ +¥85",
        "withdrawn_at": None, "withdraw_reason": None}
    assert version["published_at"].endswith("Z") and len(version["content_sha256"]) == 64
    assert published.headers["Location"] == version["url"] == \
        "/entities/haicang-demo/schedules/container/versions/2"

    entity_page = client.get("/entities/haicang-demo").get_data(as_text=True)
    assert version["url"] in entity_page
    assert "935" in client.get(version["url"]).get_data(as_text=True)

    me = client.get(f"{API}/me", headers=auth).get_json()
    conforms(me, "Me")
    assert me["schedules"][0] | {"name_zh": None} == {
        "slug": "container", "name_zh": None, "name_en": "Container services", "currency": "CNY",
        "business_line": "port", "latest_published": 2, "in_effect": 1, "drafts": []}
    origins = session.scalars(select(AuditEvent.origin).where(AuditEvent.action == "version.publish")).all()
    assert origins[-1].startswith("api token opf_") and origins[-1].endswith(" 127.0.0.1")


def test_me(client, publisher, schedule, auth, token):
    """The token's account, entity and the state of each schedule."""
    response = client.get(f"{API}/me", headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    conforms(body, "Me")
    assert body == {
        "email": publisher.email, "role": "publisher",
        "entity": {"slug": "haicang-demo", "name_zh": "海沧示例码头", "name_en": "Haicang Demo Terminal"},
        "schedules": [{"slug": "container", "name_zh": "集装箱业务收费", "name_en": "Container services",
                       "currency": "CNY", "business_line": "port", "latest_published": 1, "in_effect": 1,
                       "drafts": []}],
        "token": {"prefix": token[:12], "name": "ERP"},
    }


def test_empty_body_copies_the_current_version_and_copy_current_false_starts_empty(client, schedule, auth):
    """Without items a draft copies the latest version, unless told not to."""
    copied = client.post(f"{API}/schedules/container/drafts", headers=auth)
    assert copied.status_code == 201
    body = copied.get_json()
    assert [i["code"] for i in body["items"]] == ["THC", "STORAGE"]
    assert body["diff"]["summary"]["unchanged"] == 2
    empty = post_json(client, f"{API}/schedules/container/drafts", {"copy_current": False}, auth)
    assert empty.status_code == 201 and empty.get_json()["items"] == []
    me = client.get(f"{API}/me", headers=auth).get_json()
    assert me["schedules"][0]["drafts"] == [body["id"], empty.get_json()["id"]]


def test_draft_from_a_gb18030_csv_file_with_chinese_headers(client, schedule, auth):
    """A clerk's GB18030 CSV with Chinese headers and a thousands separator becomes a draft."""
    data = csv_bytes([ZH_HEADER, ["THC", "码头操作费", "元/箱", "40HQ", "出口", "1,200.00"]], "gb18030")
    response = upload(client, f"{API}/schedules/container/drafts", data, auth)
    assert response.status_code == 201, response.get_data(as_text=True)
    draft = response.get_json()
    conforms(draft, "Draft")
    item = draft["items"][0]
    assert (item["code"], item["name_zh"], item["unit"], item["container"], item["direction"], item["amount"],
            item["currency"]) == ("THC", "码头操作费", "per_container", "40HQ", "export", "1200.00", "CNY")
    assert [(c["status"], c["key"]["code"]) for c in draft["diff"]["changes"]] == \
        [("changed", "THC"), ("removed", "STORAGE")]


def test_discard_a_draft(client, session, schedule, auth):
    """DELETE discards a draft, but not one saved since the revision the client names."""
    draft = client.post(f"{API}/schedules/container/drafts", headers=auth).get_json()
    before = counts(session)
    stale = client.delete(f"{API}/drafts/{draft['id']}?revision={draft['revision'] + 1}", headers=auth)
    problem(stale, 409)
    assert counts(session) == before
    gone = client.delete(f"{API}/drafts/{draft['id']}?revision={draft['revision']}", headers=auth)
    assert gone.status_code == 204 and gone.data == b""
    assert counts(session)["ScheduleVersion"] == before["ScheduleVersion"] - 1
    problem(client.get(f"{API}/drafts/{draft['id']}", headers=auth), 404)


def test_withdraw_an_upcoming_version(client, schedule, auth):
    """An upcoming version is withdrawn with a reason; without one, nothing happens."""
    draft = client.post(f"{API}/schedules/container/drafts", headers=auth).get_json()
    effective = (today() + timedelta(days=60)).isoformat()
    post_json(client, f"{API}/drafts/{draft['id']}/publish", {"effective_from": effective, "change_note": "同上"}, auth)
    url = f"{API}/versions/container/2/withdraw"
    problem(post_json(client, url, {}, auth), 422, [("reason", None)])
    problem(post_json(client, url, {"reason": 5}, auth), 422, [("reason", None)])
    withdrawn = post_json(client, url, {"reason": "Typo in the THC amount"}, auth)
    assert withdrawn.status_code == 200
    body = withdrawn.get_json()
    conforms(body, "Version")
    assert (body["status"], body["number"], body["withdraw_reason"]) == ("withdrawn", 2, "Typo in the THC amount")
    assert body["withdrawn_at"].endswith("Z")


def test_refused_withdrawals_change_nothing(client, schedule, auth, unchanged):
    """A version in effect, an unknown number or schedule: refused, nothing written."""
    in_effect = post_json(client, f"{API}/versions/container/1/withdraw", {"reason": "no"}, auth)
    problem(in_effect, 422)
    problem(post_json(client, f"{API}/versions/container/9/withdraw", {"reason": "no"}, auth), 404)
    problem(post_json(client, f"{API}/versions/nothing/1/withdraw", {"reason": "no"}, auth), 404)
    unchanged()


# -- authentication and ownership -----------------------------------------------------

def _revoked(session, publisher, token):
    """Revoke the publisher's token (through the service)."""
    tokens.revoke_token(session, tokens.tokens_of(session, publisher)[0].id)
    return token


def _deactivated(session, publisher, token):
    """Deactivate the token's account (through the service)."""
    accounts.set_active(session, publisher.id, False)
    return token


@pytest.mark.parametrize("header, make, error", [
    (None, None, False),
    ("Basic dXNlcjpwYXNz", None, False),
    ("Bearer", None, False),
    ("Bearer opf_not-a-real-token", None, True),
    ("Bearer not-even-the-prefix", None, True),
    ("Bearer {token}", _revoked, True),
    ("Bearer {token}", _deactivated, True),
])
def test_requests_without_a_valid_token_get_401(client, session, publisher, token, header, make, error):
    """No, malformed, unknown, revoked or orphaned tokens: 401 with a Bearer challenge, nothing written."""
    if make is not None:
        make(session, publisher, token)
    before = counts(session)
    headers = {"Authorization": header.format(token=token)} if header else {}
    for response in (
        client.get(f"{API}/me", headers=headers),
        post_json(client, f"{API}/schedules/container/drafts", {"items": [f.thc()]}, headers),
        client.post(f"{API}/schedules/container/drafts", headers=headers),
    ):
        problem(response, 401)
        challenge = response.headers["WWW-Authenticate"]
        assert challenge.startswith('Bearer realm="')
        assert ('error="invalid_token"' in challenge) is error
    assert counts(session) == before


def test_another_entitys_drafts_and_schedules_are_out_of_reach(client, session, schedule, auth, rival, unchanged):
    """Another entity's drafts are forbidden (403); its schedules cannot even be named (404)."""
    draft = rival["draft"].id
    problem(client.get(f"{API}/drafts/{draft}", headers=auth), 403)
    problem(client.delete(f"{API}/drafts/{draft}", headers=auth), 403)
    published = post_json(client, f"{API}/drafts/{draft}/publish",
                          {"effective_from": "2099-01-01", "change_note": "x"}, auth)
    problem(published, 403)
    # Schedules are addressed within the token's own entity: another's simply does not exist.
    problem(post_json(client, f"{API}/schedules/ecommerce/drafts", {"items": [f.thc()]}, auth), 404)
    problem(client.post(f"{API}/schedules/nothing/drafts", headers=auth), 404)
    problem(client.get(f"{API}/drafts/999999", headers=auth), 404)
    problem(post_json(client, f"{API}/drafts/999999/publish", {}, auth), 404)
    unchanged()


def test_a_token_of_an_account_that_is_no_longer_a_publisher_gets_403(client, session, publisher, token, unchanged):
    """A token outlives a change of role, but only publishers may use the API."""
    # No service changes a role (accounts are re-created instead); set it as an old row might be.
    publisher.role = "regulator"
    publisher.entity_id = None
    session.commit()
    problem(client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"}), 403)
    unchanged()


# -- bad items --------------------------------------------------------------------------

@pytest.mark.parametrize("items, errors", [
    ([f.thc(code="THC-1")], [("code", 1)]),
    ([f.thc("-5")], [("amount", 1)]),
    ([f.thc("eight hundred")], [("amount", 1)]),
    ([f.thc(850)], [("amount", 1)]),
    ([f.thc(850.5)], [("amount", 1)]),
    ([f.thc("850", min_amount=100)], [("min_amount", 1)]),
    ([f.storage(tiers=[{"from": 1, "to": None, "amount": "20"}])], [("tiers", 1)]),
    ([f.thc(), f.thc("900")], [("code", 2)]),
    ([f.thc(), f.thc(900, container="20GP"), f.thc(code="bad code", container="45HQ")], [("amount", 2), ("code", 3)]),
    ([f.thc(amout="850")], [("amout", 1)]),
    ([f.thc(name_zh=["码头操作费"])], [("name_zh", 1)]),
    (["THC"], [("items", 1)]),
    ({"code": "THC"}, [("items", None)]),
])
def test_invalid_items_are_refused_with_every_error_and_nothing_saved(client, schedule, auth, unchanged,
                                                                      items, errors):
    """Each bad item is named by field and row (its position from 1), and no draft is made."""
    response = post_json(client, f"{API}/schedules/container/drafts", {"items": items}, auth)
    problem(response, 422, errors)
    unchanged()


def test_a_json_number_for_money_is_refused_with_a_clear_message(client, schedule, auth, unchanged):
    """The message says what to send instead of the JSON number."""
    response = post_json(client, f"{API}/schedules/container/drafts?lang=en", {"items": [f.thc(850)]}, auth)
    body = problem(response, 422, [("amount", 1)])
    assert body["errors"][0]["message"] == 'amount must be a string such as "850.00", not a JSON number.'
    unchanged()


@pytest.mark.parametrize("body, errors", [
    ({"itmes": [f.thc()]}, [("itmes", None)]),
    ({"copy_current": "yes"}, [("copy_current", None)]),
])
def test_unknown_or_mistyped_fields_of_the_body_are_refused(client, schedule, auth, unchanged, body, errors):
    """A misspelt key must not silently change what the request does."""
    problem(post_json(client, f"{API}/schedules/container/drafts", body, auth), 422, errors)
    unchanged()


@pytest.mark.parametrize("data, content_type, status", [
    ("{\"items\": [", "application/json", 400),
    ("[]", "application/json", 400),
    ('{"items": [{"code": "THC", "amount": NaN}]}', "application/json", 400),
    ("[" * 100_000, "application/json", 400),
    ("items=THC", "text/plain", 415),
])
def test_unreadable_bodies(client, schedule, auth, unchanged, data, content_type, status):
    """Broken JSON, a non-object, NaN, absurd nesting: 400; a body that is not JSON at all: 415."""
    response = client.post(f"{API}/schedules/container/drafts", data=data,
                           headers={**auth, "Content-Type": content_type})
    problem(response, status)
    unchanged()


@pytest.mark.parametrize("body, where", [
    ({"items": [{"code": "THC", "name_zh": "码头\x00操作费", "unit": "per_container", "amount": "850.00"}]},
     "$.items[0].name_zh"),
    ({"items": [], "no\x00te": "x"}, "$.no\x00te"),
])
def test_a_nul_character_anywhere_in_a_json_body_is_refused(client, schedule, auth, unchanged, body, where):
    """As in posted forms: 400 saying where, nothing saved (PostgreSQL text cannot hold a NUL)."""
    response = post_json(client, f"{API}/schedules/container/drafts", body, auth)
    problem(response, 400)
    assert where in response.get_json()["detail"]
    unchanged()


def test_a_nul_in_a_publication_request_is_refused(client, session, draft, auth):
    before = counts(session)
    response = _publish(client, draft, auth, change_note="调价\x00")
    problem(response, 400)
    assert "$.change_note" in response.get_json()["detail"]
    assert counts(session) == before


# -- bad files --------------------------------------------------------------------------

def test_a_file_without_a_required_column_is_refused(client, schedule, auth, unchanged):
    """The missing column is named in the file's language, on the header row."""
    data = csv_bytes([ZH_HEADER[:-1], ["THC", "码头操作费", "元/箱", "40HQ", "出口"]], "gb18030")
    problem(upload(client, f"{API}/schedules/container/drafts", data, auth), 422, [("收费标准", 1)])
    unchanged()


def test_a_file_with_bad_rows_names_each_row_and_column(client, schedule, auth, unchanged):
    """Errors carry the file's own column header and spreadsheet row (a non-number, a repeated fee)."""
    data = csv_bytes([ZH_HEADER, ["THC", "码头操作费", "元/箱", "40HQ", "出口", "850"],
                      ["THC", "码头操作费", "元/箱", "20GP", "出口", "八百"],
                      ["THC", "码头操作费", "元/箱", "40HQ", "出口", "900"]])
    problem(upload(client, f"{API}/schedules/container/drafts", data, auth), 422,
            [("收费标准", 3), ("收费代码", 4)])
    unchanged()


def test_a_file_in_an_unreadable_encoding_is_refused(client, schedule, auth, unchanged):
    """BOM-less UTF-16 is neither UTF-8 nor GB18030: refused with advice."""
    data = "\n".join(",".join(row) for row in [ZH_HEADER, ["THC", "码头操作费", "元/箱", "40HQ", "出口", "850"]])
    body = problem(upload(client, f"{API}/schedules/container/drafts?lang=en", data.encode("utf-16-le"), auth), 422)
    assert "UTF-8" in body["title"]
    unchanged()


def test_a_multipart_request_without_the_file_field(client, schedule, auth, unchanged):
    """A form upload must put the file in the field `file`."""
    response = client.post(f"{API}/schedules/container/drafts", data={"other": "x"}, headers=auth,
                           content_type="multipart/form-data")
    problem(response, 422, [("file", None)])
    unchanged()


def test_oversized_uploads_and_bodies_get_413(app, client, schedule, auth, unchanged):
    """Beyond MAX_CONTENT_LENGTH: 413, as problem+json on the API like every other error."""
    app.config["MAX_CONTENT_LENGTH"] = 2048
    rows = [ZH_HEADER] + [[f"X{n}", "费用", "元/箱", "40HQ", "出口", "1"] for n in range(200)]
    problem(upload(client, f"{API}/schedules/container/drafts", csv_bytes(rows), auth), 413)
    problem(post_json(client, f"{API}/schedules/container/drafts", {"items": [f.thc()] * 100}, auth), 413)
    unchanged()


# -- publishing refusals ----------------------------------------------------------------

@pytest.fixture
def draft(client, schedule, auth) -> dict:
    """An open draft raising THC to ¥935, as the API returned it."""
    return post_json(client, f"{API}/schedules/container/drafts", {"items": [f.thc("935"), f.storage()]},
                     auth).get_json()


def _publish(client, draft: dict, auth: dict, **fields):
    """POST a publication of `draft` (effective in 45 days unless `fields` say otherwise)."""
    body = {"effective_from": (today() + timedelta(days=45)).isoformat(), "change_note": "调价", **fields}
    return post_json(client, f"{API}/drafts/{draft['id']}/publish", body, auth)


@pytest.mark.parametrize("fields, errors", [
    ({"effective_from": "2025-13-01"}, [("effective_from", None)]),
    ({"effective_from": "20250101"}, [("effective_from", None)]),
    ({"effective_from": None}, [("effective_from", None)]),
    ({"effective_from": "2022-01-01"}, [("effective_from", None)]),
    ({"change_note": "  "}, [("change_note", None)]),
    ({"change_note": 5}, [("change_note", None)]),
    ({"revision": "one"}, [("revision", None)]),
    ({"publish_now": True}, [("publish_now", None)]),
])
def test_invalid_publication_requests(client, session, draft, auth, fields, errors):
    """Bad dates, notes, revisions and unknown fields: 422 naming the field, nothing published."""
    before = counts(session)
    problem(_publish(client, draft, auth, **fields), 422, errors)
    assert counts(session) == before


def test_publishing_a_stale_revision_is_a_conflict(client, session, draft, auth):
    """Publishing what the client did not review is refused with 409."""
    before = counts(session)
    problem(_publish(client, draft, auth, revision=draft["revision"] + 1), 409)
    assert counts(session) == before


def test_publishing_twice_is_a_conflict(client, session, draft, auth):
    """A published draft cannot be published again: 409, no second log entry."""
    assert _publish(client, draft, auth).status_code == 201
    before = counts(session)
    problem(_publish(client, draft, auth), 409)
    assert counts(session) == before


def test_publishing_a_draft_overtaken_by_another_version_is_a_conflict(client, session, draft, auth):
    """A draft started before another version was published would undo its changes: 409."""
    other = client.post(f"{API}/schedules/container/drafts", headers=auth).get_json()
    assert _publish(client, other, auth).status_code == 201
    before = counts(session)
    problem(_publish(client, draft, auth), 409)
    assert counts(session) == before


def test_short_notice_is_refused_under_enforce(app, client, session, draft, auth):
    """Under the enforce policy an increase with too little notice is refused on effective_from."""
    app.config["FEES_NOTICE_POLICY"] = "enforce"
    before = counts(session)
    soon = (today() + timedelta(days=5)).isoformat()
    problem(_publish(client, draft, auth, effective_from=soon), 422, [("effective_from", None)])
    assert counts(session) == before
    notice = client.get(f"{API}/drafts/{draft['id']}?effective_from={soon}", headers=auth).get_json()["notice"]
    assert (notice["short_notice"], notice["policy"]) == (True, "enforce")


def test_a_bad_planned_date_when_reading_a_draft(client, draft, auth):
    """The notice check needs a real date."""
    problem(client.get(f"{API}/drafts/{draft['id']}?effective_from=soon", headers=auth), 422,
            [("effective_from", None)])


# -- the OpenAPI document ---------------------------------------------------------------

def test_the_document_is_valid_openapi_3_1(client):
    """/api/v1/openapi.json is a valid OpenAPI 3.1 document with the agreed frame."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    validate_spec(document)
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == "Open Port Fees API" and document["info"]["version"] == "1"
    assert document["info"]["license"]["identifier"] == "CC-BY-4.0"
    assert document["servers"] == [{"url": "/"}]
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")


def _documented_form(rule: str) -> str:
    """/drafts/<int:draft_id> as OpenAPI writes it: /drafts/{draft_id}."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_every_api_route_is_documented_and_every_documented_path_exists(app):
    """An undocumented endpoint (or a documented one that is gone) fails the build."""
    paths = build_document()["paths"]
    served = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = _documented_form(rule.rule)
            served.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    for path, methods in served.items():
        assert path in paths, f"{path} is not in the OpenAPI document"
        assert methods <= set(paths[path]), f"{path}: {methods - set(paths[path])} not documented"
    assert set(paths) == set(served), "documented paths the app does not serve"
    for path, item in paths.items():
        for method in served[path]:
            if path.startswith("/api/v1/publisher/"):
                assert item[method]["security"] == [{"bearerAuth": []}]


def test_sections_cannot_describe_the_same_path_twice():
    """Two modules describing one path is a mistake to report, not to resolve silently."""
    class Twice:
        """A section that repeats the publisher API's /me."""

        PATHS = {"/api/v1/publisher/me": {}}

    with pytest.raises(ValueError, match="described twice"):
        build_document([*SECTIONS, Twice])


@pytest.mark.parametrize("method, path", [
    ("get", f"/api/v1/publisher/drafts/{2**31}"), ("delete", f"/api/v1/publisher/drafts/{2**31}"),
    ("post", f"/api/v1/publisher/drafts/{2**31}/publish"),
])
def test_an_id_beyond_32_bits_is_not_found_on_every_database(client, auth, method, path):
    """PostgreSQL refuses such a number in an integer comparison; it must be a 404, not a 500."""
    assert getattr(client, method)(path, headers=auth, json={}).status_code == 404
