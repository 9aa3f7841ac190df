"""/compare and its API twins /api/v1/compare(.csv): hand-computed numbers from data built
through the services, the same numbers in the page, the chart, the JSON and the CSV."""
from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from fees.cli import DEFAULT_CATALOG
from fees.services import registry
from fees.types import utcnow
from fees.views.helpers import today
from tests import factories as f
from tests.schemas import conforms

ON = "2025-06-01"
VARIANT = "container=40HQ&direction=export&cargo_class=&unit=per_container"
PAGE = f"/compare?code=THC&{VARIANT}&on={ON}"
API = f"/api/v1/compare?code=THC&{VARIANT}&on={ON}"
PROBLEM = "application/problem+json"
D = Decimal


@pytest.fixture
def market(session):
    """Hand-made market on 2025-06-01, THC 40HQ export (CNY): bravo 800, alpha 850, charlie 900,
    delta 1000 → median (850 + 900) / 2 = 875. Echo (an agency) charges THC only for 20GP, so
    it is missing; foxtrot (towage) and golf (e-commerce only) are not expected to charge it;
    hotel charges it in USD, which is never mixed in."""
    registry.load_catalog(session, DEFAULT_CATALOG)
    published = f.utc(2023, 11, 1)

    def tariff(slug, kind, items, *, business_line="port", currency="CNY"):
        """An entity of this kind with one schedule whose version 1 holds `items`."""
        owner = f.entity(session, slug=slug, kind=kind, name_zh=f"{slug}示例", name_en=f"{slug.title()} Demo")
        sched = f.schedule(session, owner, slug="local", business_line=business_line, currency=currency)
        f.publish(session, sched, items, effective=date(2024, 1, 1), now=published)
        return sched

    return {
        "alpha": tariff("alpha-lines", "shipping_line", [f.thc("850", legal_basis="企业自主定价")]),
        "bravo": tariff("bravo-lines", "shipping_line", [f.thc("800"), f.thc("480", container="20GP")]),
        "charlie": tariff("charlie-agency", "shipping_agency", [f.thc("900", min_amount="100")]),
        "delta": tariff("delta-lines", "shipping_line", [f.thc("1000"), f.thc("500", container="20GP")]),
        "echo": tariff("echo-agency", "shipping_agency", [f.thc("450", container="20GP")]),
        "foxtrot": tariff("foxtrot-towage", "towage", [
            {"code": "TOWAGE", "name_zh": "拖轮费", "unit": "per_vessel_call", "amount": "9000"}]),
        "golf": tariff("golf-lines", "shipping_line", [
            {"code": "EC_CLEARANCE", "name_zh": "清关服务费", "unit": "per_order", "amount": "15"}],
            business_line="ecommerce"),
        "hotel": tariff("hotel-lines", "shipping_line", [f.thc("120")], currency="USD"),
    }


EXPECTED = [  # rank, entity, amount, difference from the median, percent
    (1, "bravo-lines", "800.00", "-75.00", "-8.57"),
    (2, "alpha-lines", "850.00", "-25.00", "-2.86"),
    (3, "charlie-agency", "900.00", "25.00", "2.86"),
    (4, "delta-lines", "1000.00", "125.00", "14.29"),
]


def page_rows(text: str) -> list[tuple[int, str, str]]:
    """(rank, entity slug, amount cell) of each row of the ranking table."""
    found = re.findall(r'<tr id="rank-(\d+)".*?href="/entities/([a-z-]+)".*?<td class="num">([^<]+)</td>', text, re.DOTALL)
    return [(int(rank), slug, cell.strip()) for rank, slug, cell in found]


def figure(text: str) -> dict:
    """The chart's plotly figure, as the page embeds it."""
    return json.loads(html.unescape(re.search(r'data-figure="([^"]*)"', text).group(1)))



def problem_fields(response, status: int = 422) -> list[str]:
    """The fields of a problem+json answer's errors."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    return [e["field"] for e in response.get_json()["errors"]]


# -- the page -------------------------------------------------------------------------

def test_the_page_ranks_every_entity_with_the_hand_computed_numbers(client, market):
    """The page (Chinese) shows the hand-computed ranks, median, differences and missing entity."""
    response = client.get(PAGE + "&lang=zh")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert page_rows(text) == [(1, "bravo-lines", "¥800.00 / 40HQ"), (2, "alpha-lines", "¥850.00 / 40HQ"),
                               (3, "charlie-agency", "¥900.00 / 40HQ"), (4, "delta-lines", "¥1,000.00 / 40HQ")]
    for _, _, _, difference, pct in EXPECTED:
        sign = "-" if difference.startswith("-") else ""
        assert f"{sign}¥{difference.lstrip('-')} ({'+' if not sign else ''}{pct}%)" in text
    assert "<dd>¥875.00 / 40HQ</dd>" in text and "<dd>¥800.00 / 40HQ</dd>" in text and "<dd>4</dd>" in text
    assert "¥100.00" in text  # charlie's minimum charge
    assert "企业自主定价" in text and "市场调节价" in text  # legal basis; the catalogue's pricing regime
    alpha = market["alpha"]
    item_id = alpha.versions[0].items[0].id
    assert f'href="/entities/alpha-lines/schedules/local/versions/1#item-{item_id}"' in text
    missing = text.split("</table>")[-1]
    assert 'href="/entities/echo-agency"' in missing
    assert "foxtrot" not in missing and "golf" not in missing and "hotel" not in missing
    assert 'lang="zh-CN"' in text and "收费主体" in text  # the reader's language (Chinese by default)
    assert "/assets/plotly.min.js" in text and "js/charts.js" in text


def test_the_page_in_english(client, market):
    """?lang=en switches the page's words and money format."""
    text = client.get(PAGE + "&lang=en").get_data(as_text=True)
    assert 'lang="en"' in text and "Market-regulated price" in text and "Difference from the median" in text
    assert page_rows(text)[0] == (1, "bravo-lines", "CN¥800.00 / 40HQ")
    assert "Entities that publish no such fee" in text and "Echo-Agency Demo" in text


def test_other_currencies_are_listed_apart_and_can_be_compared_alone(client, market):
    """USD is not ranked among CNY; ?currency=USD ranks it alone."""
    text = client.get(PAGE + "&lang=en").get_data(as_text=True)
    assert "hotel-lines" not in text.split("</table>")[-2]  # not in the CNY ranking
    assert "currency=USD" in text and "1 in USD" in text
    usd = client.get(API + "&currency=USD").get_json()
    assert usd["currency"] == "USD" and usd["summary"] == {"count": 1, "min": "120.00", "median": "120.00",
                                                           "max": "120.00"}
    assert [i["entity"] for i in usd["items"]] == ["hotel-lines"]
    assert usd["other_currencies"] == [{"currency": "CNY", "count": 4}]


def test_the_chart_draws_the_tables_numbers(client, market):
    """The figure's bars and median line are the table's amounts."""
    text = client.get(PAGE).get_data(as_text=True)
    fig = figure(text)
    bars = fig["data"][0]
    assert [D(str(y)) for y in bars["y"]] == [D(amount) for _, _, amount, _, _ in EXPECTED]
    assert [x.split(". ")[0] for x in bars["x"]] == ["1", "2", "3", "4"]
    median_line = fig["layout"]["shapes"][0]
    assert D(str(median_line["y0"])) == D(str(median_line["y1"])) == D("875.00")
    assert 'role="img" aria-label=' in text
    assert "<script>" not in text


def test_the_variant_picker_offers_what_exists_and_preselects_the_most_published(client, market):
    """Without a variant the page offers that day's variants and shows the most published."""
    response = client.get(f"/compare?code=THC&on={ON}&lang=en")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<option value="40HQ" selected>' in text and '<option value="export" selected>' in text
    assert '<option value="20GP">' in text and "45HQ" not in text  # only what exists that day
    assert "Not every part of the variant was chosen" in text
    counts = re.findall(r'container=(\w+)&amp;direction=export&amp;cargo_class=&amp;unit=per_container"'
                        r'[^>]*>.*?<td class="num">(\d+)</td>', text, re.DOTALL)
    assert counts == [("40HQ", "5"), ("20GP", "3")]  # any currency: hotel counts; 20GP: bravo, delta, echo
    assert page_rows(text)[0] == (1, "bravo-lines", "CN¥800.00 / 40HQ")  # the preselected one is shown
    partial = client.get(f"/api/v1/compare?code=THC&on={ON}&container=20GP").get_json()
    assert partial["variant_filled_in"] is True and partial["variant"]["direction"] == "export"
    assert [i["entity"] for i in partial["items"]] == ["echo-agency", "bravo-lines", "delta-lines"]


def test_a_variant_nobody_publishes_and_a_code_nobody_publishes(client, market):
    """Empty answers say so, and the API still matches its schema."""
    text = client.get(f"/compare?code=THC&container=45HQ&direction=export&cargo_class=&unit=per_container"
                      f"&on={ON}&lang=en").get_data(as_text=True)
    assert "No entity publishes this variant on this day." in text and page_rows(text) == []
    assert "<details class=\"panel\" open>" in text
    text = client.get(f"/compare?code=PILOTAGE&on={ON}&lang=en").get_data(as_text=True)
    assert "No entity publishes PILOTAGE on 2025-06-01." in text
    body = client.get(f"/api/v1/compare?code=PILOTAGE&on={ON}").get_json()
    assert body["variant"] is None and body["items"] == [] and body["summary"]["count"] == 0
    conforms(body, "CompareResult")


def test_the_page_without_a_code_shows_only_the_form(client, market):
    """A bare /compare is the form, dated today, with no chart."""
    response = client.get("/compare")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and '<select id="code" name="code" required>' in text
    assert f'value="{today().isoformat()}"' in text and "plotly.min.js" not in text and "data-figure" not in text
    assert '<option value="THC">THC · 码头操作费 · Terminal handling charge</option>' in text


# -- the API twins --------------------------------------------------------------------

def test_json_twin_has_the_pages_numbers(client, market):
    """/api/v1/compare gives the page's numbers, as documented."""
    response = client.get(API)
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    conforms(body, "CompareResult")
    assert body["code"] == "THC" and body["on"] == ON and body["currency"] == "CNY" and body["next"] is None
    assert body["variant"] == {"container": "40HQ", "direction": "export", "cargo_class": "", "unit": "per_container"}
    assert body["variant_filled_in"] is False
    assert body["summary"] == {"count": 4, "min": "800.00", "median": "875.00", "max": "1000.00"}
    assert [(i["rank"], i["entity"], i["amount"], i["difference_from_median"], i["difference_pct"])
            for i in body["items"]] == EXPECTED
    charlie = body["items"][2]
    assert charlie["min_amount"] == "100.00" and charlie["pricing_regime"] == "market"
    assert charlie["unit"] == "per_container" and charlie["version"] == 1 and charlie["effective_from"] == "2024-01-01"
    assert charlie["url"] == f"/entities/charlie-agency/schedules/local/versions/1#item-{charlie['item_id']}"
    assert [m["entity"] for m in body["missing"]] == ["echo-agency"]
    assert body["other_currencies"] == [{"currency": "USD", "count": 1}]
    page = page_rows(client.get(PAGE).get_data(as_text=True))
    assert [(rank, slug) for rank, slug, _ in page] == [(i["rank"], i["entity"]) for i in body["items"]]


def test_csv_twin_has_the_same_rows(client, market):
    """/api/v1/compare.csv gives the same rows; ?bom=true adds a BOM."""
    response = client.get(API.replace("/compare?", "/compare.csv?"))
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="compare-THC-2025-06-01.csv"' in response.headers["Content-Disposition"]
    data = response.get_data(as_text=True)
    assert not data.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert [(int(r["rank"]), r["entity"], r["amount"], r["difference_from_median"], r["difference_pct"])
            for r in rows] == EXPECTED
    assert rows[0]["code"] == "THC" and rows[0]["container"] == "40HQ" and rows[0]["currency"] == "CNY"
    with_bom = client.get(API.replace("/compare?", "/compare.csv?") + "&bom=true").get_data(as_text=True)
    assert with_bom.startswith("\ufeff") and with_bom[1:] == data


def test_tiered_fees_show_their_bands_and_rank_by_the_first_charged_rate(client, session, market):
    """Storage ranks by first charged rate and shows its bands in page, JSON and CSV."""
    owner = f.entity(session, slug="yard-a", kind="yard")
    f.publish(session, f.schedule(session, owner), [f.storage()], effective=date(2024, 1, 1), now=f.utc(2023, 11, 1))
    owner = f.entity(session, slug="yard-b", kind="yard")
    f.publish(session, f.schedule(session, owner),
              [f.storage(tiers=[{"from": "1", "to": "2", "amount": "0"}, {"from": "3", "to": None, "amount": "15"}])],
              effective=date(2024, 1, 1), now=f.utc(2023, 11, 1))
    body = client.get(f"/api/v1/compare?code=STORAGE&on={ON}").get_json()
    assert [(i["entity"], i["amount"]) for i in body["items"]] == [("yard-b", "15.00"), ("yard-a", "20.00")]
    assert body["items"][1]["tiers"][2] == {"from": "11", "to": None, "amount": "40.00"}
    text = client.get(f"/compare?code=STORAGE&on={ON}&lang=en").get_data(as_text=True)
    assert "first charged tier" in text and "11 and above: CN¥40.00" in text
    csv_text = client.get(f"/api/v1/compare.csv?code=STORAGE&on={ON}").get_data(as_text=True)
    assert "1-4:0.00; 5-10:20.00; 11+:40.00" in csv_text


# -- the calendar ---------------------------------------------------------------------

def test_a_version_taking_effect_tomorrow_changes_tomorrow_not_today(client, session, market):
    """An upcoming version changes ?on=tomorrow, not today."""
    base = f"/api/v1/compare?code=THC&{VARIANT}"
    before = client.get(base).get_json()
    tomorrow = today() + timedelta(days=1)
    f.publish(session, market["delta"], [f.thc("700")], effective=tomorrow, now=utcnow())
    now = client.get(base).get_json()
    assert now["items"] == before["items"] and now["summary"] == before["summary"]
    assert [i["entity"] for i in now["items"]][-1] == "delta-lines"
    later = client.get(f"{base}&on={tomorrow.isoformat()}").get_json()
    assert [(i["entity"], i["amount"]) for i in later["items"]] == [
        ("delta-lines", "700.00"), ("bravo-lines", "800.00"), ("alpha-lines", "850.00"), ("charlie-agency", "900.00")]
    assert later["summary"]["median"] == "825.00"
    assert page_rows(client.get(f"/compare?code=THC&{VARIANT}").get_data(as_text=True))[0][1] == "bravo-lines"


# -- refusals -------------------------------------------------------------------------

@pytest.mark.parametrize("query, fields", [
    ("", ["code"]),
    ("code=NOPE", ["code"]),  # not in the catalogue: 422, the question is bad, the resource exists
    ("code=TH C", ["code"]),
    ("code=THC&on=2025-02-30", ["on"]),
    ("code=THC&on=yesterday", ["on"]),
    ("code=THC&container=99FT&direction=sideways", ["container", "direction"]),
    ("code=THC&cargo_class=gold&unit=per_ship", ["cargo_class", "unit"]),
    ("code=THC&currency=YUAN", ["currency"]),
])
def test_bad_parameters_are_refused_with_every_field(client, market, query, fields):
    """Bad parameters: 422 problem+json naming each field, in JSON and CSV alike."""
    assert problem_fields(client.get(f"/api/v1/compare?{query}")) == fields
    assert problem_fields(client.get(f"/api/v1/compare.csv?{query}")) == fields


def test_bad_bom_and_a_bad_page_request(client, market):
    """A bad ?bom is 422; the page answers bad input with 422 and the form."""
    assert problem_fields(client.get(API.replace("/compare?", "/compare.csv?") + "&bom=maybe")) == ["bom"]
    assert problem_fields(client.get("/api/v1/compare.csv?on=soon&bom=maybe")) == ["code", "on", "bom"]
    assert problem_fields(client.get("/api/v1/compare.csv?bom=maybe")) == ["code", "bom"]
    response = client.get(f"/compare?code=NOPE&on={ON}&lang=en")
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert "NOPE is not in the fee catalogue." in text and 'aria-invalid="true"' in text
    assert client.get("/compare?code=THC&on=2025-13-01").status_code == 422


# -- the demo data --------------------------------------------------------------------

def test_demo_data_government_set_dues_are_identical_and_thc_misses_agencies(client, session):
    """Demo data: identical government-set dues; reefer THC's missing agencies."""
    from fees.demo import load_demo

    load_demo(session)
    dues = client.get(f"/api/v1/compare?code=CARGO_DUES&on={ON}").get_json()
    conforms(dues, "CompareResult")
    assert dues["pricing_regime"] == "government_set" and dues["summary"]["count"] >= 2
    assert dues["summary"]["min"] == dues["summary"]["median"] == dues["summary"]["max"]
    assert {i["difference_from_median"] for i in dues["items"]} == {"0.00"}
    reefer = client.get(f"/api/v1/compare?code=THC&container=40RH&on={ON}").get_json()
    publishing = {i["entity"] for i in reefer["items"]}
    assert reefer["missing"] and not publishing & {m["entity"] for m in reefer["missing"]}
    text = client.get(f"/compare?code=THC&container=40RH&on={ON}").get_data(as_text=True)
    assert [(rank, slug) for rank, slug, _ in page_rows(text)] == [(i["rank"], i["entity"]) for i in reefer["items"]]
    assert [D(str(y)) for y in figure(text)["data"][0]["y"]] == [D(i["amount"]) for i in reefer["items"]]


def test_a_pages_formatting_is_the_sites_done_once_per_value(app):
    """fees.views.formats: the same text as the site's filters; each value formatted once,
    and equal decimals written differently kept apart."""
    from fees.views import formats, helpers

    calls = []
    once = formats.once_per_value(lambda amount, currency: calls.append(amount) or f"{currency} {amount}")
    assert [once(D("850.00"), "CNY"), once(D("850.00"), "CNY"), once(D("850.0"), "CNY")] == [
        "CNY 850.00", "CNY 850.00", "CNY 850.0"]
    assert calls == [D("850.00"), D("850.0")]
    with app.test_request_context("/?lang=en"):
        page = formats.page_formats()
        assert page["money"](D("1200.5"), "CNY") == helpers.money(D("1200.5"), "CNY")
        assert page["signed_money"](D("-25"), "USD") == helpers.signed_money(D("-25"), "USD")
        assert page["label"]("UNITS", "per_container") == helpers.label("UNITS", "per_container")
    assert formats.filled_in("第 %(n)s 版")(n=3) == "第 3 版"


def test_links_made_once_per_page_are_url_for_s(app):
    """fees.views.formats.url_maker: the same links as url_for, values that a URL would
    quote included (those go through url_for itself)."""
    from flask import url_for

    from fees.views.formats import url_maker

    with app.test_request_context("/compare"):
        item_url = url_maker("public.version", "slug", "schedule_slug", "number", "_anchor")
        for values in ({"slug": "alpha-lines", "schedule_slug": "local", "number": 3, "_anchor": "item-12"},
                       {"slug": "a b{}", "schedule_slug": "本地", "number": 70, "_anchor": "item 1"}):
            assert item_url(**values) == url_for("public.version", **values)
        assert url_maker("public.entity", "slug")(slug="echo-agency") == "/entities/echo-agency"
