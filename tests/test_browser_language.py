"""In a real browser: the header's language link switches zh → en → zh on the same page,
query string included (repeated parameters too); <html lang>, the navigation and the
page change; the choice is remembered while browsing, signed out and signed in."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.browser import browser, live_server, new_page  # noqa: F401  (browser: a fixture)
from tests.web import PASSWORD

NAV = {"zh": ["首页", "收费主体", "搜索", "比价"], "en": ["Home", "Charging entities", "Search", "Compare fees"]}
HTML_LANG = {"zh": "zh-CN", "en": "en"}
SEARCH = "/search?q=%E6%93%8D%E4%BD%9C%E8%B4%B9&kind=container_terminal&kind=yard&business_line=port"
SEARCH_ARGS = {"q": ["操作费"], "kind": ["container_terminal", "yard"], "business_line": ["port"]}


def nav(page):
    return page.get_by_role("navigation", name="主导航" if page.locator("html").get_attribute("lang") == "zh-CN"
                            else "Main")


def assert_in(page, lang):
    """The page is in `lang`: html[lang], the navigation's words, the switch offering the other language."""
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    for text in NAV[lang]:
        expect(nav(page).get_by_role("link", name=text, exact=True)).to_be_visible()
    other = "English" if lang == "zh" else "中文"
    expect(page.locator("header .lang").get_by_role("link")).to_have_text(other)


def switch(page, to):
    page.locator("header .lang").get_by_role("link", name="English" if to == "en" else "中文").click()
    assert_in(page, to)


def args_of(url):
    query = parse_qs(urlsplit(url).query)
    query.pop("lang", None)
    return query


def test_switch_keeps_the_page_and_persists(app, schedule, browser):  # noqa: F811
    with live_server(app) as base, new_page(browser) as page:
        page.goto(base + SEARCH)
        assert_in(page, "zh")
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_contain_text("搜索")

        switch(page, "en")
        assert urlsplit(page.url).path == "/search"
        assert args_of(page.url) == SEARCH_ARGS  # both kinds kept
        expect(heading).to_contain_text("Search")
        expect(page.locator("#q, input[name=q]").first).to_have_value("操作费")

        # Remembered: the next pages, reached through the navigation, are in English too.
        nav(page).get_by_role("link", name="Charging entities", exact=True).click()
        assert "lang=" not in page.url
        assert_in(page, "en")
        page.get_by_role("link", name="Haicang Demo Terminal").first.click()
        assert_in(page, "en")

        switch(page, "zh")
        assert urlsplit(page.url).path == "/entities/haicang-demo"
        expect(page.get_by_role("heading", level=1)).to_contain_text("海沧示例码头")
        nav(page).get_by_role("link", name="比价", exact=True).click()
        assert_in(page, "zh")
        page.goto(base + "/changes?code=THC")
        assert_in(page, "zh")


def test_switch_when_signed_in(app, publisher, browser):  # noqa: F811
    app.config["WTF_CSRF_ENABLED"] = True
    with live_server(app) as base, new_page(browser) as page:
        page.goto(f"{base}/login")
        page.get_by_label("电子邮箱").fill(publisher.email)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("link", name="我的收费目录")).to_be_visible()

        page.goto(f"{base}/publish/?tab=1")
        switch(page, "en")
        assert urlsplit(page.url).path == "/publish/" and args_of(page.url) == {"tab": ["1"]}
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()  # still signed in
        expect(nav(page).get_by_role("link", name="My schedules")).to_be_visible()

        nav(page).get_by_role("link", name="Home", exact=True).click()
        assert_in(page, "en")
        nav(page).get_by_role("link", name="My schedules").click()
        assert_in(page, "en")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Haicang Demo Terminal")

        switch(page, "zh")
        assert urlsplit(page.url).path == "/publish/"
        expect(page.get_by_role("button", name="退出登录")).to_be_visible()
        nav(page).get_by_role("link", name="收费主体", exact=True).click()
        assert_in(page, "zh")
