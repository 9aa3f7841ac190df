"""fees.oversight: each figure's definition on hand-built rows, without the app."""
from __future__ import annotations

from datetime import date, datetime, timezone

from fees import oversight as o

TZ = "Asia/Shanghai"
ON = date(2024, 6, 30)


def at(y: int, m: int, d: int, hour: int = 2) -> datetime:
    """An aware UTC instant (10:00 in Xiamen at the default hour)."""
    return datetime(y, m, d, hour, tzinfo=timezone.utc)


def item(code: str = "THC", amount: str = "850.00", container: str = "40HQ", **extra) -> dict:
    """A canonical item dict (fees.canonical.item_content's shape)."""
    return {"code": code, "name_zh": extra.pop("name_zh", "码头操作费"), "name_en": extra.pop("name_en", "THC"),
            "service": "", "unit": "per_container", "container": container, "direction": "export", "cargo_class": "",
            "amount": amount, "currency": "CNY", "min_amount": None, "tiers": [], "legal_basis": "", "notes": "",
            **extra}


_ids = iter(range(1, 1000))


def version(entity: str, number: int, published: datetime, effective: date, items: list[dict], *,
            schedule_id: int | None = None, withdrawn: datetime | None = None, short_notice: bool = False,
            base: dict | None = None, by: str | None = None, reason: str = "") -> dict:
    """A version row as fees.services.oversight reads it."""
    return {"id": next(_ids), "schedule_id": schedule_id or sum(map(ord, entity)), "entity": entity,
            "entity_name_zh": f"{entity}中文", "entity_name_en": entity.title(), "schedule": "container",
            "schedule_name_zh": "集装箱", "schedule_name_en": "Container", "number": number,
            "status": "withdrawn" if withdrawn else "published", "effective_from": effective,
            "published_at": published, "withdrawn_at": withdrawn, "withdrawn_by": by, "withdraw_reason": reason,
            "short_notice": short_notice, "base_version_id": base["id"] if base else None, "items": items}


# -- port time -----------------------------------------------------------------------

def test_days_and_months_are_the_ports():
    """17:00 UTC on 31 January is already 1 February in Xiamen."""
    assert o.local_date(at(2023, 1, 31, 17), TZ) == date(2023, 2, 1)
    assert o.local_date(at(2023, 1, 31, 15), TZ) == date(2023, 1, 31)
    assert o.local_date(at(2023, 1, 31, 17), "UTC") == date(2023, 1, 31)
    assert o.month_key(date(2023, 2, 1)) == "2023-02"
    assert o.months_between("2023-11", "2024-02") == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert o.months_between("2024-02", "2024-02") == ["2024-02"]


def test_versions_are_seen_as_they_stood_on_the_day():
    """Later publications are unknown; a version withdrawn later was still published."""
    v1 = version("alpha", 1, at(2024, 1, 10), date(2024, 2, 1), [item()])
    v2 = version("alpha", 2, at(2024, 6, 1), date(2024, 8, 1), [item()], withdrawn=at(2024, 7, 1))
    v3 = version("alpha", 3, at(2024, 7, 2), date(2024, 9, 1), [item()])
    seen = {v["number"]: v for v in o.versions_on([v1, v2, v3], ON, TZ)}
    assert sorted(seen) == [1, 2]
    assert seen[2]["status"] == "published" and seen[2]["withdrawn_on"] is None
    assert seen[1]["published_on"] == date(2024, 1, 10)
    later = {v["number"]: v for v in o.versions_on([v1, v2, v3], date(2024, 7, 1), TZ)}
    assert later[2]["status"] == "withdrawn" and later[2]["withdrawn_on"] == date(2024, 7, 1)
    # Published at 23:30 port time on 30 June (15:30 UTC): known at the end of that day.
    late = version("alpha", 1, datetime(2024, 6, 30, 15, 30, tzinfo=timezone.utc), date(2024, 8, 1), [item()])
    assert len(o.versions_on([late], ON, TZ)) == 1 and o.versions_on([late], date(2024, 6, 29), TZ) == []


# -- (a) entities with no schedule in effect ------------------------------------------

def test_entities_without_a_schedule_in_effect_say_why():
    """No schedule, nothing published, only upcoming (with the first date), only withdrawn."""
    entities = [{"slug": s, "name_zh": s, "name_en": s, "kind": "yard"}
                for s in ("active", "empty", "fresh", "future", "gone", "mixed")]
    schedules = [{"id": n, "entity": s} for n, s in enumerate(("active", "fresh", "future", "gone", "mixed"))]
    known = o.versions_on([
        version("active", 1, at(2024, 1, 1), date(2024, 1, 1), [item()]),
        version("future", 1, at(2024, 6, 1), date(2024, 9, 1), [item()]),
        version("future", 2, at(2024, 6, 2), date(2024, 10, 1), [item()]),
        version("gone", 1, at(2024, 5, 1), date(2024, 8, 1), [item()], withdrawn=at(2024, 5, 2)),
        version("mixed", 1, at(2024, 5, 1), date(2024, 8, 1), [item()], withdrawn=at(2024, 5, 2)),
        version("mixed", 2, at(2024, 5, 3), date(2024, 10, 1), [item()]),
    ], ON, TZ)
    rows = o.without_schedule_in_effect(entities, schedules, known, {"active"}, ON)
    assert [(r["entity"], r["schedules"], r["reason"], r["next_effective"]) for r in rows] == [
        ("empty", 0, "no_schedule", None),
        ("fresh", 1, "never_published", None),
        ("future", 1, "upcoming_only", date(2024, 9, 1)),
        ("gone", 1, "withdrawn_only", None),
        ("mixed", 1, "upcoming_only", date(2024, 10, 1)),
    ]


# -- (b) stale schedules ---------------------------------------------------------------

def test_stale_means_the_latest_publication_is_over_the_threshold():
    """365 days exactly is not stale, 366 is; withdrawn publications do not refresh a schedule."""
    exactly = version("exact", 1, at(2023, 7, 1), date(2023, 7, 1), [item()], schedule_id=1)  # 365 days
    old = version("old", 1, at(2022, 1, 1), date(2022, 1, 1), [item()], schedule_id=2)
    old2 = version("old", 2, at(2023, 6, 29), date(2023, 7, 1), [item()], schedule_id=2)  # 367 days
    withdrawn = version("old", 3, at(2024, 6, 1), date(2024, 9, 1), [item()], schedule_id=2,
                        withdrawn=at(2024, 6, 2))
    older = version("older", 1, at(2021, 1, 1), date(2021, 1, 1), [item()], schedule_id=3)
    known = o.versions_on([exactly, old, old2, withdrawn, older], ON, TZ)
    rows = o.stale_schedules(known, ON, 365)
    assert [(r["entity"], r["version"], r["published_on"], r["days_since"]) for r in rows] == [
        ("older", 1, date(2021, 1, 1), 1276),
        ("old", 2, date(2023, 6, 29), 367),
    ]
    assert [r["entity"] for r in o.stale_schedules(known, ON, 364)] == ["older", "old", "exact"]
    # Before the withdrawal the upcoming version 3 counted as an update.
    assert [r["entity"] for r in o.stale_schedules(o.versions_on([old, old2, withdrawn], date(2024, 6, 1), TZ),
                                                   date(2024, 6, 1), 365)] == []


# -- (c) short notice --------------------------------------------------------------------

def test_short_notice_rows_count_days_and_increases_against_the_base():
    """Notice days from the port day of publication; increases against the base version."""
    v1 = version("alpha", 1, at(2024, 1, 1), date(2024, 1, 1), [item(amount="850.00"), item("DOC", "50.00")],
                 schedule_id=1)
    v2 = version("alpha", 2, at(2024, 3, 1), date(2024, 3, 11),
                 [item(amount="900.00"), item("DOC", "40.00"), item("SEAL", "30.00")], schedule_id=1, base=v1,
                 short_notice=True)
    b1 = version("bravo", 1, at(2024, 2, 1, 20), date(2024, 2, 5), [item(), item("DOC")], schedule_id=2,
                 short_notice=True)  # version 1: every fee is new, so both are increases
    b2 = version("bravo", 2, at(2024, 4, 1), date(2024, 6, 1), [item("THC", "999.00")], schedule_id=2,
                 base=b1, withdrawn=at(2024, 5, 1), short_notice=True)
    rows = o.short_notice(o.versions_on([v1, v2, b1, b2], ON, TZ))
    assert [(r["entity"], r["version"], r["status"], r["published_on"], r["effective_from"], r["notice_days"],
             r["increases"]) for r in rows] == [
        ("bravo", 2, "withdrawn", date(2024, 4, 1), date(2024, 6, 1), 61, 1),
        ("alpha", 2, "published", date(2024, 3, 1), date(2024, 3, 11), 10, 2),
        # 20:00 UTC on 1 February is 04:00 on 2 February at the port: 3 days' notice.
        ("bravo", 1, "published", date(2024, 2, 2), date(2024, 2, 5), 3, 2),
    ]
    assert [(r["entity"], r["versions"], r["increases"]) for r in o.short_notice_by_entity(rows)] == [
        ("bravo", 2, 3), ("alpha", 1, 2)]
    assert o.notice_days(date(2024, 3, 1), date(2024, 3, 31)) == 30


# -- (d) legal basis, (e) withdrawals ------------------------------------------------------

def test_items_without_a_legal_basis():
    """A blank or whitespace-only legal basis is missing."""
    rows = [item(legal_basis="价格法"), item(legal_basis="  "), item("DOC"), item("SEAL", legal_basis="《港口收费计费办法》")]
    assert [r["code"] for r in o.without_legal_basis(rows)] == ["THC", "DOC"]


def test_withdrawals_latest_first_with_who_and_why():
    """Withdrawals up to the day, newest first; None is the command line."""
    a = version("alpha", 2, at(2024, 3, 1), date(2024, 5, 1), [item()], withdrawn=at(2024, 3, 5, 18),
                by="pub@example.com", reason="录入错误")
    b = version("bravo", 4, at(2024, 4, 1), date(2024, 6, 1), [item()], withdrawn=at(2024, 4, 2), reason="暂缓")
    c = version("charlie", 1, at(2024, 6, 1), date(2024, 8, 1), [item()], withdrawn=at(2024, 7, 2))
    rows = o.withdrawals(o.versions_on([a, b, c], ON, TZ))
    assert [(r["entity"], r["version"], r["withdrawn_at"], r["withdrawn_by"], r["reason"], r["effective_from"])
            for r in rows] == [
        ("bravo", 4, at(2024, 4, 2), None, "暂缓", date(2024, 6, 1)),
        ("alpha", 2, at(2024, 3, 5, 18), "pub@example.com", "录入错误", date(2024, 5, 1)),
    ]


# -- (f) most-changed fees -------------------------------------------------------------------

def test_most_changed_counts_versions_that_touched_each_code():
    """alpha: v1→v2 raises THC (two sizes) and rewords DOC; v2→v3 (withdrawn) is skipped, so
    v2→v4 lowers THC 40HQ. bravo: v1→v2 adds SEAL and raises its own code X1."""
    a1 = version("alpha", 1, at(2023, 1, 1), date(2023, 1, 1),
                 [item(), item(container="20GP", amount="500.00"), item("DOC", "50.00")], schedule_id=1)
    a2 = version("alpha", 2, at(2023, 6, 1), date(2023, 8, 1),
                 [item(amount="900.00"), item(container="20GP", amount="550.00"), item("DOC", "50.00", notes="新")],
                 schedule_id=1)
    a3 = version("alpha", 3, at(2023, 9, 1), date(2023, 12, 1), [item("DOC", "99.00")], schedule_id=1,
                 withdrawn=at(2023, 9, 2))
    a4 = version("alpha", 4, at(2024, 1, 1), date(2024, 2, 1),
                 [item(amount="880.00"), item(container="20GP", amount="550.00"), item("DOC", "50.00", notes="新")],
                 schedule_id=1)
    b1 = version("bravo", 1, at(2023, 1, 1), date(2023, 1, 1), [item("X1", "10.00", name_zh="自定义")],
                 schedule_id=2)
    b2 = version("bravo", 2, at(2023, 2, 1), date(2023, 3, 1),
                 [item("X1", "12.00", name_zh="自定义"), item("SEAL", "30.00")], schedule_id=2)
    known = o.versions_on([a1, a2, a3, a4, b1, b2], ON, TZ)
    pairs = o.consecutive_pairs(known)
    assert [(x["number"], y["number"]) for x, y in pairs] == [(1, 2), (2, 4), (1, 2)]
    names = {"THC": ("码头操作费", "Terminal handling charge"), "DOC": ("单证费", "Documentation fee"),
             "SEAL": ("封志费", "Seal fee")}
    rows = o.most_changed(pairs, names)
    assert [(r["rank"], r["code"], r["versions"], r["item_changes"], r["increases"], r["reductions"], r["entities"])
            for r in rows] == [
        (1, "THC", 2, 3, 2, 1, 1),
        (2, "DOC", 1, 1, 0, 0, 1),
        (3, "SEAL", 1, 1, 1, 0, 1),
        (4, "X1", 1, 1, 1, 0, 1),
    ]
    assert (rows[0]["name_en"], rows[3]["name_zh"]) == ("Terminal handling charge", "自定义")


# -- (g) publications per month ---------------------------------------------------------------

def test_publications_per_month_in_port_time_with_empty_months():
    """Months in port time, empty months as zeros, nothing after the day."""
    events = [
        {"action": "publish", "recorded_at": at(2024, 1, 31, 17)},  # 1 February at the port
        {"action": "publish", "recorded_at": at(2024, 1, 31, 15)},  # still 31 January
        {"action": "withdraw", "recorded_at": at(2024, 2, 10)},
        {"action": "publish", "recorded_at": at(2024, 4, 1)},
        {"action": "publish", "recorded_at": at(2024, 7, 1)},  # after the day: not counted
    ]
    assert o.publications_per_month(events, ON, TZ) == [
        {"month": "2024-01", "published": 1, "withdrawn": 0},
        {"month": "2024-02", "published": 1, "withdrawn": 1},
        {"month": "2024-03", "published": 0, "withdrawn": 0},
        {"month": "2024-04", "published": 1, "withdrawn": 0},
        {"month": "2024-05", "published": 0, "withdrawn": 0},
        {"month": "2024-06", "published": 0, "withdrawn": 0},
    ]
    assert o.publications_per_month([], ON, TZ) == []


# -- (h) public reports --------------------------------------------------------------------------

def test_reports_are_counted_by_the_status_they_had_on_the_day():
    """Made after the day: not counted; decided after the day: still pending."""
    def report(entity, status, created, moderated=None):
        """A report row as fees.services.oversight reads it."""
        return {"entity": entity, "entity_name_zh": entity, "entity_name_en": entity, "status": status,
                "created_at": created, "moderated_at": moderated}

    reports = [
        report("alpha", "pending", at(2024, 5, 1)),
        report("alpha", "accepted", at(2024, 5, 1), at(2024, 5, 3)),
        report("alpha", "rejected", at(2024, 5, 1), at(2024, 7, 3)),  # still pending on 30 June
        report("bravo", "accepted", at(2024, 6, 1), None),  # a decision without a time stands
        report("bravo", "pending", at(2024, 7, 1)),  # not yet made
    ]
    assert o.reports_by_status(reports, ON, TZ) == [
        {"status": "pending", "reports": 2}, {"status": "accepted", "reports": 2}, {"status": "rejected", "reports": 0}]
    assert [(r["entity"], r["pending"], r["accepted"], r["rejected"], r["total"])
            for r in o.reports_by_entity(reports, ON, TZ)] == [("alpha", 2, 1, 0, 3), ("bravo", 0, 1, 0, 1)]
    assert o.reports_by_status([], ON, TZ) == [
        {"status": "pending", "reports": 0}, {"status": "accepted", "reports": 0}, {"status": "rejected", "reports": 0}]
