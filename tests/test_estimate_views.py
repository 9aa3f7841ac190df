"""The /estimate page and its API twins on a small published market: hand-computed totals
(tests/test_estimate.py works them out), the same numbers in HTML, chart, JSON and CSV,
the calendar, shareable URLs, both languages and refused input."""
from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest

from fees.cli import DEFAULT_CATALOG
from fees.services import registry
from fees.views.helpers import today
from tests import factories as f
from tests.schemas import conforms
from tests.test_estimate import EXPECTED_TOTALS, MARKET, SHIPMENT_ARGS

D = Decimal
PROBLEM = "application/problem+json"
EC_MARKET = [
    ("ec-one", "ecommerce_logistics", "电商一", "EC One", [
        {"code": "EC_CLEARANCE", "unit": "per_order", "direction": "import", "amount": "5"},
        {"code": "EC_PICK_PACK", "unit": "per_parcel", "amount": "2"},
        {"code": "EC_DELIVERY", "unit": "per_kg",
         "tiers": [{"from": "1", "to": "1", "amount": "8"}, {"from": "2", "to": None, "amount": "2.5"}]},
        {"code": "EC_WAREHOUSE", "unit": "per_cbm_day",
         "tiers": [{"from": "1", "to": "30", "amount": "1.8"}, {"from": "31", "to": "90", "amount": "2.5"},
                   {"from": "91", "to": None, "amount": "3.5"}]},
    ]),
    ("ec-two", "ecommerce_logistics", "电商二", "EC Two", [
        {"code": "EC_LABEL", "unit": "per_parcel", "amount": "0.5", "min_amount": "100"},
    ]),
]
EC_ARGS = {"line": "ecommerce", "direction": "import", "orders": "100", "parcels": "120", "kg": "250",
           "cbm": "2.5", "warehouse_days": "40"}


def publish_market(session, market, line: str = "port") -> dict:
    """Each entity of `market` with one schedule, in effect since 2024-01-01; by slug."""
    schedules = {}
    for slug, kind, zh, en, specs in market:
        owner = f.entity(session, slug=slug, kind=kind, name_zh=zh, name_en=en)
        schedules[slug] = f.schedule(session, owner, slug="main", business_line=line)
        f.publish(session, schedules[slug], [{"name_zh": s["code"], **s} for s in specs],
                  effective=date(2024, 1, 1), now=f.utc(2023, 11, 1))
    return schedules


@pytest.fixture
def market(session) -> dict:
    """The catalogue, the small port market and the e-commerce one."""
    registry.load_catalog(session, DEFAULT_CATALOG)
    schedules = publish_market(session, MARKET)
    schedules.update(publish_market(session, EC_MARKET, line="ecommerce"))
    return schedules


def url(path: str, args: dict, **extra) -> str:
    """A path with a query string."""
    return f"{path}?{urlencode({**args, **extra})}"


def page_totals(body: str) -> dict[str, Decimal]:
    """Entity → total, as the ranking tables show them."""
    rows = re.findall(r'<tr class="(?:in)?complete" data-entity="([^"]+)">.*?data-total="([^"]+)"', body, re.S)
    return {slug: D(total) for slug, total in rows}


def figures(body: str) -> list[dict]:
    """The plotly figures embedded in the page."""
    return [json.loads(html.unescape(raw)) for raw in re.findall(r'data-figure="([^"]*)"', body)]





# -- the page ----------------------------------------------------------------------------

def test_a_bare_page_shows_the_form_only(client, market):
    """/estimate without a shipment is the empty form, no error, no chart."""
    response = client.get("/estimate?lang=en")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="20GP"' in body and 'name="orders"' in body
    assert "data-figure" not in body and "plotly.min.js" not in body and 'class="flash error"' not in body


@pytest.mark.parametrize("lang, marks", [
    ("en", ['lang="en"', "A Terminal", "Container terminal", "Charging entity"]),
    ("zh", ['lang="zh-CN"', "甲码头", "集装箱码头", "收费主体"]),
])
def test_the_page_totals_by_hand_in_both_languages(client, market, lang, marks):
    """The hand-computed totals, ranks and unknowns on the page, in Chinese and English."""
    response = client.get(url("/estimate", SHIPMENT_ARGS, lang=lang))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page_totals(body) == EXPECTED_TOTALS
    assert all(mark in body for mark in marks)
    ranking = re.findall(r'<tr class="(complete|incomplete)" data-entity="([^"]+)">\s*<td class="num">([^<]+)</td>',
                         body)
    assert ranking[:2] == [("complete", "a-terminal", "1"), ("incomplete", "b-terminal", "—")]
    # B's cargo dues are unknown, never zero; its storage minimum shows as applied
    b = body[body.index('id="estimate-b-terminal-CNY"'):body.index('id="estimate-l-line-CNY"')]
    assert b.count('class="unknown"') == 2 and "CARGO_DUES" in b and 'class="badge"' in b
    assert ("¥1,000.00" if lang == "zh" else "CN¥1,000.00") in b


def test_amounts_show_their_currency_and_unit(client, market):
    """Rates read as ¥740.00 / 40HQ; tier shares with their per-container sum."""
    body = client.get(url("/estimate", SHIPMENT_ARGS, lang="en")).get_data(as_text=True)
    assert "CN¥740.00 / 40HQ" in body and "CN¥400.00 / bill" in body and "CN¥32.00 / container" in body
    assert "5–10: 6 × CN¥20.00" in body and "= CN¥200.00 per container" in body


def test_each_chart_draws_exactly_the_tables_totals(client, market):
    """One chart per group whose bars are the ranking table's totals, in its order."""
    body = client.get(url("/estimate", SHIPMENT_ARGS, lang="en")).get_data(as_text=True)
    drawn = [list(zip(fig["data"][0]["x"], fig["data"][0]["y"])) for fig in figures(body)]
    assert len(drawn) == 3  # terminals, shipping lines, customs brokers
    tables = re.findall(r'<table class="estimate-ranking">(.*?)</table>', body, re.S)
    for bars, table in zip(drawn, tables):
        shown = [D(t) for t in re.findall(r'data-total="([^"]+)"', table)]
        assert [D(str(y)) for _, y in bars] == shown
    assert [name for name, _ in drawn[0]] == ["A Terminal", "B Terminal"]
    assert 'src="/assets/plotly.min.js"' in body


def test_the_form_is_prefilled_from_the_query_string_and_the_shared_link_gives_the_same_numbers(client, market):
    """The URL is the whole question: the form shows it and the shared link answers the same."""
    args = {**SHIPMENT_ARGS, "trucking": "1", "on": today().isoformat(), "port": "CNXMN"}
    body = client.get(url("/estimate", args)).get_data(as_text=True)
    for name in ("20GP", "40HQ", "inspected_40HQ", "days", "bills", "declarations"):
        assert re.search(rf'name="{name}"[^>]*value="{args[name]}"', body), name
    assert re.search(r'name="trucking" value="1" checked', body)
    assert '<option value="import" selected>' in body and '<option value="CNXMN" selected>' in body
    assert f'value="{args["on"]}"' in body
    shared = html.unescape(re.search(r'<a href="(http://localhost/estimate\?[^"]+)">', body).group(1))
    again = client.get(shared.removeprefix("http://localhost")).get_data(as_text=True)
    assert page_totals(again) == page_totals(body) == EXPECTED_TOTALS


def test_a_version_taking_effect_tomorrow_changes_tomorrows_estimate_only(client, session, market):
    """Only versions in effect on the day count."""
    day = today()
    raised = [{"name_zh": s["code"], **s} for s in MARKET[0][4]]
    raised[0] = {**raised[0], "amount": "580"}  # PORT_PACKAGE 20GP 480 → 580
    f.publish(session, market["a-terminal"], raised, effective=day + timedelta(days=1), now=f.utc(2023, 12, 1))
    now = page_totals(client.get(url("/estimate", SHIPMENT_ARGS, on=day.isoformat())).get_data(as_text=True))
    later = page_totals(client.get(url("/estimate", SHIPMENT_ARGS, on=(day + timedelta(days=1)).isoformat()))
                        .get_data(as_text=True))
    assert now == EXPECTED_TOTALS
    assert later["a-terminal"] == D("3046.00")  # two 20GP at +100 each
    assert page_totals(client.get(url("/estimate", SHIPMENT_ARGS)).get_data(as_text=True)) == EXPECTED_TOTALS


def test_refused_input_keeps_what_was_typed(client, market):
    """A refused shipment: 422, messages, the typed values kept, no results."""
    response = client.get("/estimate?lang=en&20GP=-2&40HQ=abc&22XX=1&days=9999")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and 'class="flash error"' in body
    assert "22XX is not a known container type" in body and "At most 365." in body
    assert re.search(r'name="20GP"[^>]*value="-2"', body) and re.search(r'name="40HQ"[^>]*value="abc"', body)
    assert "data-figure" not in body


# -- the API twins -------------------------------------------------------------------------

def test_the_json_twin_has_the_pages_numbers_and_matches_its_schema(client, market):
    """/api/v1/estimate: the page's numbers, as documented."""
    response = client.get(url("/api/v1/estimate", SHIPMENT_ARGS, on="2025-01-02"))
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    conforms(body, "Estimate")
    assert (body["on"], body["port"]) == ("2025-01-02", "CNXMN")
    assert body["shipment"] == {"line": "port", "direction": "import", "containers": {"20GP": 2, "40HQ": 1},
                                "inspected": {"40HQ": 1}, "days": 12, "bills": 1, "declarations": 2,
                                "trucking": False, "cleaning": False, "fumigation": False}
    totals = {e["entity"]: D(e["total"]) for g in body["groups"] for e in g["entities"]}
    assert totals == EXPECTED_TOTALS
    for group in body["groups"]:
        for entity in group["entities"]:
            assert D(entity["total"]) == sum(D(line["total"]) for line in entity["lines"])
    b = next(e for e in body["groups"][0]["entities"] if e["entity"] == "b-terminal")
    assert (b["rank"], b["complete"], b["unknown"]) == (None, False, ["CARGO_DUES"])
    storage = [line for line in b["lines"] if line["code"] == "STORAGE"][1]
    assert (storage["applies_to"], storage["computed"], storage["min_amount"], storage["minimum_applied"],
            storage["total"]) == (["40HQ"], "450.00", "1000.00", True, "1000.00")
    assert storage["tiers"] == [{"from": "1", "to": "3", "units": "3", "rate": "0.00", "amount": "0.00"},
                                {"from": "4", "to": None, "units": "9", "rate": "50.00", "amount": "450.00"}]
    page = page_totals(client.get(url("/estimate", SHIPMENT_ARGS, on="2025-01-02")).get_data(as_text=True))
    assert page == totals


def test_the_csv_twin_has_one_row_per_line_and_per_unknown_fee(client, market):
    """/api/v1/estimate.csv: lines add up to the totals; unknowns have no amount."""
    response = client.get(url("/api/v1/estimate.csv", SHIPMENT_ARGS, on="2025-01-02", bom="true"))
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="estimate-CNXMN-2025-01-02.csv"' in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    priced = [r for r in rows if r["status"] == "priced"]
    by_entity: dict[str, Decimal] = {}
    for row in priced:
        by_entity[row["entity"]] = by_entity.get(row["entity"], D(0)) + D(row["line_total"])
        assert D(row["entity_total"]) == EXPECTED_TOTALS[row["entity"]]
    assert by_entity == EXPECTED_TOTALS
    unknown = [(r["entity"], r["code"], r["applies_to"], r["quantity"], r["line_total"], r["reason"])
               for r in rows if r["status"] == "unknown"]
    assert unknown == [("b-terminal", "CARGO_DUES", "20GP", "2", "", "not_published"),
                       ("b-terminal", "CARGO_DUES", "40HQ", "1", "", "not_published")]
    storage = next(r for r in priced if r["entity"] == "a-terminal" and r["code"] == "STORAGE")
    assert (storage["tiers"], storage["quantity"], storage["measure"], storage["line_total"]) == (
        "1-4:4x0.00; 5-10:6x20.00; 11+:2x40.00", "3", "12", "600.00")
    plain = client.get(url("/api/v1/estimate.csv", SHIPMENT_ARGS, on="2025-01-02")).get_data(as_text=True)
    assert plain == text.removeprefix("\ufeff")


def test_an_ecommerce_shipment(client, market):
    """E-commerce by hand: per order, per parcel, kg per parcel, m³-days, a minimum."""
    body = client.get(url("/api/v1/estimate", EC_ARGS, on="2025-01-02")).get_json()
    conforms(body, "Estimate")
    [group] = body["groups"]
    assert (group["kind"], group["expected"]) == (
        "ecommerce_logistics", ["EC_CLEARANCE", "EC_PICK_PACK", "EC_LABEL", "EC_DELIVERY", "EC_WAREHOUSE"])
    two, one = group["entities"]  # both incomplete: by known total
    # 100×5 + 120×2 + 120 parcels × (8 + 2×2.50) for 3 kg each + 2.5 m³ × (30×1.80 + 10×2.50)
    assert [(line["code"], line["total"]) for line in one["lines"]] == [
        ("EC_CLEARANCE", "500.00"), ("EC_PICK_PACK", "240.00"), ("EC_DELIVERY", "1560.00"),
        ("EC_WAREHOUSE", "197.50")]
    assert (one["entity"], one["total"], one["complete"], one["unknown"]) == (
        "ec-one", "2497.50", False, ["EC_LABEL"])
    # 120 labels × 0.50 = 60.00, lifted to the 100.00 minimum
    assert (two["entity"], two["total"], two["lines"][0]["minimum_applied"]) == ("ec-two", "100.00", True)
    assert two["unknown"] == ["EC_CLEARANCE", "EC_PICK_PACK", "EC_DELIVERY", "EC_WAREHOUSE"]
    page = client.get(url("/estimate", EC_ARGS, on="2025-01-02", lang="en")).get_data(as_text=True)
    assert page_totals(page) == {"ec-one": D("2497.50"), "ec-two": D("100.00")}
    assert "Chargeable kg per parcel: 3" in page


@pytest.mark.parametrize("query, fields", [
    ("20GP=-1", ["20GP"]),
    ("20GP=1000000000", ["20GP"]),
    ("45XX=2&20GP=1", ["45XX"]),
    ("20GP=1&inspected_20GP=3", ["inspected_20GP"]),
    ("", ["containers"]),
    ("20GP=1&port=CNSHA", ["port"]),
    ("line=ecommerce&kg=3", ["parcels"]),
])
def test_bad_parameters_are_422_problems_naming_each_field(client, market, query, fields):
    """Both twins refuse bad parameters with problem+json naming each field."""
    for path in ("/api/v1/estimate", "/api/v1/estimate.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 422 and response.mimetype == PROBLEM
        body = response.get_json()
        conforms(body, "Problem")
        assert [e["field"] for e in body["errors"]] == fields and all(e["message"] for e in body["errors"])


def test_the_demo_data_estimates_consistently(client, session):
    """On the demo data: ranks in order, totals add up, page and JSON agree."""
    from fees.demo import load_demo

    load_demo(session)
    args = {"20GP": "2", "40HQ": "1", "20RF": "1", "inspected_20GP": "1", "days": "12", "trucking": "1",
            "direction": "export"}
    body = client.get(url("/api/v1/estimate", args)).get_json()
    conforms(body, "Estimate")
    kinds = [g["kind"] for g in body["groups"]]
    assert {"container_terminal", "shipping_line", "customs_broker", "trucking"} <= set(kinds)
    for group in body["groups"]:
        ranks = [e["rank"] for e in group["entities"]]
        assert ranks == sorted(r for r in ranks if r is not None) + [None] * ranks.count(None)
        for entity in group["entities"]:
            assert D(entity["total"]) == sum(D(line["total"]) for line in entity["lines"])
            assert entity["complete"] == (entity["unknown"] == [])
    page = client.get(url("/estimate", args)).get_data(as_text=True)
    assert page_totals(page) == {e["entity"]: D(e["total"]) for g in body["groups"] for e in g["entities"]}
