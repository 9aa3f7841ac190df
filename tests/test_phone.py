"""At a phone's width (375×740 CSS pixels), on the demo data, in Chinese and English: the
main pages never scroll sideways as a whole (wide tables scroll inside their own labelled
container), and every link of the main navigation can be seen and followed."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fees.demo import load_demo
from tests.browser import PHONE, browser, live_server, new_page  # noqa: F401  (browser: a fixture)

PAGES = {
    "home": "/",
    "search results": "/search?q=操作费",
    "entity list": "/entities",
    "entity page": "/entities/haicang-demo-terminal",
    "version page": "/entities/haicang-demo-terminal/schedules/container/versions/1",
    "compare": "/compare?code=THC&container=40HQ&direction=both",
    "estimate": "/estimate?line=port&direction=export&40HQ=2&days=12&bills=1",
    "open data": "/opendata/",
    "change history": "/changes",
}

# What sticks out of the page, for the failure message: the widest elements whose right
# edge is past the viewport and whose parent's is not (the culprits, not their ancestors).
OVERFLOW = """() => {
  const width = 375, out = [];
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.right > width + 0.5 && e.parentElement.getBoundingClientRect().right <= width + 0.5
        && !e.closest('.table-wrap, .chart')) {
      out.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''} right=${Math.round(r.right)}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, culprits: out.slice(0, 8)};
}"""

# Wide tables scroll inside a container that says what it is and can be reached by keyboard.
UNWRAPPED_WIDE_TABLES = """() => [...document.querySelectorAll('main table')]
  .filter(t => t.scrollWidth > t.parentElement.clientWidth + 1 && !t.closest('.table-wrap'))
  .map(t => t.outerHTML.slice(0, 80))"""


# A table that scrolls sideways can be scrolled with the keyboard (it takes focus) and
# says what it holds (a named group: not a landmark, a page can have dozens).
UNNAMED_SCROLLERS = """() => [...document.querySelectorAll('main .table-wrap')]
  .filter(e => e.scrollWidth > e.clientWidth)
  .filter(e => e.tabIndex !== 0 || e.getAttribute('role') !== 'group'
               || !(e.getAttribute('aria-label') || document.getElementById(e.getAttribute('aria-labelledby'))))
  .map(e => e.outerHTML.slice(0, 80))"""


@pytest.fixture
def demo_app(app, session):
    load_demo(session)
    return app


def test_no_sideways_scrolling_and_a_usable_navigation(demo_app, browser):  # noqa: F811
    problems = []
    with live_server(demo_app) as base:
        for lang in ("zh", "en"):
            with new_page(browser, viewport=PHONE, is_mobile=True, has_touch=True) as page:
                for name, path in PAGES.items():
                    response = page.goto(f"{base}{path}{'&' if '?' in path else '?'}lang={lang}")
                    assert response.ok, (path, response.status)
                    if page.locator("div.chart").count():
                        page.locator("div.chart .main-svg").first.wait_for()
                    found = page.evaluate(OVERFLOW)
                    # Against the phone's width: a mobile browser widens window.innerWidth to fit
                    # (zooms out on) a page that is too wide.
                    if found["scrollWidth"] > PHONE["width"] or found["innerWidth"] > PHONE["width"]:
                        problems.append(f"{lang} {name}: page {found['scrollWidth']}px wide on a "
                                        f"{PHONE['width']}px phone; {found['culprits']}")
                    if wide := page.evaluate(UNWRAPPED_WIDE_TABLES):
                        problems.append(f"{lang} {name}: wide tables outside a scrolling container: {wide}")
                    if unnamed := page.evaluate(UNNAMED_SCROLLERS):
                        problems.append(f"{lang} {name}: scrolling tables without focus or name: {unnamed}")
                # The check itself sees a page that is too wide (a phone may zoom out to fit one).
                page.evaluate("() => { const d = document.createElement('div'); d.style.width = '600px';"
                              " d.textContent = 'wide'; document.querySelector('main').append(d); }")
                found = page.evaluate(OVERFLOW)
                assert found["scrollWidth"] > PHONE["width"], found
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_navigation_link_can_be_seen_and_followed(app, schedule, browser, lang):  # noqa: F811
    with live_server(app) as base, new_page(browser, viewport=PHONE, is_mobile=True, has_touch=True) as page:
        page.goto(f"{base}/?lang={lang}")
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN" if lang == "zh" else "en")
        links = page.locator("header nav a")
        hrefs = [links.nth(n).get_attribute("href") for n in range(links.count())]
        assert len(hrefs) >= 7
        for n, href in enumerate(hrefs):  # each link, tapped from the page the previous one opened
            link = page.locator("header nav a").nth(n)
            link.scroll_into_view_if_needed()
            box = link.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (href, box)
            assert box["height"] >= 24 and box["width"] >= 24, (href, "a target a finger can hit", box)
            link.tap()
            expect(page).to_have_url(f"{base}{href}")
            assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"], href
        # The account and language links are there too.
        page.goto(f"{base}/")
        for link in (page.locator("header .account a"), page.locator("header .lang a")):
            box = link.bounding_box()
            assert box and 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], box
