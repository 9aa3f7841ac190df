"""In a real browser, in Chinese and in English: a shipper searches, compares one fee
across entities, downloads the comparison as CSV and reads it, and prices a whole
shipment, on the demo data."""
from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd
import pytest
from playwright.sync_api import expect

from fees.demo import load_demo
from tests.browser import browser_page, live_server

WORDS = {
    "zh": {"search": "搜索", "compare": "比价", "compare_nav": "比价", "estimate": "估算", "estimate_nav": "费用估算",
           "thc": "码头操作费", "terminals": "集装箱码头", "lines": "船公司"},
    "en": {"search": "Search", "compare": "Compare", "compare_nav": "Compare fees", "estimate": "Estimate",
           "estimate_nav": "Estimate a shipment",
           "thc": "Terminal handling charge", "terminals": "Container terminal", "lines": "Shipping line"},
}


@pytest.fixture
def demo_app(app, session):
    load_demo(session)
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_search_compare_and_estimate(demo_app, lang):
    words = WORDS[lang]
    with live_server(demo_app) as base, browser_page() as page:
        page.goto(base + "/")
        if lang == "en":
            page.get_by_role("link", name="English").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")

        # Search in Chinese, whatever the interface language.
        page.locator("#home-q").fill("操作费")
        page.locator("form.search-box").get_by_role("button", name=words["search"]).click()
        results = page.locator("main table").first
        expect(results).to_contain_text("THC")
        expect(results).to_contain_text(words["thc"] if lang == "en" else "码头操作费")

        # Compare THC across entities: the page fills in the most published variant.
        page.get_by_role("link", name=words["compare_nav"], exact=True).click()
        page.locator("#code").select_option("THC")
        page.get_by_role("button", name=words["compare"], exact=True).click()
        expect(page.locator("div.chart .main-svg").first).to_be_visible()  # plotly drew it under the CSP
        ranked = page.locator("table", has=page.locator("a[href^='/entities/']")).first
        expect(ranked.locator("tbody tr").first).to_contain_text("1")

        # Download the comparison as CSV and read it: the same ranking as the page's table.
        with page.expect_download() as info:
            page.get_by_role("link", name="CSV", exact=True).click()
        download = info.value
        assert re.fullmatch(r"compare-THC-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
        table = pd.read_csv(download.path(), dtype=str, keep_default_na=False, encoding="utf-8")
        assert list(table.columns[:8]) == ["rank", "entity", "entity_name_zh", "entity_name_en", "schedule",
                                           "code", "name_zh", "name_en"]
        rows = ranked.locator("tbody tr")
        assert len(table) == rows.count() >= 2
        assert set(table["code"]) == {"THC"} and set(table["currency"]) == {"CNY"}
        assert list(table["rank"]) == [str(n) for n in range(1, len(table) + 1)]
        assert list(map(Decimal, table["amount"])) == sorted(map(Decimal, table["amount"]))
        name_column = "entity_name_zh" if lang == "zh" else "entity_name_en"
        for n, record in table.iterrows():
            cells = rows.nth(n).locator("td")
            assert record[name_column] in cells.nth(1).inner_text()
            shown = re.search(r"[\d,]+\.\d{2}", cells.nth(2).inner_text()).group(0)
            assert Decimal(shown.replace(",", "")) == Decimal(record["amount"])

        # Estimate a shipment: two 40HQ for export, twelve days in the yard, one bill.
        page.get_by_role("link", name=words["estimate_nav"], exact=True).click()
        page.locator("#f-direction").select_option("export")
        page.locator("#f-40HQ").fill("2")
        page.locator("#f-days").fill("12")
        page.locator("#f-bills").fill("1")
        page.get_by_role("button", name=words["estimate"], exact=True).click()
        expect(page.locator("main")).to_contain_text(words["terminals"])
        expect(page.locator("main")).to_contain_text(words["lines"])
        expect(page.locator("div.chart .main-svg").first).to_be_visible()
        assert "40HQ=2" in page.url  # the estimate is shareable by its URL
