"""Paging through thousands of fee items while new versions are published: keyset pages
see every item that existed at the start exactly once, and nothing twice."""
from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from fees.db import db
from fees.services import drafts, publishing
from opendata.pagination import decode_cursor, decode_key, encode_cursor, encode_key
from tests import factories as f

SCHEDULES = 8
VERSIONS_EACH = 5  # 40 versions
ITEMS_EACH = 60  # 2,400 items
LIMIT = 50


def version_items(version: int, n: int = ITEMS_EACH) -> list[dict]:
    """`n` distinct fees whose amounts tell the version apart."""
    return [{"code": f"FEE_{i:02d}", "name_zh": f"收费项目{i}", "unit": "per_bill", "amount": f"{i + 1}.{version:02d}"}
            for i in range(n)]


def publish_next(session, schedule, number: int) -> set[int]:
    """Publish the schedule's next version (through the services, like a publisher) and
    return its items' ids."""
    draft = drafts.create_draft(session, schedule, items=version_items(number))
    effective = date(2030, 1, 1) + timedelta(days=number)
    version = publishing.publish_version(session, draft.id, effective_from=effective, change_note=f"第 {number} 版")
    return {item.id for item in version.items}


@pytest.fixture
def market(session):
    """Eight entities' schedules, five versions each, sixty items each: 2,400 fee items."""
    schedules = [f.schedule(session, f.entity(session, slug=f"terminal-{n}")) for n in range(SCHEDULES)]
    for number in range(1, VERSIONS_EACH + 1):
        for schedule in schedules:
            f.publish(session, schedule, version_items(number), effective=date(2020 + number, 1, 1),
                      now=f.utc(2019 + number, 6, 1))
    session.commit()
    return schedules


def page_through(client, url: str, between=lambda page: None, limit: int = LIMIT) -> list[int]:
    """The ids of every item on every page of `url`, calling `between(n)` after page n."""
    seen, page = [], 0
    url = f"{url}?limit={limit}"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.get_json()
        assert len(body["items"]) <= limit
        seen += [item["id"] for item in body["items"]]
        url = body["next"]
        page += 1
        between(page)
    return seen


def test_every_item_once_while_versions_are_published_between_pages(client, session, market):
    start = set(page_through(client, "/api/v1/fee-items", limit=1000))
    assert len(start) == SCHEDULES * VERSIONS_EACH * ITEMS_EACH
    published: list[set[int]] = []

    def publish_some(page: int) -> None:
        if page % 4 == 0:  # every fourth page a schedule publishes a new version
            schedule = market[page // 4 % SCHEDULES]
            published.append(publish_next(session, schedule, VERSIONS_EACH + len(published) + 1))

    seen = page_through(client, "/api/v1/fee-items", publish_some)

    assert len(published) >= 10
    assert len(seen) == len(set(seen)), "an item was seen twice"
    new = set().union(*published)
    assert start <= set(seen)
    assert set(seen) - start <= new
    # Items only ever get higher ids, so everything published before the last page is on it.
    assert new - set(seen) <= published[-1]


def test_every_item_once_while_another_connection_publishes(app, client, session, market):
    start = set(page_through(client, "/api/v1/fee-items", limit=1000))
    schedule_ids = [s.id for s in market[:2]]
    stop, failures, published = threading.Event(), [], []
    first_published = threading.Event()

    def publisher() -> None:
        """Another process, in effect: its own app context, session and connection."""
        from fees.models import FeeSchedule

        with app.app_context():
            try:
                number = VERSIONS_EACH
                while not stop.is_set():
                    number += 1
                    for schedule_id in schedule_ids:
                        schedule = db.session.get(FeeSchedule, schedule_id)
                        published.append(publish_next(db.session, schedule, number))
                        first_published.set()
            except Exception as exc:  # reported to the test, not lost in the thread
                failures.append(exc)
                first_published.set()
            finally:
                db.session.remove()

    thread = threading.Thread(target=publisher)
    thread.start()
    try:
        assert first_published.wait(30)
        seen = page_through(client, "/api/v1/fee-items")
    finally:
        stop.set()
        thread.join(60)
    assert not failures, failures
    print(f"{len(published)} versions published by the other connection")
    assert set(seen) - start, "the other connection's items appear on the later pages"
    assert len(seen) == len(set(seen)), "an item was seen twice"
    assert start <= set(seen)
    assert set(seen) - start <= set().union(*published)


@pytest.mark.parametrize("key, kinds", [((17, 3), (int, int)), (("haicang-demo",), (str,)), ((120,), (int,))])
def test_key_cursors_round_trip(key, kinds):
    assert decode_key(encode_key(key), kinds) == key


@pytest.mark.parametrize("cursor, kinds", [
    ("", (int,)), ("!!!", (int,)), (encode_key((1, 2)), (int,)), (encode_key((1,)), (int, int)),
    (encode_key(("x",)), (int,)), (encode_key((1,)), (str,)), (encode_key((-1,)), (int,)),
    (encode_key((True,)), (int,)), (encode_key((2**31,)), (int,)), (encode_key(("",)), (str,)),
    (encode_key(("a\nb",)), (str,)),
    (encode_cursor("after", 5), (int,)), (encode_cursor("offset", [5]), (int,)),
])
def test_key_cursors_refuse_anything_else(cursor, kinds):
    with pytest.raises(ValueError):
        decode_key(cursor, kinds)


def test_a_number_no_database_column_holds_is_no_cursor():
    with pytest.raises(ValueError):
        decode_cursor(encode_cursor("after", 10**30), "after")
