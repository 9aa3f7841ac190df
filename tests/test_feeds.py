"""Atom feeds of publications and withdrawals: valid, complete, stable, per entity."""
from __future__ import annotations

import re
from datetime import date

import feedparser
import pytest

from fees import feeds
from fees.services import publishing
from tests import factories as f

RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture
def published(session, schedule):
    """Haicang: v1 (fixture), v2 raising THC to ¥900, v3 published and then withdrawn;
    a shipping line with one version."""
    f.publish(session, schedule, [f.thc("900"), f.storage()], effective=date(2023, 1, 1), now=f.utc(2022, 11, 1))
    v3 = f.publish(session, schedule, [f.thc("990"), f.storage()], effective=date(2024, 1, 1), now=f.utc(2023, 10, 1))
    publishing.withdraw_version(session, v3.id, reason="测算有误", now=f.utc(2023, 10, 5))
    liner = f.entity(session, slug="minnan-lines", kind="shipping_line", name_zh="闽南示例航运", name_en="Minnan Lines")
    f.publish(session, f.schedule(session, liner, slug="local"), [f.thc("500")],
              effective=date(2023, 3, 1), now=f.utc(2023, 1, 5))
    return schedule


def parsed(client, path: str):
    """Fetch and parse a feed, checking the response and that it is well-formed."""
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_site_feed_has_every_publication_and_withdrawal_newest_first(client, published):
    feed = parsed(client, "/feeds/changes.atom?lang=en")
    assert [e.id for e in feed.entries] == [f"tag:localhost,2025:log/{n}" for n in (5, 4, 3, 2, 1)]
    assert feed.feed.id == "tag:localhost,2025:changes/en"
    assert feed.feed.title == "Open Port Fees: fee schedule changes"
    assert feed.feed.updated == "2023-10-05T02:00:00Z"  # the latest entry (the withdrawal)
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"self": "http://localhost/feeds/changes.atom?lang=en", "alternate": "http://localhost/changes?lang=en"}
    withdrawal = feed.entries[1]
    assert withdrawal.title == "Haicang Demo Terminal Container services version 3 withdrawn"
    assert withdrawal.link == "http://localhost/entities/haicang-demo/schedules/container/versions/3?lang=en"
    assert "Reason: 测算有误" in withdrawal.summary and withdrawal.tags[0].term == "withdraw"
    raise_ = feed.entries[3]
    assert raise_.title == "Haicang Demo Terminal Container services version 2 published"
    assert "Effective from 2023-01-01." in raise_.summary
    assert "largest increase: THC 40HQ export CN¥850.00 → CN¥900.00 (+5.88%)" in raise_.summary
    assert raise_.author == "Haicang Demo Terminal"
    for entry in feed.entries:
        assert RFC3339_UTC.match(entry.updated) and RFC3339_UTC.match(entry.published)


def test_ids_are_unique_and_stable_across_requests_and_languages(client, published):
    first = parsed(client, "/feeds/changes.atom")
    again = parsed(client, "/feeds/changes.atom")
    english = parsed(client, "/feeds/changes.atom?lang=en")
    ids = [e.id for e in first.entries]
    assert len(set(ids)) == len(ids) == 5
    assert ids == [e.id for e in again.entries] == [e.id for e in english.entries]
    entity_ids = [e.id for e in parsed(client, "/feeds/entities/haicang-demo.atom").entries]
    assert set(entity_ids) <= set(ids)  # the same entry keeps its id in every feed


def test_chinese_is_the_default_language(client, published):
    feed = parsed(client, "/feeds/changes.atom")
    assert feed.feed.language == "zh-CN" and feed.feed.id == "tag:localhost,2025:changes"
    assert feed.entries[0].title.startswith("闽南示例航运 集装箱业务收费")  # bilingual names in Chinese
    assert feed.entries[0].link == "http://localhost/entities/minnan-lines/schedules/local/versions/1"
    # a cookie from the web pages does not switch the feed's language
    client.set_cookie("lang", "en")
    assert parsed(client, "/feeds/changes.atom").feed.language == "zh-CN"


def test_entity_feed_has_only_that_entity(client, published):
    feed = parsed(client, "/feeds/entities/haicang-demo.atom?lang=en")
    assert [e.id for e in feed.entries] == [f"tag:localhost,2025:log/{n}" for n in (4, 3, 2, 1)]
    assert all("/entities/haicang-demo/" in e.link for e in feed.entries)
    assert feed.feed.id == "tag:localhost,2025:entities/haicang-demo/en"
    assert feed.feed.title == "Haicang Demo Terminal: fee schedule changes"
    liner = parsed(client, "/feeds/entities/minnan-lines.atom")
    assert [e.id for e in liner.entries] == ["tag:localhost,2025:log/5"]
    assert client.get("/feeds/entities/nobody.atom").status_code == 404


def test_feed_keeps_the_newest_entries_only(client, published, monkeypatch):
    monkeypatch.setattr(feeds, "ENTRY_LIMIT", 2)
    assert [e.id[-5:] for e in parsed(client, "/feeds/changes.atom").entries] == ["log/5", "log/4"]


def test_an_empty_feed_is_still_valid(client, session):
    feed = parsed(client, "/feeds/changes.atom")
    assert feed.entries == [] and RFC3339_UTC.match(feed.feed.updated)


def test_feed_answers_conditional_requests(client, published):
    etag = client.get("/feeds/changes.atom").headers["ETag"]
    assert client.get("/feeds/changes.atom", headers={"If-None-Match": etag}).status_code == 304


def test_pages_point_to_their_feeds(client, published):
    assert 'href="/feeds/changes.atom"' in client.get("/changes").get_data(as_text=True)
    assert 'href="/feeds/entities/minnan-lines.atom"' in client.get("/changes?entity=minnan-lines").get_data(as_text=True)
    history = client.get("/entities/haicang-demo/schedules/container/history").get_data(as_text=True)
    assert 'type="application/atom+xml"' in history and "/feeds/entities/haicang-demo.atom" in history


def test_tag_uris_drop_the_port_number():
    assert feeds.tag_uri("Example.org:8443", "log/1") == "tag:example.org,2025:log/1"
    assert feeds.tag_uri("localhost", "changes") == "tag:localhost,2025:changes"


def test_characters_xml_cannot_carry_are_dropped():
    moment = f.utc(2025, 1, 1)
    entry = feeds.Entry(id="tag:example.org,2025:log/1", title="a\x0bb", updated=moment, published=moment,
                        link="http://example.org/", author="x", category="publish", text="note\x00 & <ok>")
    document = feeds.render(feeds.Feed(id="tag:example.org,2025:changes", title="t", subtitle="s",
                                       self_url="http://example.org/f", alternate_url="http://example.org/",
                                       author="a", lang="en", updated=moment, entries=[entry]))
    feed = feedparser.parse(document)
    assert not feed.bozo and feed.entries[0].title == "ab" and feed.entries[0].summary == "note & <ok>"
