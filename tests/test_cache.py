"""Answers remembered until the published data change (fees.services.cache)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from fees.services import comparison
from fees.services.cache import StateCache, answers
from tests import factories as f

ON = date(2022, 6, 1)


def thc_question() -> comparison.CompareParams:
    return comparison.CompareParams("THC", ON, {"container": "40HQ", "direction": "export", "cargo_class": "",
                                                "unit": "per_container"})


def ranked_amounts(session) -> list[Decimal]:
    return comparison.compare_fee(session, thc_question()).result.amounts


def test_a_comparison_is_computed_once_per_state_of_the_data(app, session, schedule):
    assert ranked_amounts(session) == [Decimal("850.00")]
    cache = answers()
    misses = cache.misses
    assert ranked_amounts(session) == [Decimal("850.00")]
    assert (cache.misses, cache.hits) == (misses, 1)


def test_a_publication_is_seen_at_once(app, session, schedule):
    assert ranked_amounts(session) == [Decimal("850.00")]
    rival = f.schedule(session, f.entity(session, slug="rival-demo"))
    f.publish(session, rival, [f.thc("900")], effective=date(2022, 5, 1), now=f.utc(2022, 4, 1))
    assert ranked_amounts(session) == [Decimal("850.00"), Decimal("900.00")]


def test_the_cache_keeps_only_the_most_recent_answers(session, schedule):
    cache = StateCache(max_entries=2)
    for key in ("a", "b", "c"):
        cache.get_or_compute(session, "test", key, lambda key=key: key.upper())
    calls = []
    assert cache.get_or_compute(session, "test", "a", lambda: calls.append("a") or "A") == "A"
    assert calls == ["a"]  # "a" was the least recently used, so it had gone
    assert cache.get_or_compute(session, "test", "c", lambda: calls.append("c") or "C") == "C"
    assert calls == ["a"]


def test_each_app_has_its_own_cache(app):
    """So a test's fresh database never meets answers remembered from another's."""
    from app import create_app

    with app.app_context():
        mine = answers()
    with create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}).app_context():
        theirs = answers()
    assert theirs is not mine
    with app.app_context():
        assert answers() is mine


def test_a_weighed_cache_keeps_its_total_weight_and_skips_what_is_not_worth_keeping(session, schedule):
    cache = StateCache(max_entries=10, max_weight=10, weigh=len)
    for key in ("aaaa", "bbbb", "cccc"):  # 12 > 10: the oldest goes
        cache.get_or_compute(session, "test", key, lambda key=key: key)
    assert cache.weight == 8
    calls = []
    remember = lambda key: cache.get_or_compute(session, "test", key, lambda: calls.append(key) or key)  # noqa: E731
    remember("bbbb"), remember("cccc")
    assert calls == []
    remember("aaaa")
    assert calls == ["aaaa"] and cache.weight == 8  # back in; "bbbb" was least recently used
    remember("x" * 11), remember("x" * 11)  # heavier than the whole cache: never kept
    assert calls[-2:] == ["x" * 11] * 2 and cache.weight == 8
    cache.get_or_compute(session, "test", "stale", lambda: "s", keep=lambda value: False)
    remember("stale")
    assert calls[-1] == "stale"
