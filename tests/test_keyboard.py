"""Keyboard only: the pages are operated with page.keyboard alone (Tab, Shift+Tab, Enter,
Space, arrows and typing); the locators below only *read* the page (where focus is, what
it says). A shipper searches from the home page and compares a fee; a publisher
publishes a draft. Focus is visible wherever it lands, and the skip link works."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from fees.services import drafts
from fees.views.helpers import today
from tests import factories as f
from tests.browser import browser, live_server, new_page  # noqa: F401  (browser: a fixture)
from tests.web import PASSWORD

MAX_TABS = 80


def focused(page, selector: str) -> bool:
    return page.evaluate("s => document.activeElement !== null && document.activeElement.matches(s)", selector)


def focus_ring(page) -> dict:
    """The focused element's outline, as the browser draws it now."""
    return page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return {tag: e.tagName, type: e.type, focus: e.matches(':focus'), focusVisible: e.matches(':focus-visible, input:focus, select:focus, textarea:focus'), style: s.outlineStyle,
                width: parseFloat(s.outlineWidth), color: s.outlineColor}; }""")


def assert_focus_visible(page):
    ring = focus_ring(page)
    if ring["type"] == "date" and not ring["focus"]:
        return  # Chromium's own calendar button inside the date field has the focus (and its own ring)
    assert ring["focusVisible"] and ring["style"] != "none" and ring["width"] >= 2, ring


def tab_to(page, selector: str, *, key: str = "Tab") -> None:
    """Press Tab (or Shift+Tab) until the element matching `selector` has focus; every
    stop on the way must show where focus is."""
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        assert_focus_visible(page)
        if focused(page, selector):
            return
    pytest.fail(f"{selector} not reached with {MAX_TABS} presses of {key}")


@pytest.fixture
def shipper_site(app, schedule, session):
    """Two terminals publishing THC, so that there is a ranking."""
    other = f.entity(session, slug="songyu-demo", name_zh="嵩屿示例码头", name_en="Songyu Demo Terminal")
    f.publish(session, f.schedule(session, other), [f.thc("990")], effective=schedule.versions[0].effective_from,
              now=f.utc(2022, 1, 11))
    return app


def test_skip_link_and_focus_style(shipper_site, browser):  # noqa: F811
    with live_server(shipper_site) as base, new_page(browser) as page:
        page.goto(base + "/")
        page.keyboard.press("Tab")
        skip = page.locator("a.skip")
        expect(skip).to_be_focused()
        expect(skip).to_have_attribute("href", "#main")
        assert_focus_visible(page)
        box = skip.bounding_box()
        assert box and box["x"] >= 0 and box["y"] >= 0  # on screen once focused
        page.keyboard.press("Enter")
        assert page.url.endswith("#main")
        page.keyboard.press("Tab")  # the next stop is inside the content, past the header and its navigation
        assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
        # Shift+Tab goes back out through the header.
        tab_to(page, "header .lang a", key="Shift+Tab")


def test_search_from_home_and_compare(shipper_site, browser):  # noqa: F811
    with live_server(shipper_site) as base, new_page(browser) as page:
        page.goto(base + "/")
        tab_to(page, "#home-q")
        page.keyboard.type("操作费")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/search\?"))
        results = page.locator("main table").first
        expect(results).to_contain_text("THC")
        expect(results).to_contain_text("海沧示例码头")

        # To the comparison through the main navigation, then choose the fee with arrows.
        tab_to(page, "header nav a[href='/compare']")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        tab_to(page, "select#code")
        for _ in range(200):  # arrow down the closed list until THC is chosen
            if page.locator("#code").input_value() == "THC":
                break
            page.keyboard.press("ArrowDown")
        expect(page.locator("#code")).to_have_value("THC")
        tab_to(page, "main form button[type=submit]")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/compare\?.*code=THC"))
        ranked = page.locator("table.compare")
        expect(ranked.locator("tbody tr")).to_have_count(2)
        expect(ranked.locator("tbody tr").first).to_contain_text("海沧示例码头")  # 850 before 990
        expect(page.locator("div.chart .main-svg").first).to_be_visible()

        # Into the cheapest entity's page with the keyboard.
        tab_to(page, "table.compare tbody tr:first-child a[href^='/entities/']")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/entities/haicang-demo$"))


def test_publisher_publishes_with_the_keyboard(app, schedule, publisher, session, browser):  # noqa: F811
    app.config["WTF_CSRF_ENABLED"] = True
    draft = drafts.create_draft(session, schedule, items=[f.thc("900"), f.storage()], actor=publisher)
    effective = today() + timedelta(days=40)
    with live_server(app) as base, new_page(browser) as page:
        page.goto(f"{base}/login")
        tab_to(page, "input[name=email]")
        page.keyboard.type(publisher.email)
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_contain_text("海沧示例码头")

        tab_to(page, f"a[href='/publish/drafts/{draft.id}']")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(rf"/publish/drafts/{draft.id}$"))

        tab_to(page, "#publish form[method=post] input[type=date]")
        # A date field takes its parts in the browser's order (month, day, year: see
        # CHROMIUM_ARGS), moving to the next part when one is full.
        page.keyboard.type(effective.strftime("%m%d%Y"))
        expect(page.locator("#publish form[method=post] input[type=date]")).to_have_value(effective.isoformat())
        tab_to(page, "#publish form[method=post] textarea")
        page.keyboard.type("码头操作费上调至 900 元")
        tab_to(page, "#publish form[method=post] button[type=submit]")
        page.keyboard.press("Space")
        expect(page.get_by_role("heading", level=1)).to_contain_text("第 2 版")
        expect(page.locator("main")).to_contain_text(effective.isoformat())
        expect(page.locator("main")).to_contain_text("码头操作费上调至 900 元")
