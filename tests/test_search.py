"""Search: analysis and validity intervals, what queries find on the demo data, facets,
dates, keeping the index current (signal, catch-up after a restart, rebuilds) and the page."""
from __future__ import annotations

import logging
import re
import shutil
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from app import create_app
from fees import search
from fees.db import db
from fees.demo import load_demo
from fees.search import index, results
from fees.search.analysis import bigrams
from fees.search.documents import validity_intervals
from fees.services import publishing
from fees.services.market import items_in_effect
from fees.signals import publication_logged
from fees.types import utcnow
from fees.views.helpers import today
from tests import factories as f


@pytest.fixture
def demo(session, searching):
    """The demo data set and today's items in effect (the oracle the index must agree with)."""
    load_demo(session, policy_config=searching.config)
    return items_in_effect(session, today())


def find(session, text: str, on: date | None = None, **filters) -> results.SearchResult:
    """Search with every row on one page."""
    return results.search(session, text, on or today(), filters, limit=10_000)


def ids(found: results.SearchResult) -> set[int]:
    """The item ids of a result."""
    return {row["item_id"] for row in found.items}


def haystack(row: dict) -> str:
    """The Chinese texts of a demo row that a query may legitimately have matched."""
    return " ".join(row[k] for k in ("name_zh", "service", "notes", "entity_name_zh", "schedule_name_zh"))


def publish_thc(session, schedule, amount: str, effective: date):
    """Publish a new version of the schedule with one THC item, now."""
    return f.publish(session, schedule, [f.thc(amount)], effective=effective, now=utcnow())


# -- pure parts ---------------------------------------------------------------------------

def test_bigrams_keep_runs_apart():
    """Overlapping bigrams per Chinese run; punctuation and Latin split runs; lone characters stay."""
    assert bigrams("码头操作费") == ["码头", "头操", "操作", "作费"]
    assert bigrams("库场使用费（堆存费）") == ["库场", "场使", "使用", "用费", "堆存", "存费"]
    assert bigrams("VGM申报费 费") == ["申报", "报费", "费"]


def test_validity_intervals_follow_the_in_effect_rule():
    """Each published version runs until the next one starts; withdrawn versions and a version
    outranked on its own start day (a higher number wins a tie) get no interval."""
    v = [SimpleNamespace(number=n, status=s, effective_from=d) for n, s, d in (
        (1, "published", date(2022, 1, 1)), (2, "withdrawn", date(2022, 6, 1)),
        (3, "published", date(2023, 1, 1)), (4, "published", date(2023, 1, 1)),
        (5, "published", date(2024, 1, 1)))]
    found = [(version.number, start, end) for version, start, end in validity_intervals(v)]
    assert found == [(1, date(2022, 1, 1), date(2023, 1, 1)), (4, date(2023, 1, 1), date(2024, 1, 1)),
                     (5, date(2024, 1, 1), None)]


# -- what queries find on the demo data ----------------------------------------------------

def test_queries_and_facets_on_the_demo_data(session, demo):
    """One demo load (it takes seconds) for what the words find and how the facets narrow."""
    queries_find_the_obvious_items(session, demo)
    facets_count_and_narrow(session)
    other_days_find_the_items_in_effect_then(session)


def other_days_find_the_items_in_effect_then(session):
    """On past and coming days a search finds exactly the items in effect that day (the
    index filters on the end of each version's interval, the hit on its start)."""
    for offset in (-2000, -800, -365, -90, -1, 1, 30, 400):
        day = today() + timedelta(days=offset)
        expected = {row["item_id"] for row in items_in_effect(session, day) if row["code"] == "THC"}
        assert ids(find(session, "THC", day)) == expected, day


def queries_find_the_obvious_items(session, demo):
    """操作费, THC, thc, 操作, 堆存, reefer and 清关 find what a shipper expects, and only items
    whose text holds the query (the oracle is the market read of the same day)."""
    by_id = {row["item_id"]: row for row in demo}
    thc = {row["item_id"] for row in demo if row["code"] == "THC"}
    assert thc
    assert ids(find(session, "THC")) == ids(find(session, "thc")) == thc
    for text in ("操作费", "操作", "堆存", "清关"):
        found = ids(find(session, text))
        expected = {i for i, row in by_id.items() if text in row["name_zh"]}
        assert expected <= found, text
        assert all(text in haystack(by_id[i]) for i in found), text
    handling = ids(find(session, "操作费"))
    assert {i for i in handling if by_id[i]["code"] == "THC"} == thc
    assert thc <= ids(find(session, "操作"))
    assert {i for i, row in by_id.items() if row["code"] == "STORAGE"} <= ids(find(session, "堆存"))
    assert {i for i, row in by_id.items() if row["code"] == "EC_CLEARANCE"} <= ids(find(session, "清关"))
    reefer = find(session, "reefer")
    assert ids(reefer) == ids(find(session, "Reefer"))
    assert {i for i, row in by_id.items() if row["code"] == "REEFER"} <= ids(reefer)
    assert all("reefer" in by_id[i]["name_en"].lower() or by_id[i]["container"][2:] in ("RF", "RH")
               or "冷" in haystack(by_id[i]) for i in ids(reefer))
    assert find(session, "码头").entity_total >= 3  # the terminals themselves


def facets_count_and_narrow(session):
    """Counts per value add up to the total; choosing a value keeps only such items, and its
    count was the number of results it gives; facets combine."""
    everything = find(session, "费")
    for facet, counts in everything.facets.items():
        assert sum(counts.values()) == everything.total, facet
    terminals = find(session, "费", kind=["container_terminal"])
    assert terminals.total == everything.facets["kind"]["container_terminal"] < everything.total
    assert {row["entity_kind"] for row in terminals.items} == {"container_terminal"}
    assert terminals.facets["kind"] == everything.facets["kind"]  # other kinds stay choosable
    assert sum(terminals.facets["regime"].values()) == terminals.total
    two = find(session, "费", kind=["container_terminal", "yard"], regime=["government_set"])
    assert two.total == terminals.facets["regime"].get("government_set", 0) + sum(
        1 for row in find(session, "费", kind=["yard"]).items if row["pricing_regime"] == "government_set")
    assert {(r["entity_kind"], r["pricing_regime"]) for r in two.items} <= {
        ("container_terminal", "government_set"), ("yard", "government_set")}
    ecommerce = find(session, "费", business_line=["ecommerce"])
    assert ecommerce.total == everything.facets["business_line"]["ecommerce"]
    assert {r["business_line"] for r in ecommerce.items} == {"ecommerce"}
    own = find(session, "费", regime=["none"])
    assert own.total and all(r["pricing_regime"] is None for r in own.items)


# -- dates and keeping the index current --------------------------------------------------

def test_an_upcoming_version_is_found_on_its_day_and_a_withdrawal_removes_it(session, schedule, searching):
    """The signal indexes a publish at once; tomorrow's version is not today's result but is
    tomorrow's; withdrawing it brings back the version before it for tomorrow."""
    assert [r["amount"] for r in find(session, "THC").items] == ["850.00"]  # builds the index
    tomorrow = today() + timedelta(days=1)
    version = publish_thc(session, schedule, "900", tomorrow)
    ix = index.open_index()
    assert index.index_mark(ix) == index.database_mark(session)  # indexed by the signal, no search yet
    assert [r["amount"] for r in find(session, "THC").items] == ["850.00"]
    upcoming = find(session, "THC", tomorrow).items
    assert [(r["amount"], r["version"], r["effective_from"]) for r in upcoming] == [("900.00", 2, tomorrow)]
    assert find(session, "THC").items[0]["superseded_on"] == tomorrow
    publishing.withdraw_version(session, version.id, reason="撤回测试")
    assert index.index_mark(ix) == index.database_mark(session)
    assert [r["amount"] for r in find(session, "THC", tomorrow).items] == ["850.00"]
    assert find(session, "THC").items[0]["superseded_on"] is None


def test_a_publication_reindexes_only_the_versions_whose_dates_moved(session, schedule, searching, monkeypatch):
    """Publishing version 3 moves the end of version 2 only: version 1's documents stay."""
    find(session, "THC")  # builds the index (version 1)
    publish_thc(session, schedule, "900", today())
    asked = []
    original = index.docs.item_documents

    def spy(*args, numbers=None, **kwargs):
        asked.append(numbers)
        return original(*args, numbers=numbers, **kwargs)

    monkeypatch.setattr(index.docs, "item_documents", spy)
    publish_thc(session, schedule, "950", today() + timedelta(days=40))
    assert asked == [{2, 3}]
    with index.open_index().searcher() as searcher:
        items = [f for f in searcher.all_stored_fields() if f.get("doctype") == "item"]
    by_version = {}
    for fields in items:
        by_version.setdefault(int(fields["order"].split("/")[-2]), set()).add((fields["valid_from"], fields["valid_to"]))
    assert sorted(by_version) == [1, 2, 3] and all(len(v) == 1 for v in by_version.values())
    assert len(items) == len({f["id"] for f in items})  # no document twice
    assert [r["amount"] for r in find(session, "THC", today() + timedelta(days=40)).items] == ["950.00"]


def test_the_index_catches_up_after_a_restart(session, schedule, searching):
    """Publications made while no receiver listened are indexed by a new app instance on the
    same database and index folder, before its first search."""
    find(session, "THC")
    folder = index.index_dir()
    with publication_logged.muted():
        publish_thc(session, schedule, "990", today())
    assert index.index_mark(index.open_index()) != index.database_mark(session)
    restarted = create_app({"TESTING": True, "SECRET_KEY": "test",
                            "SQLALCHEMY_DATABASE_URI": searching.config["SQLALCHEMY_DATABASE_URI"],
                            "FEES_SEARCH_DIR": folder})
    search.init_app(restarted)
    with restarted.app_context():
        page = restarted.test_client().get("/search?q=THC&lang=en")
        db.session.remove()
        db.engine.dispose()
    assert page.status_code == 200 and "CN¥990.00 / per container" in page.get_data(as_text=True)
    assert index.index_mark(index.open_index(folder)) == index.database_mark(session)


def test_a_deleted_or_damaged_index_is_rebuilt_by_the_next_search(session, schedule, searching):
    """The index is derived data: gone or garbage, the next search builds it again."""
    find(session, "THC")
    folder = Path(index.index_dir())
    shutil.rmtree(folder)
    assert [r["amount"] for r in find(session, "THC").items] == ["850.00"]
    for toc in folder.glob("_MAIN_*.toc"):
        toc.write_bytes(b"not an index")
    assert [r["amount"] for r in find(session, "THC").items] == ["850.00"]


def test_a_failing_receiver_never_fails_a_publication(session, schedule, searching, monkeypatch, caplog):
    """The publication stands, the failure is logged, and the next search catches up."""
    find(session, "THC")

    def broken(*args, **kwargs):
        """An index that cannot be written."""
        raise OSError("disk full")

    monkeypatch.setattr(index, "catch_up", broken)
    with caplog.at_level(logging.ERROR, logger="fees.search"):
        version = publish_thc(session, schedule, "990", today())
    assert version.status == "published" and "will catch up later" in caplog.text
    monkeypatch.undo()
    assert [r["amount"] for r in find(session, "THC").items] == ["990.00"]


def test_a_locked_index_is_skipped_and_caught_up_later(session, schedule, searching, monkeypatch):
    """Another process writing: the receiver gives up (the publication stands), the search
    serves the index as it is, and a later search catches up."""
    find(session, "THC")
    monkeypatch.setattr(search, "SIGNAL_WAIT", 0.0)
    writer = index.open_index().writer()
    try:
        publish_thc(session, schedule, "990", today())
        assert [r["amount"] for r in find(session, "THC").items] == ["850.00"]
    finally:
        writer.cancel()
    assert [r["amount"] for r in find(session, "THC").items] == ["990.00"]


def test_searches_are_remembered_until_the_data_change(session, schedule, searching, monkeypatch):
    """A repeated search is answered from memory without asking the index; a publication
    changes the data state, so the next search asks the index again and sees it."""
    find(session, "THC")
    asked = []
    run = results._run
    monkeypatch.setattr(results, "_run", lambda *args: asked.append(args[2]) or run(*args))
    assert [r["amount"] for r in find(session, "THC").items] == ["850.00"]
    assert [r["amount"] for r in find(session, " thc ").items] == ["850.00"]  # other text: asked again
    assert len(asked) == 1
    publish_thc(session, schedule, "990", today())
    assert [r["amount"] for r in find(session, "THC").items] == ["990.00"]
    assert len(asked) == 2


def test_cli_rebuild_catch_up_and_status(runner, session, schedule, searching):
    """`flask search rebuild|catch-up|status` build, update and report the index."""
    status = runner.invoke(args=["search", "status"])
    assert "missing" in status.output
    built = runner.invoke(args=["search", "rebuild"])
    assert built.exit_code == 0 and "up to log entry 1" in built.output
    with publication_logged.muted():
        publish_thc(session, schedule, "990", today())
    caught = runner.invoke(args=["search", "catch-up"])
    assert caught.exit_code == 0 and "1 schedule(s) reindexed" in caught.output and "entry 2" in caught.output
    assert "indexed: entry 2" in runner.invoke(args=["search", "status"]).output


# -- the page ------------------------------------------------------------------------------

def test_the_empty_page_helps_in_both_languages(client, searching):
    """No query: how to search, with example searches to follow; no index needed."""
    for lang, words in (("zh", "码头操作费"), ("en", "How to search")):
        page = client.get(f"/search?lang={lang}")
        body = page.get_data(as_text=True)
        assert page.status_code == 200 and words in body
        assert 'href="/search?q=THC"' in body


def test_results_are_server_rendered_in_both_languages(client, session, schedule, searching):
    """A plain GET form; entity, name, code, variant, amount with unit, and a link to the item."""
    item = schedule.versions[0].items[0]
    link = f'href="/entities/haicang-demo/schedules/container/versions/1#item-{item.id}"'
    zh = client.get("/search?q=操作&lang=zh").get_data(as_text=True)
    assert '<form method="get" action="/search" role="search">' in zh
    assert link in zh and "<script" not in zh.split('<main id="main">')[1]
    assert "¥850.00 / 每箱" in zh and "海沧示例码头" in zh and "<code>THC</code>" in zh
    assert "40HQ · 出口" in zh and 'href="/entities/haicang-demo"' in zh
    en = client.get("/search?q=terminal+handling&lang=en").get_data(as_text=True)
    assert "CN¥850.00 / per container" in en and "Terminal handling charge" in en and link in en
    assert "40HQ · export" in en and "Haicang Demo Terminal" in en


def test_page_facets_are_checkboxes_that_narrow(client, session, schedule, searching):
    """Facet values are checkboxes of the same GET form; a chosen one narrows and stays checked."""
    yard = f.schedule(session, f.entity(session, slug="yard-demo", kind="yard", name_zh="示例堆场"))
    f.publish(session, yard, [f.storage()], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    body = client.get("/search?q=堆存&lang=en").get_data(as_text=True)
    assert '<input type="checkbox" name="kind" value="yard">' in body
    assert re.search(r"Container yard <span class=\"muted\">\(1\)</span>", body)
    narrowed = client.get("/search?q=堆存&kind=yard&lang=en").get_data(as_text=True)
    assert 'value="yard" checked' in narrowed and "/entities/yard-demo" in narrowed
    assert "/entities/haicang-demo/" not in narrowed
    assert "1 fee items in effect on" in narrowed


def test_pages_bad_dates_and_no_results(client, session, schedule, searching):
    """20 rows a page with ?page=; a bad date is reported and today used; nothing found helps."""
    items = [f.thc(str(800 + n), container=c, direction=d, cargo_class=k) for n, (c, d, k) in enumerate(
        (c, d, k) for c in ("20GP", "40GP", "40HQ", "45HQ") for d in ("import", "export", "both")
        for k in ("", "dangerous"))]
    f.publish(session, schedule, items, effective=today(), now=utcnow())
    first = client.get("/search?q=THC&lang=en").get_data(as_text=True)
    assert "24 fee items" in first and "Page 1 of 2" in first and first.count("#item-") == 2 * 20
    second = client.get("/search?q=THC&page=2&lang=en").get_data(as_text=True)
    assert "Page 2 of 2" in second and second.count("#item-") == 2 * 4
    bad = client.get("/search?q=THC&on=tomorrow&lang=en").get_data(as_text=True)
    assert "YYYY-MM-DD" in bad and "24 fee items" in bad
    assert "There is no page 9" in client.get("/search?q=THC&page=9&lang=en").get_data(as_text=True)
    assert "Nothing matches" in client.get("/search?q=引航&lang=en").get_data(as_text=True)
