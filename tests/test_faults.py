"""Faults never lose data or show a stack trace: a publication or import failing half-way
leaves nothing behind; a missing, damaged or unwritable search index never breaks a page;
an unreachable database is a clear 503 in the reader's language.

(A failed open data rebuild serving the last good file is tested in test_opendata_package.py.)
"""
from __future__ import annotations

import io
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from app import create_app
from fees.db import db
from fees.models import AuditEvent, FeeItem, PublicationLogEntry, ScheduleVersion
from fees.search import index, results
from fees.services import drafts, ledger, publishing, tokens
from fees.views.helpers import today
from tests import factories as f
from tests.web import sign_in

TRACE = "Traceback"
UNREACHABLE = {
    "postgresql": "postgresql://postgres@127.0.0.1:1/nowhere",  # a refused port
    "sqlite": "sqlite:////nonexistent-faults-dir/nowhere/fees.db",  # a folder that does not exist
}


def db_down(*args, **kwargs):
    """What the driver raises when the connection drops in the middle of a transaction."""
    raise OperationalError("INSERT ...", {}, Exception("server closed the connection unexpectedly"))


@pytest.fixture
def draft(session, schedule, publisher):
    """An open draft raising THC to ¥935 (two items)."""
    return drafts.create_draft(session, schedule, items=[f.thc("935"), f.storage()], actor=publisher)


def snapshot(session, draft_id: int) -> dict:
    """Everything a publication writes, read afresh from the database."""
    session.rollback()
    session.expire_all()
    version = session.get(ScheduleVersion, draft_id)
    count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
    return {
        "draft": (version.status, version.number, version.published_at, version.content_sha256),
        "items": sorted((i.code, str(i.amount)) for i in version.items),
        "versions": count(ScheduleVersion), "all_items": count(FeeItem),
        "log": count(PublicationLogEntry), "audit": count(AuditEvent),
        "head": ledger.lock_log(session).entry_hash,
    }


def thc_amounts(session) -> list[str]:
    return [r["amount"] for r in results.search(session, "THC", today(), {}, limit=100).items]


# -- 1. a publication or an import failing half-way ---------------------------------------

def _fail_commit(session, monkeypatch):
    monkeypatch.setattr(session, "commit", db_down)


@pytest.mark.parametrize("inject", [
    lambda session, mp: mp.setattr(publishing, "append_entry", db_down),  # after number, hash, status
    lambda session, mp: mp.setattr(publishing, "audit", db_down),  # after the log entry
    _fail_commit,  # at the very end
], ids=["log-entry", "audit", "commit"])
def test_a_publication_failing_half_way_leaves_nothing_behind(session, draft, searching, monkeypatch, inject):
    """The draft stays a draft with its items and no number, no log entry or audit event is
    left, the log still verifies, and the search index is as it was."""
    assert thc_amounts(session) == ["850.00"]
    before = snapshot(session, draft.id)
    mark = index.index_mark(index.open_index())
    inject(session, monkeypatch)
    with pytest.raises(OperationalError):
        publishing.publish_version(session, draft.id, effective_from=today() + timedelta(days=40),
                                   change_note="调价", actor=None)
    monkeypatch.undo()
    assert snapshot(session, draft.id) == before
    assert before["draft"][:2] == ("draft", None) and len(before["items"]) == 2
    assert ledger.verify_log(session) == []
    assert index.index_mark(index.open_index()) == mark
    assert thc_amounts(session) == ["850.00"]
    # and the same draft publishes cleanly once the database is back
    version = publishing.publish_version(session, draft.id, effective_from=today(), change_note="调价")
    assert (version.status, version.number) == ("published", 2) and ledger.verify_log(session) == []
    assert thc_amounts(session) == ["935.00"]


@pytest.mark.parametrize("lang, message", [("zh", "暂时无法连接数据库"), ("en", "The database cannot be reached")])
def test_a_web_publication_failing_half_way_is_a_clear_page_and_saves_nothing(
        client, session, publisher, draft, monkeypatch, lang, message):
    assert sign_in(client, publisher).status_code == 302
    before = snapshot(session, draft.id)
    monkeypatch.setattr(publishing, "append_entry", db_down)
    response = client.post(f"/publish/drafts/{draft.id}/publish?lang={lang}",
                           data={"effective_from": (today() + timedelta(days=40)).isoformat(),
                                 "change_note": "调价", "revision": draft.revision})
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert message in page and TRACE not in page and "server closed" not in page
    assert snapshot(session, draft.id) == before and ledger.verify_log(session) == []


def test_an_api_publication_failing_half_way_is_a_problem_and_saves_nothing(
        client, session, publisher, draft, monkeypatch):
    token, _ = tokens.create_token(session, publisher, name="ERP")
    before = snapshot(session, draft.id)
    monkeypatch.setattr(publishing, "audit", db_down)
    response = client.post(f"/api/v1/publisher/drafts/{draft.id}/publish",
                           json={"effective_from": (today() + timedelta(days=40)).isoformat(), "change_note": "调价"},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == "30"
    body = response.get_json()
    assert (body["status"], body["code"]) == (503, "database_unavailable") and body["detail"]
    assert TRACE not in response.get_data(as_text=True)
    assert snapshot(session, draft.id) == before and ledger.verify_log(session) == []


def test_an_import_failing_half_way_leaves_no_partial_draft(client, session, schedule, publisher, monkeypatch):
    """The items are flushed, then the audit write fails: no draft, no items."""
    assert sign_in(client, publisher).status_code == 302
    exported = client.get("/entities/haicang-demo/schedules/container/versions/1/export.csv")
    count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
    before = (count(ScheduleVersion), count(FeeItem), count(AuditEvent))
    monkeypatch.setattr(drafts, "audit", db_down)
    response = client.post(f"/publish/schedules/{schedule.id}/import?lang=en",
                           data={"file": (io.BytesIO(exported.data), "v1.csv")}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "The database cannot be reached" in page and TRACE not in page
    session.rollback()
    assert (count(ScheduleVersion), count(FeeItem), count(AuditEvent)) == before
    assert drafts.drafts_of(session, schedule.id) == []


# -- 2. a missing, damaged or unwritable search index -----------------------------------

PAGES = ("/search?q=THC&lang=en", "/api/v1/search?q=THC", "/", "/entities/haicang-demo")


@pytest.mark.parametrize("damage", ["deleted", "truncated-segment", "garbage-toc"])
def test_a_missing_or_damaged_index_never_breaks_a_page(client, session, schedule, searching, damage, caplog):
    """Every page answers 200 and the next search rebuilds the index with the right results."""
    assert thc_amounts(session) == ["850.00"]
    folder = Path(index.index_dir())
    if damage == "deleted":
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    elif damage == "truncated-segment":
        segments = list(folder.glob("*.seg"))
        assert segments
        for path in segments:
            path.write_bytes(path.read_bytes()[:40])
    else:
        for path in folder.glob("_MAIN_*.toc"):
            path.write_bytes(b"\x00garbage")
    searching.extensions.pop("fees.search_answers", None)  # remembered answers would hide the damage
    with caplog.at_level(logging.WARNING, logger="fees.search"):
        for url in PAGES:
            response = client.get(url)
            assert response.status_code == 200, url
            assert TRACE not in response.get_data(as_text=True)
    if damage != "deleted":  # the damage was seen (and logged), not missed
        assert "rebuil" in caplog.text
    assert "CN¥850.00" in client.get("/search?q=THC&lang=en").get_data(as_text=True)
    assert [i["amount"] for i in client.get("/api/v1/search?q=THC").get_json()["items"]] == ["850.00"]
    assert index.index_mark(index.open_index()) == index.database_mark(session)


def test_an_unwritable_index_folder_is_a_notice_not_an_error(app, client, session, schedule, searching, tmp_path):
    """The index cannot be created at all (its folder is under a file): the search page still
    answers 200 with a notice, the API 503 problem+json, the other pages are untouched."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the index folder should be")
    app.config["FEES_SEARCH_DIR"] = str(blocker / "search-index")
    page = client.get("/search?q=THC&lang=en")
    assert page.status_code == 200 and "Search is unavailable for a moment" in page.get_data(as_text=True)
    api = client.get("/api/v1/search?q=THC")
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    for url in ("/", "/entities/haicang-demo"):
        assert client.get(url).status_code == 200, url


# -- 4. the database unreachable -------------------------------------------------------------

@pytest.fixture(params=sorted(UNREACHABLE))
def dead_app(request, tmp_path):
    """The app pointed at a database that cannot be reached."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": UNREACHABLE[request.param],
                      "FEES_SEARCH_DIR": str(tmp_path / "search-index")})
    app.instance_path = str(tmp_path / "instance")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("url", ["/", "/entities", "/entities/haicang-demo", "/search?q=THC"])
def test_an_unreachable_database_is_a_503_page_in_the_readers_language(dead_app, url, caplog):
    client = dead_app.test_client()
    with caplog.at_level(logging.ERROR):
        zh = client.get(url)
    text = zh.get_data(as_text=True)
    assert zh.status_code == 503 and zh.headers["Retry-After"] == "30" and zh.mimetype == "text/html"
    assert "服务暂不可用" in text and "暂时无法连接数据库" in text and 'lang="zh-CN"' in text
    assert TRACE not in text and "OperationalError" not in text
    assert "database error" in caplog.text  # logged, with its traceback, for the operator
    en = client.get(url + ("&" if "?" in url else "?") + "lang=en").get_data(as_text=True)
    assert "Service unavailable" in en and "The database cannot be reached" in en and TRACE not in en


def test_an_unreachable_database_is_a_503_problem_for_programs(dead_app):
    response = dead_app.test_client().get("/api/v1/fee-items")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert (body["status"], body["code"], body["title"]) == (503, "database_unavailable", "服务暂不可用")
    assert TRACE not in response.get_data(as_text=True)
    english = dead_app.test_client().get("/api/v1/fee-items?lang=en").get_json()
    assert english["detail"] == "The database cannot be reached. Please try again shortly."


def test_a_signed_in_reader_still_gets_the_503_page(client, publisher, dead_app):
    """The page does not ask the database who is signed in (that would fail again: a 500)."""
    assert sign_in(client, publisher).status_code == 302
    cookie = client.get_cookie("session")
    dead = dead_app.test_client()
    dead.set_cookie(cookie.key, cookie.value)
    response = dead.get("/publish/?lang=en")
    text = response.get_data(as_text=True)
    assert response.status_code == 503 and "The database cannot be reached" in text and TRACE not in text
    assert "Sign in" in text and publisher.email not in text


def test_a_database_bug_is_a_500_not_a_503(app, client, session):
    """An error of the SQL itself (not of the connection) is rolled back and answered 500."""
    def broken():
        raise IntegrityError("INSERT ...", {}, Exception("UNIQUE constraint failed"))

    app.add_url_rule("/__broken", "broken_for_test", broken)
    response = client.get("/__broken?lang=en")
    assert response.status_code == 500 and "Retry-After" not in response.headers
    assert "UNIQUE" not in response.get_data(as_text=True)
