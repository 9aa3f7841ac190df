"""Change history: coding of changes, diffs of any two versions, one fee over time, /changes."""
from __future__ import annotations

import html
import json
import re
from datetime import date
from decimal import Decimal

import pytest

from fees.history import (
    ChangeFilter,
    VersionPoint,
    item_steps,
    read_change_filter,
    step_rows,
    summarize,
)
from fees.services import history, publishing
from tests import factories as f

BASE = "/entities/haicang-demo/schedules/container"


def doc(**extra) -> dict:
    """A documentation fee as a user would type it."""
    return {"code": "DOC", "name_zh": "单证费", "name_en": "Documentation fee", "unit": "per_bill",
            "direction": "both", "amount": "50", **extra}


def seal(**extra) -> dict:
    """A seal fee."""
    return {"code": "SEAL", "name_zh": "封志费", "name_en": "Seal fee", "unit": "per_piece",
            "direction": "both", "amount": "30", **extra}


def eir(**extra) -> dict:
    """An equipment interchange receipt fee."""
    return {"code": "EIR", "name_zh": "设备交接单费", "name_en": "EIR fee", "unit": "per_container",
            "direction": "both", "amount": "20", **extra}


CHEAPER_STORAGE = [{"from": "1", "to": "4", "amount": "0"}, {"from": "5", "to": "10", "amount": "15"},
                   {"from": "11", "to": None, "amount": "40"}]


@pytest.fixture
def versions(session, schedule):
    """Haicang's tariff in four more versions:

    v2 (effective 2023-01-01): THC 850 → 900, DOC and SEAL added.
    v3 (2024-01-01, published with 12 days' notice, so short notice): THC 900 → 950 (increase),
       storage days 5–10 at ¥15 (reduction), DOC with new service text (wording), SEAL dropped
       (deletion), EIR added (addition) — all five kinds in one pair.
    v4 (2024-07-01): THC 999, withdrawn before it took effect.
    """
    v2 = f.publish(session, schedule, [f.thc("900"), f.storage(), doc(), seal()],
                   effective=date(2023, 1, 1), now=f.utc(2022, 11, 1))
    v3 = f.publish(session, schedule, [f.thc("950"), f.storage(CHEAPER_STORAGE), doc(service="提单及交接单证"), eir()],
                   effective=date(2024, 1, 1), now=f.utc(2023, 12, 20, hour=17), note="年度调整")
    v4 = f.publish(session, schedule, [f.thc("999"), f.storage(CHEAPER_STORAGE), doc(service="提单及交接单证"), eir()],
                   effective=date(2024, 7, 1), now=f.utc(2024, 5, 1))
    publishing.withdraw_version(session, v4.id, reason="测算有误", now=f.utc(2024, 5, 10))
    return v2, v3, v4


@pytest.fixture
def liner(session, versions):
    """A shipping line with two versions: v1 (2023-03-01) then a DOC increase (2023-06-01)."""
    owner = f.entity(session, slug="minnan-lines", kind="shipping_line", name_zh="闽南示例航运", name_en="Minnan Lines")
    sched = f.schedule(session, owner, slug="local", name_zh="本地费用", name_en="Local charges")
    f.publish(session, sched, [doc(amount="40")], effective=date(2023, 3, 1), now=f.utc(2023, 1, 5))
    f.publish(session, sched, [doc(amount="45")], effective=date(2023, 6, 1), now=f.utc(2023, 4, 1))
    return sched


def rows_of(page: str) -> list[dict]:
    """The lines of a diff table: kind, code, amounts before and after (canonical strings)."""
    found = re.findall(r'<tr class="[^"]*" data-kind="(\w+)" data-code="(\w+)">.*?data-amount="([^"]*)".*?'
                       r'data-amount="([^"]*)".*?<td class="num">([^<]*)</td>\s*<td class="num">([^<]*)</td>', page, re.DOTALL)
    return [{"kind": k, "code": c, "old": o, "new": n, "pct": p.strip()} for k, c, o, n, _, p in found]


def seqs_of(page: str) -> list[int]:
    """The log sequence numbers of the rows of /changes, in order."""
    return [int(s) for s in re.findall(r'data-seq="(\d+)"', page)]


# --- the pure coding ---------------------------------------------------------------------

def canon(code: str, amount: str, **extra) -> dict:
    """A canonical item dict (as fees.canonical.item_content makes it)."""
    return {"code": code, "name_zh": code, "name_en": code, "service": "", "unit": "per_container",
            "container": "", "direction": "both", "cargo_class": "", "amount": amount, "currency": "CNY",
            "min_amount": None, "tiers": [], "legal_basis": "", "notes": "", **extra}


def test_summary_codes_every_kind_and_finds_the_largest_increase_in_percent():
    old = [canon("A", "100.00"), canon("B", "10.00"), canon("C", "50.00"), canon("D", "5.00"), canon("F", "1000.00")]
    new = [canon("A", "110.00"), canon("B", "20.00"), canon("C", "40.00"), canon("D", "5.00", notes="new wording"),
           canon("E", "7.00"), canon("F", "1000.00", currency="USD")]
    summary = summarize(old, new)
    assert summary.counts == {"increase": 2, "reduction": 1, "addition": 1, "deletion": 0, "wording": 1, "other": 1}
    assert summary.unchanged == 0 and summary.codes == {"A", "B", "C", "D", "E", "F"}
    # B went up 100 %, A only 10 % although by the same ¥10: percent decides
    assert summary.largest_increase.code == "B" and summary.largest_increase.amount_change_pct == Decimal("100.00")
    assert summarize(new, new).changed == 0 and summarize(new, new).unchanged == 6


def test_an_increase_from_zero_outranks_any_percentage():
    summary = summarize([canon("A", "0.00"), canon("B", "10.00")], [canon("A", "5.00"), canon("B", "100.00")])
    assert summary.largest_increase.code == "A"


def test_steps_skip_withdrawn_versions_and_ties_go_to_the_higher_number():
    key = ("THC", "", "both", "", "per_container")
    points = [VersionPoint(1, "published", date(2022, 1, 1), [canon("THC", "10.00")]),
              VersionPoint(2, "published", date(2023, 1, 1), []),
              VersionPoint(3, "withdrawn", date(2023, 6, 1), [canon("THC", "99.00")]),
              VersionPoint(4, "published", date(2024, 1, 1), [canon("THC", "11.00")]),
              VersionPoint(5, "published", date(2024, 1, 1), [canon("THC", "12.00")])]
    steps = item_steps(points, key)
    assert [(s.number, s.amount) for s in steps] == [(1, Decimal("10.00")), (2, None), (5, Decimal("12.00"))]
    assert [r.change for r in step_rows(steps)] == [None, None, Decimal("2.00")]


def test_change_filter_reports_bad_values_and_keeps_the_rest():
    filt, errors = read_change_filter({"kind": "nonsense", "direction": "up", "from": "2024-13-01", "code": " thc "})
    assert filt == ChangeFilter(code="THC", direction="up")
    assert {e.field for e in errors} == {"kind", "from"}
    filt, errors = read_change_filter({"from": "2024-02-01", "to": "2024-01-01"})
    assert filt.first == date(2024, 2, 1) and filt.last is None and errors[0].field == "to"


# --- the schedule's history and diffs -------------------------------------------------

def test_history_page_lists_every_version_with_withdrawal_short_notice_and_port_time(client, versions):
    page = client.get(f"{BASE}/history?lang=en").get_data(as_text=True)
    assert [int(n) for n in re.findall(r'<li id="version-(\d+)"', page)] == [4, 3, 2, 1]
    v4 = page[page.index('id="version-4"'):page.index('id="version-3"')]
    assert "withdrawn" in v4 and "Reason: 测算有误" in v4 and "2024-05-10 10:00 +08:00" in v4
    v3 = page[page.index('id="version-3"'):page.index('id="version-2"')]
    assert "short-notice" in v3 and "2023-12-21 01:00 +08:00" in v3 and "年度调整" in v3
    assert "short-notice" not in page[page.index('id="version-2"'):]
    assert f'{BASE}/diff?from=2&amp;to=3' in v3


def test_diff_codes_increase_reduction_addition_deletion_and_wording(client, versions):
    response = client.get(f"{BASE}/diff?from=2&to=3&lang=en")
    assert response.status_code == 200
    rows = {r["code"]: r for r in rows_of(response.get_data(as_text=True))}
    assert {code: r["kind"] for code, r in rows.items()} == {
        "THC": "increase", "STORAGE": "reduction", "DOC": "wording", "EIR": "addition", "SEAL": "deletion"}
    assert (rows["THC"]["old"], rows["THC"]["new"], rows["THC"]["pct"]) == ("900.00", "950.00", "+5.56%")
    assert (rows["EIR"]["old"], rows["EIR"]["new"]) == ("", "20.00")
    assert (rows["SEAL"]["old"], rows["SEAL"]["new"]) == ("30.00", "")


def test_diff_of_versions_that_are_not_neighbours(client, versions):
    rows = {r["code"]: r for r in rows_of(client.get(f"{BASE}/diff?from=1&to=3").get_data(as_text=True))}
    # SEAL came in version 2 and left in version 3: between 1 and 3 it never existed
    assert {code: r["kind"] for code, r in rows.items()} == {
        "THC": "increase", "STORAGE": "reduction", "DOC": "addition", "EIR": "addition"}
    assert (rows["THC"]["old"], rows["THC"]["new"], rows["THC"]["pct"]) == ("850.00", "950.00", "+11.76%")
    backwards = {r["code"]: r["kind"] for r in rows_of(client.get(f"{BASE}/diff?from=3&to=1").get_data(as_text=True))}
    assert backwards == {"THC": "reduction", "STORAGE": "increase", "DOC": "deletion", "EIR": "deletion"}


def test_withdrawn_versions_can_be_compared_and_are_marked(client, versions):
    page = client.get(f"{BASE}/diff?from=3&to=4&lang=en").get_data(as_text=True)
    assert [(r["code"], r["kind"], r["new"]) for r in rows_of(page)] == [("THC", "increase", "999.00")]
    assert 'badge withdrawn' in page and "Reason: 测算有误" in page


def test_diff_defaults_and_bad_parameters(client, versions):
    assert client.get(f"{BASE}/diff").status_code == 200  # the newest two
    response = client.get(f"{BASE}/diff?from=abc&to=1")  # from falls back to 3
    assert response.status_code == 422 and rows_of(response.get_data(as_text=True))
    assert client.get(f"{BASE}/diff?from=1&to=9").status_code == 404
    assert client.get("/entities/haicang-demo/schedules/nothing/diff").status_code == 404


# --- one fee over time -----------------------------------------------------------------

def chart_and_table(page: str) -> tuple[dict, list[str], list[str | None]]:
    """The step chart's figure, and the table's dates and amounts (None where not published)."""
    figure = json.loads(html.unescape(re.search(r'data-figure="([^"]*)"', page).group(1)))
    table = page[page.index('<table class="steps">'):]
    dates = re.findall(r'<tr class="step[^"]*">\s*<td>(\d{4}-\d\d-\d\d)', table)
    amounts = [a or None for a in re.findall(r'data-amount="([^"]*)"', table)]
    return figure, dates, amounts


def test_step_chart_numbers_equal_the_table(client, versions):
    page = client.get(f"{BASE}/items?code=THC&container=40HQ&direction=export&cargo_class=&unit=per_container")
    figure, dates, amounts = chart_and_table(page.get_data(as_text=True))
    steps = figure["data"][0]
    assert steps["line"]["shape"] == "hv"
    assert dates == ["2022-03-01", "2023-01-01", "2024-01-01"] == steps["x"]  # withdrawn v4 left out
    assert amounts == ["850.00", "900.00", "950.00"]
    assert [Decimal(str(y)) for y in steps["y"]] == [Decimal(a) for a in amounts]


def test_step_chart_shows_the_gap_when_the_fee_is_absent(client, versions):
    page = client.get(f"{BASE}/items?code=seal").get_data(as_text=True)  # the rest of the key is found
    figure, _, amounts = chart_and_table(page)
    assert amounts == [None, "30.00", None] and figure["data"][0]["y"] == [None, 30.0, None]
    assert page.count('class="step gap"') == 2
    held = figure["data"][1]  # version 2's level drawn on to version 3, where the gap starts
    assert held["x"][:2] == ["2023-01-01", "2024-01-01"] and held["y"][:2] == [30.0, 30.0]


def test_item_page_without_a_code_lists_the_fees_and_unknown_fees_are_404(client, versions):
    page = client.get(f"{BASE}/items").get_data(as_text=True)
    assert "code=EIR" in page and "code=SEAL" in page
    assert client.get(f"{BASE}/items?code=THC&container=20GP").status_code == 404


# --- /changes ----------------------------------------------------------------------------

def test_changes_lists_publications_and_withdrawals_newest_first(client, session, liner):
    page = client.get("/changes?lang=en").get_data(as_text=True)
    assert seqs_of(page) == [7, 6, 5, 4, 3, 2, 1]  # the shipping line published last
    withdrawal = page[page.index('data-seq="5"'):page.index('data-seq="4"')]
    assert "badge withdrawn" in withdrawal and "Reason: 测算有误" in withdrawal and "/versions/4" in withdrawal
    v3 = page[page.index('data-seq="3"'):page.index('data-seq="2"')]
    assert "short-notice" in v3
    assert ("Increases: 1; reductions: 1; additions: 1; deletions: 1; wording changes: 1; "
            "largest increase: THC 40HQ export CN¥900.00 → CN¥950.00 (+5.56%)") in v3


@pytest.mark.parametrize("query, expected", [
    ("entity=minnan-lines", [7, 6]),
    ("kind=shipping_line", [7, 6]),
    ("kind=container_terminal&action=withdraw", [5]),
    ("code=SEAL", [3, 2]),
    ("code=DOC&entity=haicang-demo", [3, 2]),
    ("direction=up", [7, 5, 4, 3, 2]),  # a withdrawal carries what the version would have changed
    ("direction=down", [3]),
    ("direction=added", [6, 3, 2, 1]),
    ("direction=removed", [3]),
    ("direction=wording", [3]),
    ("code=THC&direction=up", [5, 4, 3, 2]),
    ("from=2023-12-21&to=2024-05-01", [4, 3]),  # v3 was published at 01:00 on the 21st, port time
    ("from=2023-01-01&to=2023-12-20", [7, 6]),
])
def test_changes_filters(client, liner, query, expected):
    assert seqs_of(client.get(f"/changes?{query}").get_data(as_text=True)) == expected


def test_changes_rejects_bad_filters_but_still_answers(client, liner):
    response = client.get("/changes?direction=sideways&entity=minnan-lines")
    assert response.status_code == 422 and seqs_of(response.get_data(as_text=True)) == [7, 6]


def test_changes_pages_and_filtered_scans_cross_chunks(client, session, liner, monkeypatch):
    monkeypatch.setattr(history, "SCAN_CHUNK", 2)
    first = history.list_changes(session, ChangeFilter(direction="up"), tz="Asia/Shanghai", per_page=2)
    second = history.list_changes(session, ChangeFilter(direction="up"), tz="Asia/Shanghai", page=2, per_page=2)
    third = history.list_changes(session, ChangeFilter(direction="up"), tz="Asia/Shanghai", page=3, per_page=2)
    assert [r.entry.seq for r in first.rows] == [7, 5] and first.has_next
    assert [r.entry.seq for r in second.rows] == [4, 3] and second.has_next
    assert [r.entry.seq for r in third.rows] == [2] and not third.has_next
    plain = history.list_changes(session, ChangeFilter(), tz="Asia/Shanghai", page=4, per_page=2)
    assert [r.entry.seq for r in plain.rows] == [1] and not plain.has_next
    page = client.get("/changes?page=9").get_data(as_text=True)
    assert seqs_of(page) == [] and "page=1" in page


def test_a_schedule_with_no_version_yet(client, session, schedule):
    f.schedule(session, schedule.entity, slug="ecommerce", business_line="ecommerce")
    base = "/entities/haicang-demo/schedules/ecommerce"
    assert client.get(f"{base}/history").status_code == 200
    assert client.get(f"{base}/items").status_code == 200
    assert client.get(f"{base}/diff").status_code == 404
