"""HTTP behaviour of the API (opendata/api/http.py) and the API page (opendata/apidocs.py):
validators and 304 before the view runs, Cache-Control, CORS for public reads only, the
per-client rate limit as problem+json, and the page generated from the OpenAPI document."""
from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from werkzeug.http import http_date

from app import create_app
from fees.db import db
from fees.services import tokens
from opendata import apidocs
from opendata.api import http
from opendata.api.openapi import build_document
from tests import factories as f
from tests.conftest import _config
from tests.web import make_user

ORIGIN = "https://newsroom.example"


def token_for(session, schedule) -> str:
    """An API token of Haicang's publisher."""
    token, _ = tokens.create_token(session, make_user(session, "publisher", entity=schedule.entity), name="test")
    return token


def publish_v2(session, schedule, now: datetime | None = None):
    """A second Haicang version, recorded now (unless told): the public data change."""
    now = now or datetime.now(timezone.utc)
    return f.publish(session, schedule, [f.thc("900")], effective=(now + timedelta(days=40)).date(), now=now)


@pytest.fixture
def a_moment_later(monkeypatch):
    """The API's clock ten seconds ahead: what the fixtures just wrote is in a past second."""
    ahead = datetime.now(timezone.utc) + timedelta(seconds=10)
    monkeypatch.setattr(http, "utcnow", lambda: ahead)
    return ahead


# -- validators and 304 ---------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/log", "/api/v1/log.csv", "/api/v1/compare?code=THC&container=40HQ"
                                  "&direction=export", "/api/v1/compare.csv?code=THC&bom=true"])
def test_public_reads_carry_validators_and_may_be_cached(client, schedule, a_moment_later, path):
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    etag, weak = response.get_etag()
    assert re.fullmatch(r"[0-9a-f]{32}", etag) and not weak
    assert response.last_modified is not None
    assert response.headers["Cache-Control"] == "public, max-age=60"


def test_if_none_match_gets_304_without_running_the_view(client, schedule, monkeypatch):
    first = client.get("/api/v1/log.csv")
    etag = first.headers["ETag"]

    def no_query(*args, **kwargs):
        raise AssertionError("the view ran for a request that the validators answer")

    monkeypatch.setattr("opendata.api.log.logdata.iter_entries", no_query)
    again = client.get("/api/v1/log.csv", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == "public, max-age=60"
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    # HEAD is validated the same way.
    assert client.head("/api/v1/log.csv", headers={"If-None-Match": f'"other", {etag}'}).status_code == 304


def test_a_different_etag_gets_the_whole_answer(client, schedule):
    response = client.get("/api/v1/log", headers={"If-None-Match": '"0123456789abcdef0123456789abcdef"'})
    assert response.status_code == 200 and len(response.get_json()["items"]) == 1


def test_if_none_match_star_is_left_to_the_view(client, schedule):
    """`*` means "any answer": whether a URL has one (or is a 422) only the view knows."""
    assert client.get("/api/v1/log?limit=0", headers={"If-None-Match": "*"}).status_code == 422


def test_if_modified_since_gets_304_until_something_is_published(client, session, schedule, a_moment_later):
    first = client.get("/api/v1/log")
    since = first.headers["Last-Modified"]
    assert client.get("/api/v1/log", headers={"If-Modified-Since": since}).status_code == 304
    publish_v2(session, schedule, now=a_moment_later - timedelta(seconds=5))
    later = client.get("/api/v1/log", headers={"If-Modified-Since": since})
    assert later.status_code == 200 and len(later.get_json()["items"]) == 2


def test_a_change_within_this_second_has_no_last_modified(client, session, schedule, monkeypatch):
    """HTTP dates have whole seconds: a client holding this second's date could miss a
    second change within it, so only the ETag validates such an answer."""
    published = publish_v2(session, schedule)
    monkeypatch.setattr(http, "utcnow", lambda: published.published_at + timedelta(microseconds=1))
    response = client.get("/api/v1/log")
    assert "Last-Modified" not in response.headers and "ETag" in response.headers
    since = http_date(published.published_at)
    assert client.get("/api/v1/log", headers={"If-Modified-Since": since}).status_code == 200


def test_a_publication_changes_the_etag(client, session, schedule):
    before = client.get("/api/v1/log.csv").headers["ETag"]
    assert client.get("/api/v1/log.csv", headers={"If-None-Match": before}).status_code == 304
    publish_v2(session, schedule)
    after = client.get("/api/v1/log.csv", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["ETag"] != before
    assert after.get_data(as_text=True).count("\r\n") == 3  # header and two entries


def test_the_etag_names_the_url_the_language_and_the_day(client, schedule, monkeypatch, a_moment_later):
    etag = client.get("/api/v1/log").headers["ETag"]
    assert client.get("/api/v1/log?limit=5").headers["ETag"] != etag
    assert client.get("/api/v1/log?lang=en").headers["ETag"] != client.get("/api/v1/log?lang=zh").headers["ETag"]
    assert client.get("/api/v1/log").headers["ETag"] == etag  # stable while nothing changes
    monkeypatch.setattr(http, "today", lambda: date(2099, 1, 2))
    monkeypatch.setattr(http, "utcnow", lambda: datetime(2099, 1, 2, 2, tzinfo=timezone.utc))
    tomorrow = client.get("/api/v1/log", headers={"If-None-Match": etag})
    assert tomorrow.status_code == 200 and tomorrow.headers["ETag"] != etag
    # Answers about "today" change at the port's midnight, so Last-Modified is never before it.
    assert tomorrow.last_modified == datetime(2099, 1, 1, 16, tzinfo=timezone.utc)


def test_last_modified_is_the_latest_publication_when_it_is_after_midnight(client, session, schedule, monkeypatch,
                                                                          a_moment_later):
    monkeypatch.setattr(http, "today", lambda: date(2022, 4, 1))
    publish_v2(session, schedule, now=f.utc(2022, 4, 1))  # after 2022-04-01's midnight at the port
    modified = client.get("/api/v1/log").last_modified
    assert modified > datetime(2022, 3, 31, 16, tzinfo=timezone.utc)
    old = http_date(datetime(2022, 3, 31, 16, tzinfo=timezone.utc))
    assert client.get("/api/v1/log", headers={"If-Modified-Since": old}).status_code == 200


def test_errors_carry_no_validators(client, schedule):
    response = client.get("/api/v1/log?limit=0")
    assert response.status_code == 422 and "ETag" not in response.headers
    assert "public" not in response.headers.get("Cache-Control", "")


# -- what is never cached or shared -------------------------------------------------------

def test_publisher_answers_are_private(client, session, schedule):
    token = token_for(session, schedule)
    headers = {"Authorization": f"Bearer {token}", "Origin": ORIGIN}
    me = client.get("/api/v1/publisher/me", headers=headers)
    assert me.status_code == 200
    assert "ETag" not in me.headers and "Last-Modified" not in me.headers
    assert me.headers["Cache-Control"] == "no-store"
    assert "Access-Control-Allow-Origin" not in me.headers
    # A validator never short-cuts authentication.
    refused = client.get("/api/v1/publisher/me", headers={"If-None-Match": "*", "Origin": ORIGIN})
    assert refused.status_code == 401 and refused.headers["Cache-Control"] == "no-store"
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_no_preflight_lets_another_site_write(client, schedule):
    preflight = client.options("/api/v1/publisher/schedules/container/drafts", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, Content-Type"})
    assert not any(h.startswith("Access-Control-") for h in preflight.headers.keys())


def test_the_servers_verification_is_computed_afresh(client, schedule):
    response = client.get("/api/v1/log/verify")
    assert response.status_code == 200
    assert "ETag" not in response.headers and response.headers["Cache-Control"] == "no-store"


def test_a_view_marked_uncached_gets_no_validators(app, client):
    @http.uncached
    def fresh():
        return {"now": "fresh"}

    def plain():
        return {"now": "plain"}

    app.add_url_rule("/api/v1/test-fresh", "api.test_fresh", fresh)
    app.add_url_rule("/api/v1/test-plain", "api.test_plain", plain)
    assert "ETag" not in client.get("/api/v1/test-fresh").headers
    assert "ETag" in client.get("/api/v1/test-plain").headers


# -- CORS -----------------------------------------------------------------------------------

def test_any_site_may_read_the_public_api(client, schedule):
    response = client.get("/api/v1/log", headers={"Origin": ORIGIN})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    exposed = {h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"Link", "ETag", "Last-Modified", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining",
            "X-RateLimit-Reset"} <= exposed
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_a_preflight_allows_conditional_reads(client, schedule):
    preflight = client.options("/api/v1/log.csv", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "If-None-Match, If-Modified-Since"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert "POST" not in preflight.headers["Access-Control-Allow-Methods"]
    allowed = preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "if-none-match" in allowed and "if-modified-since" in allowed
    assert "Access-Control-Allow-Credentials" not in preflight.headers


def test_html_pages_get_no_cors_headers(client, schedule):
    for path in ("/", "/api/", "/entities"):
        response = client.get(path, headers={"Origin": ORIGIN})
        assert response.status_code == 200
        assert "Access-Control-Allow-Origin" not in response.headers, path
        assert "ETag" not in response.headers, path


# -- the rate limit -------------------------------------------------------------------------

@pytest.fixture
def limited(database_uri, tmp_path):
    """A client of an app whose API allows 3 requests a minute per address."""
    app = create_app(_config(database_uri, tmp_path) | {"API_RATE_LIMIT": "3 per minute"})
    with app.app_context():
        f.entity(db.session, slug="haicang-demo")
        yield app.test_client()
        db.session.remove()
        db.engine.dispose()


def test_the_api_is_rate_limited_per_client_address(limited):
    # One allowance for the whole API, whichever endpoints are asked.
    assert [limited.get(p).status_code for p in ("/api/v1/log", "/api/v1/log/tree", "/api/v1/log.csv")] == [200] * 3
    refused = limited.get("/api/v1/log/tree?lang=en", headers={"Origin": ORIGIN})
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    body = refused.get_json()
    assert body["status"] == 429 and body["title"]
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.headers["X-RateLimit-Limit"] == "3"
    assert refused.headers["Access-Control-Allow-Origin"] == "*"  # a script may read why
    # Another address has its own allowance; preflights and the site's pages are not counted.
    assert limited.get("/api/v1/log", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 200
    assert limited.options("/api/v1/log", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}
                           ).status_code == 200
    assert limited.get("/api/").status_code == 200


def test_the_rate_limit_counts_revalidations(limited):
    etag = limited.get("/api/v1/log").headers["ETag"]
    statuses = [limited.get("/api/v1/log", headers={"If-None-Match": etag}).status_code for _ in range(3)]
    assert statuses == [304, 304, 429]


def test_the_default_limit_is_announced(client):
    response = client.get("/api/v1/log")
    assert response.headers["X-RateLimit-Limit"] == "300"
    assert int(response.headers["X-RateLimit-Remaining"]) == 299
    # Retry-After only on a 429 (or where a view sets its own, e.g. the search's 503).
    assert "Retry-After" not in response.headers


# -- the OpenAPI document -------------------------------------------------------------------

def test_the_document_describes_304_and_429():
    responses = build_document()["components"]["responses"]
    assert "ETag" in responses["NotModified"]["headers"] and "content" not in responses["NotModified"]
    too_many = responses["TooManyRequests"]
    assert "Retry-After" in too_many["headers"]
    assert too_many["content"]["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}


# -- the API page ---------------------------------------------------------------------------

@pytest.mark.parametrize("lang, heading", [("zh", 'lang="zh-CN"'), ("en", "<h1>API documentation</h1>")])
def test_the_api_page_lists_every_operation_and_schema(client, lang, heading):
    response = client.get(f"/api/?lang={lang}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert heading in page
    document = build_document()
    text = html.unescape(page)
    for path, item in document["paths"].items():
        for method, op in item.items():
            if method in apidocs.METHODS:
                assert f'id="{apidocs.anchor("op", op["operationId"])}"' in page, (method, path)
                assert path in text
    for name in document["components"]["schemas"]:
        assert f'id="{apidocs.schema_anchor(name)}"' in page
    # Every link to a schema lands on one.
    for target in set(re.findall(r'href="#(schema-[^"]+)"', page)):
        assert f'id="{target}"' in page
    assert 'href="/api/v1/openapi.json"' in page


def test_the_api_page_is_safe_under_the_strict_csp(client):
    page = client.get("/api/?lang=en").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert not re.search(r"\sstyle=", page) and "<style" not in page
    assert "/static/css/apidocs.css" in page
    # Nothing is loaded from another site (links, such as the licence's, may point there).
    assert not re.search(r'<(script|img|iframe)[^>]*\ssrc="(https?:)?//', page)
    assert not re.search(r'<link[^>]*\shref="(https?:)?//', page)
    assert '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">' in page


def test_the_api_page_shows_the_configured_limits(database_uri, tmp_path):
    app = create_app(_config(database_uri, tmp_path) | {"API_RATE_LIMIT": "", "API_CACHE_MAX_AGE": 300})
    with app.app_context():
        page = app.test_client().get("/api/?lang=en").get_data(as_text=True)
        db.engine.dispose()
    assert "may be cached for 300 seconds" in page and "sets no rate limit" in page


def test_the_api_page_states_the_rate_limit(client):
    assert "300 requests every 60 seconds" in client.get("/api/?lang=en").get_data(as_text=True)
    assert apidocs.rate_limits("300 per minute;10000/day") == [(300, 60), (10000, 86400)]


# -- the page's content, from any document -----------------------------------------------------

SAMPLE = {
    "openapi": "3.1.0",
    "info": {"title": "Sample", "version": "1", "description": "A `sample`."},
    "tags": [{"name": "trees", "description": "Recursive things."}],
    "paths": {
        "/trees/{id}": {
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "get": {"operationId": "tree", "tags": ["trees"], "summary": "One tree",
                    "parameters": [{"name": "depth", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                                            "default": 2}}],
                    "responses": {"200": {"description": "The tree.", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Node"}}}},
                        "404": {"$ref": "#/components/responses/Missing"}}},
        },
        "/ping": {"post": {"summary": "Untagged", "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"type": "object"}, "example": {"名": "值"}}}},
            "responses": {"204": {"description": "Done."}}, "security": [{"bearerAuth": []}]}},
    },
    "components": {
        "parameters": {"Id": {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}},
        "responses": {"Missing": {"description": "No such tree.", "content": {"application/problem+json": {
            "schema": {"$ref": "#/components/schemas/Problem"}}}}},
        "schemas": {
            "Node": {"type": "object", "required": ["value"], "properties": {
                "value": {"anyOf": [{"type": "string", "pattern": "^\\d+$"}, {"type": "null"}]},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                "meta": {"type": "object", "properties": {"kind": {"enum": ["a", ""]}}},
            }},
            "Problem": {"type": "object", "properties": {"title": {"type": "string"}}},
        },
    },
}


def test_the_page_model_follows_refs_and_opens_inline_objects():
    page = apidocs.api_page(SAMPLE)
    assert [s.name for s in page.sections] == ["trees", "other"]
    tree = page.sections[0].operations[0]
    assert tree.anchor == "op-tree" and tree.method == "GET"
    assert [(p.name, p.location, p.required) for p in tree.parameters] == [("id", "path", True),
                                                                           ("depth", "query", False)]
    assert tree.parameters[1].constraints == ["≥ 1", "default: 2"]
    assert [(a.status, a.description) for a in tree.responses] == [("200", "The tree."), ("404", "No such tree.")]
    assert tree.responses[0].bodies[0].type == [("ref", "Node")]
    ping = page.sections[1].operations[0]
    assert ping.secured and ping.request_required and '"名": "值"' in ping.request[0].example
    assert ping.anchor == "op-post-ping"
    node = page.schemas[0]
    fields = {f.name: f for f in node.fields}
    assert list(fields) == ["value", "children", "meta", "meta.kind"]
    assert fields["value"].type == [("text", "string"), ("text", " | "), ("text", "null")]
    assert fields["value"].required and fields["value"].constraints == ["pattern: ^\\d+$"]
    assert fields["children"].type == [("text", "array of "), ("ref", "Node")]  # recursion is a link
    assert fields["meta.kind"].constraints == ['enum: a, ""']


def test_prose_escapes_and_marks_code():
    assert str(apidocs.prose("Follow `next` <b>now</b>")) == "Follow <code>next</code> &lt;b&gt;now&lt;/b&gt;"
